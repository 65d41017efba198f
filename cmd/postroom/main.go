// Command postroom is the one Postroom binary: it runs every server and
// administers the data directory. It is thin: it parses flags and calls the
// internal packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// usage is the one description of the command line: README.md's command
// list is a copy of its command lines, and usage_test.go checks both that
// and that every flag a command parses is shown here.
const usage = `postroom — business mail server

Usage:
  postroom init --domain DOMAIN --admin ADDRESS --password PASS [--name NAME] [--hostname HOST] [--public] [--data DIR]
  postroom serve [--config FILE] [--data DIR] [--cpuprofile FILE] [--memprofile FILE]
  postroom domain add|list|remove [NAME] [--data DIR]
  postroom domain dns NAME [--data DIR]            # the DNS records to publish (MX, SPF, DKIM, DMARC, MTA-STS ...)
  postroom domain set NAME [--suspend|--resume] [--max-users N] [--quota SIZE] [--language ko|en]
                      [--time-zone ZONE] [--messages-per-hour N] [--data DIR]
  postroom user add ADDRESS --password PASS [--name NAME] [--quota BYTES] [--admin] [--data DIR]
  postroom user list DOMAIN [--data DIR]
  postroom user passwd ADDRESS --password PASS [--data DIR]
  postroom user disable|enable|remove ADDRESS [--data DIR]
  postroom user set ADDRESS [--name NAME] [--quota BYTES] [--admin=true|false] [--enabled=true|false]
                    [--clients=true|false] [--pop3-delete keep|trash|delete] [--data DIR]
  postroom user log ADDRESS [--data DIR]           # access log: time, protocol, IP, ok/failed
  postroom mailbox list ADDRESS [--data DIR]       # name, role, messages, unseen
  postroom mailbox add|remove ADDRESS NAME [--data DIR]
  postroom mailbox rename ADDRESS OLD NEW [--data DIR]
  postroom messages ADDRESS [MAILBOX] [--data DIR] # UID, size, Message-ID, subject
  postroom queue list | retry ID | drop ID [--data DIR]
  postroom reindex [--data DIR]                    # rebuild the search index
  postroom spam train --spam FILE|ADDRESS:FOLDER --ham FILE|ADDRESS:FOLDER (--domain D | --account ADDRESS) [--data DIR]
  postroom check [--data DIR]                      # store and blob consistency
  postroom gc [--grace DURATION] [--data DIR]      # remove unreferenced message files older than DURATION (1h)
  postroom backup DEST [--data DIR]                # while serving: a new directory, or DEST.tar / .tar.gz
  postroom restore SRC [--data DIR]                # a backup into DIR, which must be empty; then checked
  postroom migrate --to TARGET.toml [--data DIR]   # into the PostgreSQL + S3 TARGET names; server stopped; verified; rerun resumes
  postroom import (--mbox FILE|DIR | --maildir DIR | --eml DIR | --imap URL) [--folder NAME]
                  [--insecure-tls] [--data DIR] ADDRESS  # mail from elsewhere; run twice, nothing twice
  postroom import --csv FILE [--insecure-tls] [--data DIR]  # lines address,source (a path or imaps://user:pass@host)
  postroom export (--maildir | --mbox) [--data DIR] ADDRESS|DOMAIN DEST  # a domain: DEST/ADDRESS each
  postroom bench smtp|imap-append|imap-mixed|pop3|web [--host 127.0.0.1] [--port N] [--user U --password P]
                 [--rcpt ADDR] [--concurrency N] [--messages N] [--size 10k|200k|2m|mixed] [--duration 20s]
                 [--nodelay=true|false] [--tls] [--insecure-tls] [--pid PID[,PID]] [--json]  # load on any server

--data defaults to ./data. Commands work while the server runs.
`

// errUsage marks a command-line mistake: the usage is printed, exit 2.
var errUsage = errors.New("usage")

type command func(ctx context.Context, args []string, out io.Writer) error

var commands = map[string]command{
	"init":     cmdInit,
	"serve":    cmdServe,
	"domain":   cmdDomain,
	"user":     cmdUser,
	"messages": cmdMessages,
	"mailbox":  cmdMailbox,
	"queue":    cmdQueue,
	"reindex":  cmdReindex,
	"spam":     cmdSpam,
	"check":    cmdCheck,
	"gc":       cmdGC,
	"backup":   cmdBackup,
	"restore":  cmdRestore,
	"migrate":  cmdMigrate,
	"import":   cmdImport,
	"export":   cmdExport,
	"bench":    cmdBench,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, out, errOut io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(out, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(errOut, "postroom: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(context.Background(), args[1:], out)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(errOut, "postroom %s: %v\n\n%s", args[0], err, usage)
		return 2
	case errors.Is(err, errProblems):
		return 1
	default:
		fmt.Fprintf(errOut, "postroom %s: %v\n", args[0], err)
		return 1
	}
}
