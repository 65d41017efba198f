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

const usage = `postroom — business mail server

Usage:
  postroom init --data DIR --domain DOMAIN --admin ADDRESS --password PASS [--hostname HOST]
  postroom serve [--data DIR] [--config FILE]
  postroom domain add|list|remove [NAME] [--data DIR]
  postroom domain dns NAME [--data DIR]          # the DNS records to publish (MX, SPF, DKIM, DMARC, MTA-STS, SRV ...)
  postroom user add ADDRESS --password PASS [--name NAME] [--quota BYTES] [--admin] [--data DIR]
  postroom user list DOMAIN [--data DIR]
  postroom user passwd ADDRESS --password PASS [--data DIR]
  postroom user disable|enable|remove ADDRESS [--data DIR]
  postroom user set ADDRESS [--clients=true|false] [--enabled=true|false] [--quota BYTES] [--name NAME] [--admin=true|false] [--pop3-delete keep|trash|delete]
  postroom user log ADDRESS [--data DIR]
  postroom mailbox list ADDRESS [--data DIR]
  postroom mailbox add|remove ADDRESS NAME [--data DIR]
  postroom mailbox rename ADDRESS OLD NEW [--data DIR]
  postroom messages ADDRESS [MAILBOX] [--data DIR]
  postroom queue list | retry ID | drop ID [--data DIR]
  postroom reindex [--data DIR]                  # rebuild the search index
  postroom check [--data DIR]
  postroom gc [--data DIR]

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
	"check":    cmdCheck,
	"gc":       cmdGC,
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
