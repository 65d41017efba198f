package interop

// NeoMutt (Debian's neomutt) against the server: a batch-mode send over
// SMTP (NeoMutt does not save copies to IMAP in batch mode), then sessions
// on a pseudo-terminal, driven by pushed keys: one copies the delivered
// message from INBOX into a Korean-named folder, one flags every message
// of that folder and deletes one, and a last one must change nothing
// (issue 17: the real-client suite).
//
//	go test -count=1 -run NeoMutt -v ./tests/interop/

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

type neomuttRun struct {
	rc   string
	home string
}

// newNeoMutt writes a neomuttrc for user on the imaps listener (trusting
// the test certificate) that sends over the smtp listener and keeps no
// cache, so that every run asks the server.
func newNeoMutt(t *testing.T, s *Server, user string) *neomuttRun {
	t.Helper()
	requireTool(t, "neomutt", "neomutt")
	requireTool(t, "script", "bsdutils")
	dir := t.TempDir()
	n := &neomuttRun{rc: filepath.Join(dir, "neomuttrc"), home: dir}
	rc := fmt.Sprintf(`# written by tests/interop (imapclients_neomutt_test.go)
set imap_user = "%s"
set imap_pass = "%s"
set folder = "imaps://localhost:%d/"
set spoolfile = "+INBOX"
set certificate_file = "%s"
set ssl_verify_host = yes
set smtp_url = "smtp://localhost:%d/"
set from = "%s"
set real_name = "네오멋 사용자"
set charset = "utf-8"
set send_charset = "utf-8"
set copy = no
set header_cache = ""
set message_cachedir = ""
set confirmappend = no
set confirmcreate = no
set delete = yes
set mark_old = no
set quit = yes
set move = no
set wait_key = no
set sleep_time = 0
set imap_check_subscribed = no
set imap_passive = yes
`, user, testPassword, s.Port(t, "imaps"), certFile, s.Port(t, "smtp"), user)
	if err := os.WriteFile(n.rc, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return n
}

func (n *neomuttRun) env() []string {
	return append(os.Environ(), "HOME="+n.home, "TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
}

// send runs NeoMutt in batch mode (stdin not a terminal): it sends body to
// rcpt over SMTP.
func (n *neomuttRun) send(t *testing.T, subject, rcpt, body string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "neomutt", "-n", "-F", n.rc, "-s", subject, "--", rcpt)
	cmd.Env = n.env()
	cmd.Stdin = strings.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("neomutt batch send: %v\n%s", err, out)
	}
}

// session opens folder in NeoMutt on a pseudo-terminal (script(1)) and
// types keys; keys must end by leaving NeoMutt.
func (n *neomuttRun) session(t *testing.T, folder, keys string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	inner := fmt.Sprintf("neomutt -n -F %s -f %s -e %s", shellQuote(n.rc), shellQuote("+"+folder), shellQuote("push "+shellQuoteMutt(keys)))
	cmd := exec.CommandContext(ctx, "script", "-qec", inner, "/dev/null")
	cmd.Env = n.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("neomutt session on %s: %v\n%s", folder, err, tail(string(out), 40))
	}
	if ctx.Err() != nil {
		t.Fatalf("neomutt session on %s did not end", folder)
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// shellQuoteMutt quotes a push argument for NeoMutt's own command parser.
func shellQuoteMutt(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// TestNeoMuttBatch sends with NeoMutt in batch mode, copies the delivered
// message into 보관함/2026 from a NeoMutt session, then flags every message
// of that folder and deletes one; a last session changes nothing.
func TestNeoMuttBatch(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imap-neomutt")
	s.AddUser(t, user)
	const folder = "보관함/2026"
	c := ipDial(t, s, user)
	if err := c.Create(folder, nil).Wait(); err != nil {
		t.Fatalf("CREATE %s: %v", folder, err)
	}
	keep := uniqueID("neomutt-keep")
	gone := uniqueID("neomutt-gone")
	ipAppend(t, c, folder, ipMessage("sender@remote.example", user, keep, "계약서 보관", "보관할 메일.\n"), imap.FlagSeen)
	ipAppend(t, c, folder, ipMessage("sender@remote.example", user, gone, "지울 메일 zap", "지울 메일.\n"))

	n := newNeoMutt(t, s, user)
	subject := "네오멋에서 보냄 " + uniqueID("nm")
	n.send(t, subject, user, "NeoMutt 본문입니다.\n")
	inbox := ipSnapshot(t, c, "INBOX")
	if len(inbox) != 1 {
		t.Fatalf("INBOX after NeoMutt's send: %d messages, want 1", len(inbox))
	}
	var sentID string
	for id, m := range inbox {
		sentID = id
		if !strings.Contains(string(m.Raw), "NeoMutt 본문입니다.") {
			t.Fatalf("the delivered message is not NeoMutt's: %q", m.Raw)
		}
	}

	// Copy it into the Korean folder (NeoMutt names it in modified UTF-7
	// on the wire and APPENDs or COPYs it).
	n.session(t, "INBOX", "<copy-message>="+folder+"<enter><quit>")
	byID := ipSnapshot(t, c, folder)
	if len(byID) != 3 {
		t.Fatalf("%s after NeoMutt's copy: %d messages, want 3", folder, len(byID))
	}
	if _, ok := byID[sentID]; !ok {
		t.Fatalf("NeoMutt's copy of <%s> is not in %s", sentID, folder)
	}
	if got := ipSnapshot(t, c, "INBOX"); len(got) != 1 {
		t.Errorf("INBOX after a copy: %d messages, want 1", len(got))
	}

	// Tag all, flag them, delete the one whose subject has "zap", sync, quit.
	n.session(t, folder, "<tag-pattern>~A<enter><tag-prefix><flag-message><delete-pattern>~s zap<enter><sync-mailbox><quit>")
	after := ipSnapshot(t, c, folder)
	if _, ok := after[gone]; ok {
		t.Errorf("the message deleted in NeoMutt is still in %s", folder)
	}
	for _, id := range []string{keep, sentID} {
		m, ok := after[id]
		if !ok {
			t.Errorf("<%s> vanished from %s", id, folder)
			continue
		}
		if !slices.Contains(m.Flags, `\Flagged`) {
			t.Errorf("<%s> in %s has flags %v after NeoMutt flagged it, want \\Flagged", id, folder, m.Flags)
		}
	}
	if !slices.Contains(after[keep].Flags, `\Seen`) {
		t.Errorf("<%s> lost \\Seen: %v", keep, after[keep].Flags)
	}
	if len(after) != 2 {
		t.Errorf("%s after the NeoMutt session: %d messages, want 2", folder, len(after))
	}

	// A session that only opens the folder and leaves changes nothing.
	n.session(t, folder, "<quit>")
	again := ipSnapshot(t, c, folder)
	if !maps.EqualFunc(after, again, func(a, b ipServerMsg) bool { return a.UID == b.UID && slices.Equal(a.Flags, b.Flags) }) {
		t.Errorf("a NeoMutt session that changed nothing changed %s:\nbefore %v\nafter  %v", folder, ipUIDFlags(after), ipUIDFlags(again))
	}
	s.RequireConsistent(t)
}
