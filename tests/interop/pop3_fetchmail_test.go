package interop

// fetchmail (Debian package) against the POP3 listeners, the way a
// "leave a copy on the server" client polls: keep, uidl, state in an
// idfile. The first run downloads every message, the second nothing, and
// after one new delivery the third exactly that one.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fetchmailRun is one account's fetchmail set-up in a temporary directory.
type fetchmailRun struct {
	bin, dir, rc, idfile, maildir string
}

func newFetchmail(t *testing.T, s *Server, user, mode string) *fetchmailRun {
	t.Helper()
	f := &fetchmailRun{bin: requireTool(t, "fetchmail", "fetchmail"), dir: t.TempDir()}
	f.rc = filepath.Join(f.dir, "fetchmailrc")
	f.idfile = filepath.Join(f.dir, "fetchids")
	f.maildir = filepath.Join(f.dir, "mail")
	if err := os.Mkdir(f.maildir, 0o700); err != nil {
		t.Fatal(err)
	}
	// The MDA writes each message to its own file (written, then renamed).
	mda := filepath.Join(f.dir, "deliver.sh")
	script := "#!/bin/sh\nset -e\nf=\"$1/$(date +%s%N).$$\"\ncat > \"$f.tmp\"\nmv \"$f.tmp\" \"$f\"\n"
	if err := os.WriteFile(mda, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	var port int
	var tlsOpts string
	switch mode {
	case "stls":
		// sslproto without ssl: STLS on the plain port, required.
		port, tlsOpts = s.Port(t, "pop3"), "sslproto tls1.2+ no sslcertck"
	case "ssl":
		port, tlsOpts = s.Port(t, "pop3s"), "ssl sslproto tls1.2+ no sslcertck"
	default:
		t.Fatalf("mode %q", mode)
	}
	rc := fmt.Sprintf(`# written by tests/interop (pop3_fetchmail_test.go)
set no bouncemail
set no syslog
poll 127.0.0.1 protocol pop3 port %d uidl auth password timeout 30
    user "%s" there with password "%s" is "localuser" here
    keep
    %s
    mda "/bin/sh %s %s"
`, port, user, testPassword, tlsOpts, mda, f.maildir)
	if err := os.WriteFile(f.rc, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// run polls once and returns how many messages were written and
// fetchmail's output. Exit status 0 is "mail fetched", 1 "no mail".
func (f *fetchmailRun) run(t *testing.T, what string) (int, string) {
	t.Helper()
	before := f.files(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, f.bin, "-f", f.rc, "--idfile", f.idfile, "--nodetach", "--nosyslog", "-v")
	cmd.Dir = f.dir
	cmd.Env = append(os.Environ(), "HOME="+f.dir, "FETCHMAILHOME="+f.dir, "LC_ALL=C")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	if took := time.Since(start); took > 3*slowCommand {
		t.Logf("slow: fetchmail (%s) took %v", what, took.Round(time.Millisecond))
	}
	code := cmd.ProcessState.ExitCode()
	if err != nil && code != 1 {
		t.Fatalf("fetchmail (%s): %v (exit %d)\n%s", what, err, code, out.String())
	}
	got := len(f.files(t)) - len(before)
	if (code == 0) != (got > 0) {
		t.Errorf("fetchmail (%s): exit %d but %d messages written\n%s", what, code, got, out.String())
	}
	return got, out.String()
}

func (f *fetchmailRun) files(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(f.maildir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".tmp") {
			names = append(names, filepath.Join(f.maildir, e.Name()))
		}
	}
	slices.Sort(names)
	return names
}

// ids returns the Message-IDs of the messages fetched so far (fetchmail
// writes LF line ends; Message-ID lookup copes with both).
func (f *fetchmailRun) ids(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, name := range f.files(t) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
		b = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
		ids = append(ids, ipMessageID(b))
	}
	slices.Sort(ids)
	return ids
}

func TestPOP3Fetchmail(t *testing.T) {
	s := pop3Server(t)
	for _, mode := range []string{"stls", "ssl"} {
		t.Run(mode, func(t *testing.T) {
			user := pop3User(t, s, "fetchmail-"+mode)
			var want []string
			for i := 1; i <= 3; i++ {
				id, _ := pop3Deliver(t, s, user, fmt.Sprintf("fetchmail %d", i))
				want = append(want, id)
			}
			f := newFetchmail(t, s, user, mode)

			n, out := f.run(t, "first run")
			if n != 3 {
				t.Fatalf("first run downloaded %d messages, want 3\n%s", n, out)
			}
			if mode == "stls" && !strings.Contains(out, "STLS") {
				t.Errorf("fetchmail did not use STLS:\n%s", out)
			}
			if got := f.ids(t); !slices.Equal(got, sortedCopy(want)) {
				t.Errorf("downloaded Message-IDs %q, want %q", got, sortedCopy(want))
			}

			if n, out := f.run(t, "second run"); n != 0 {
				t.Fatalf("second run downloaded %d messages, want 0 (keep + uidl)\n%s", n, out)
			}

			id4, _ := pop3Deliver(t, s, user, "fetchmail 4")
			want = append(want, id4)
			if n, out := f.run(t, "third run"); n != 1 {
				t.Fatalf("third run (after one new delivery) downloaded %d messages, want 1\n%s", n, out)
			}
			if got := f.ids(t); !slices.Equal(got, sortedCopy(want)) {
				t.Errorf("downloaded Message-IDs %q, want %q", got, sortedCopy(want))
			}

			// keep: all still on the server, for POP3 and in INBOX.
			if n := len(s.Messages(t, user, "")); n != 4 {
				t.Errorf("INBOX has %d messages after keep runs, want 4", n)
			}
			if n := len(pop3UIDLs(t, s, user)); n != 4 {
				t.Errorf("POP3 lists %d messages after keep runs, want 4", n)
			}
		})
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
