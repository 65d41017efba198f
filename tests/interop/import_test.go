package interop

// `postroom import` (issue 19) from a running Dovecot (Debian's
// dovecot-imapd, started here on 127.0.0.1 over a Maildir) with several
// folders, flags and Korean names, then a second run that changes
// nothing; then `postroom export` of that account as Maildir++ and as
// mbox files, each imported into a new account, gives the same folders
// and messages.

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// startDovecot runs Dovecot on a Maildir under a temporary directory with
// one user and returns its IMAP address.
func startDovecot(t *testing.T, login, password string) string {
	t.Helper()
	bin := requireTool(t, "dovecot", "dovecot-imapd")
	dir := t.TempDir()
	port := freePort(t)
	for _, d := range []string{"run", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Dovecot's auth process runs as its own user: it must reach the
	// password file (the test's temporary directories are 0700).
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(login+":{PLAIN}"+password+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Mail processes may not run as root: the mail belongs to Dovecot's
	// own user here.
	mailUser, err := user.Lookup("dovecot")
	if err != nil {
		t.Fatalf("dovecot's user: %v", err)
	}
	uid, _ := strconv.Atoi(mailUser.Uid)
	gid, _ := strconv.Atoi(mailUser.Gid)
	if err := os.Chown(filepath.Join(dir, "home"), uid, gid); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/run
log_path = %[1]s/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[2]d gid=%[3]d home=%[1]s/home/%%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \Sent
  }
  mailbox "Deleted Messages" {
    special_use = \Trash
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[4]d
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
`, dir, uid, gid, port)
	confPath := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-F", "-c", confPath)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Logf("dovecot:\n%s\n%s", out.String(), tail(string(log), 40))
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := imapclient.DialInsecure(addr, nil)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Fatalf("dovecot does not answer on %s: %v\n%s\n%s", addr, err, out.String(), log)
		}
		time.Sleep(50 * time.Millisecond) // dovecot starting: polled until it answers, with a deadline
	}
}

// importedView is an account's mail as an IMAP client sees it:
// "folder|flags|internal date|Message-ID", sorted.
func importedView(t *testing.T, c *imapclient.Client, who string) []string {
	t.Helper()
	boxes, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("%s: LIST: %v", who, err)
	}
	var out []string
	for _, b := range boxes {
		sel, err := c.Select(b.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			t.Fatalf("%s: EXAMINE %q: %v", who, b.Mailbox, err)
		}
		if sel.NumMessages == 0 {
			continue
		}
		var all imap.SeqSet
		all.AddRange(1, 0)
		msgs, err := c.Fetch(all, &imap.FetchOptions{Flags: true, InternalDate: true, Envelope: true}).Collect()
		if err != nil {
			t.Fatalf("%s: FETCH in %q: %v", who, b.Mailbox, err)
		}
		folder := b.Mailbox
		switch folder {
		case "Deleted Messages":
			folder = "Trash" // Dovecot's \Trash is Postroom's Trash
		}
		for _, m := range msgs {
			var flags []string
			for _, f := range m.Flags {
				if f != `\Recent` {
					flags = append(flags, string(f))
				}
			}
			sort.Strings(flags)
			out = append(out, fmt.Sprintf("%s|%s|%s|%s", folder, strings.Join(flags, " "), m.InternalDate.UTC().Format(time.RFC3339), m.Envelope.MessageID))
		}
	}
	sort.Strings(out)
	return out
}

func TestImport_fromDovecotTwice(t *testing.T) {
	dovecot := startDovecot(t, "old-user", "old-pass-1")
	old, err := imapclient.DialInsecure(dovecot, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := old.Login("old-user", "old-pass-1").Wait(); err != nil {
		t.Fatalf("dovecot login: %v", err)
	}
	date := time.Date(2025, 11, 3, 9, 15, 0, 0, time.FixedZone("KST", 9*3600))
	put := func(folder string, n int, flags ...imap.Flag) {
		t.Helper()
		msg := igMessage("kim@old.example", "old-user@old.example", fmt.Sprintf("%s %d", folder, n), uniqueID("old"), date.Add(time.Duration(n)*time.Hour), "", "옛 서버의 메일\n")
		cmd := old.Append(folder, int64(len(msg)), &imap.AppendOptions{Flags: flags, Time: date.Add(time.Duration(n) * time.Hour)})
		cmd.Write(msg)
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("dovecot APPEND to %q: %v", folder, err)
		}
	}
	for _, f := range []string{"거래처", "거래처/2025", "Sent", "Deleted Messages"} {
		if err := old.Create(f, nil).Wait(); err != nil && !strings.Contains(err.Error(), "exists") {
			t.Fatalf("dovecot CREATE %q: %v", f, err)
		}
	}
	put("INBOX", 1, imap.FlagSeen)
	put("INBOX", 2)
	put("거래처", 3, imap.FlagFlagged, imap.FlagAnswered)
	put("거래처/2025", 4, imap.FlagSeen, "$Label1")
	put("Sent", 5, imap.FlagSeen)
	put("Deleted Messages", 6, imap.FlagSeen)
	want := importedView(t, old, "dovecot")
	if len(want) != 6 {
		t.Fatalf("dovecot holds %d messages, want 6: %q", len(want), want)
	}

	s := newServer(t, serverOptions{listen: []string{"imap"}})
	user := uniqueAddr("imported")
	s.AddUser(t, user)
	url := fmt.Sprintf("imap://old-user:old-pass-1@%s", dovecot)
	out := s.MustCLI(t, "import", "--imap", url, user)
	if !strings.Contains(out, "imported 6, already here 0") {
		t.Errorf("first import said %q", out)
	}
	c := igLogin(t, s, "imported", user, nil)
	got := importedView(t, c.Client, "postroom")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("imported mail differs:\n got %q\nwant %q", got, want)
	}
	c.Close()

	again := s.MustCLI(t, "import", "--imap", url, user)
	if !strings.Contains(again, "imported 0, already here 6, folders created 0") {
		t.Errorf("second import said %q", again)
	}
	c = igLogin(t, s, "imported-again", user, nil)
	if got2 := importedView(t, c.Client, "postroom"); strings.Join(got2, "\n") != strings.Join(want, "\n") {
		t.Errorf("after the second import:\n got %q\nwant %q", got2, want)
	}
	c.Close()
	// The old server was only read: nothing became \Seen there.
	if after := importedView(t, old, "dovecot"); strings.Join(after, "\n") != strings.Join(want, "\n") {
		t.Errorf("the import changed the old server:\n%q", after)
	}
	// Out and in again: the account exported as Maildir++ and as mbox
	// files, each imported into a new account, reads the same over IMAP
	// (mbox keeps no flags).
	for _, format := range []string{"--maildir", "--mbox"} {
		dest := filepath.Join(t.TempDir(), "export")
		if out := s.MustCLI(t, "export", format, user, dest); !strings.Contains(out, "6 messages") {
			t.Errorf("export %s said %q", format, out)
		}
		copyUser := uniqueAddr("reimported")
		s.AddUser(t, copyUser)
		if out := s.MustCLI(t, "import", format, dest, copyUser); !strings.Contains(out, "imported 6,") {
			t.Errorf("import %s of the export said %q", format, out)
		}
		c := igLogin(t, s, "reimported", copyUser, nil)
		got := importedView(t, c.Client, "postroom")
		c.Close()
		wantBack := want
		if format == "--mbox" {
			wantBack = nil
			for _, w := range want {
				parts := strings.SplitN(w, "|", 3)
				wantBack = append(wantBack, parts[0]+"||"+parts[2])
			}
			sort.Strings(wantBack)
		}
		if strings.Join(got, "\n") != strings.Join(wantBack, "\n") {
			t.Errorf("exported %s and imported again:\n got %q\nwant %q", format, got, wantBack)
		}
	}

	// A wrong password is refused with the server's name, nothing imported.
	bad := s.CLI(t, "import", "--imap", fmt.Sprintf("imap://old-user:wrong@%s", dovecot), user)
	if bad.Code == 0 || !strings.Contains(bad.Stderr, "login as old-user") {
		t.Errorf("a wrong password: %s", bad)
	}
}
