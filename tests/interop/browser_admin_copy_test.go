package interop

// Browser end-to-end test of the domain console's mailing list and
// mailbox copy (issue 16, M4, M5): the scenarios are tests/interop/
// browser/admin-copy-scenarios.mjs, run by the same runner as
// browser_test.go on a server of their own. The domain's administrator
// makes a list of two users and writes to it from the compose screen;
// then he copies a user's mailbox into another's on 메일함 복사, found by
// typing part of their names. Afterwards each list member holds the
// message once and the target holds the source's mail, both read over
// IMAP with go-imap's client.
//
// Invariants:
//   - The browser logs in as the domain's administrator (adminAddr); the
//     other accounts and the source's mail are made here (the command
//     line, swaks, IMAP APPEND), never by the screens under test.
//   - Every listener is on 127.0.0.1.

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// browserAdminCopyScenarios are admin-copy-scenarios.mjs's, in the order
// they run; neither needs what the other made.
var browserAdminCopyScenarios = []string{
	"copy_list_send", // 메일링 리스트 of two users, then a message to it from the compose screen
	"copy_mailbox",   // 메일함 복사: pick by name, load the source's folders, copy, progress to the end, again copies nothing
}

// browserCopyFixtures is what admin-copy-scenarios.mjs starts from
// (POSTROOM_COPY_FIXTURES).
type browserCopyFixtures struct {
	List          string         `json:"list"`    // the list's address, not made yet
	Members       []string       `json:"members"` // its two members
	Subject       string         `json:"subject"` // of the message to the list
	Source        string         `json:"source"`
	SourceName    string         `json:"sourceName"`
	Target        string         `json:"target"`
	TargetName    string         `json:"targetName"`
	SourceFolders map[string]int `json:"sourceFolders"` // the source's folders and their messages
}

// browserCopyUndo is the server's undo_send here: the list's message
// leaves the queue soon after the scenario sent it.
const browserCopyUndo = 2 * time.Second

func TestBrowser_AdminCopy(t *testing.T) {
	dir, node, selected := browserStart(t, browserAdminCopyScenarios)

	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "http"}})
	setBrowserRootConfig(t, s, "undo_send = \""+browserCopyUndo.String()+"\"")
	fx := browserCopyFixtures{
		List:    uniqueAddr("team"),
		Members: []string{uniqueAddr("member-a"), uniqueAddr("member-b")},
		Subject: "리스트 공지 " + uniqueID("s"),
		Source:  uniqueAddr("source"), SourceName: "정원본",
		Target: uniqueAddr("target"), TargetName: "한대상",
	}
	s.AddUser(t, fx.Members[0], "--name", "구성원가")
	s.AddUser(t, fx.Members[1], "--name", "구성원나")
	s.AddUser(t, fx.Source, "--name", fx.SourceName)
	s.AddUser(t, fx.Target, "--name", fx.TargetName)

	// The source's mail: three from the internet, one he sent, and an
	// empty folder of his own.
	var inbox []string
	for i := range 3 {
		id := uniqueID("copy-src")
		inbox = append(inbox, id)
		out, code := swaks(t, s.Port(t, "smtp"), append([]string{"--from", "partner@remote.example", "--to", fx.Source},
			swaksMessage(id, "거래처 메일 "+string(rune('A'+i)))...)...)
		if code != 0 {
			t.Fatalf("swaks exit %d:\n%s", code, out)
		}
	}
	waitForSubject(t, s, fx.Source, "거래처 메일 C")
	s.MustCLI(t, "mailbox", "add", fx.Source, "거래처/2026")
	sentID := uniqueID("copy-sent")
	src := igLogin(t, s, "source", fx.Source, nil)
	src.igAppend(t, "Sent", []byte("From: "+fx.Source+"\r\nTo: x@remote.example\r\nSubject: sent\r\nMessage-ID: <"+sentID+">\r\n\r\nsent\r\n"),
		&imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
	fx.SourceFolders = map[string]int{"INBOX": 3, "Sent": 1, "거래처/2026": 0}

	runAsAdmin(t, node, dir, selected, s, "POSTROOM_COPY_FIXTURES", fx, "admin-copy")

	if slices.Contains(selected, "copy_list_send") {
		for _, m := range fx.Members {
			waitForSubject(t, s, m, fx.Subject)
			if n := imapCount(t, s, m, "INBOX", func(e *imap.Envelope) bool { return e.Subject == fx.Subject }); n != 1 {
				t.Errorf("%s holds %d copies of the list's message, want 1", m, n)
			}
		}
	}
	if slices.Contains(selected, "copy_mailbox") {
		if n := imapCount(t, s, fx.Target, "INBOX", func(e *imap.Envelope) bool { return slices.Contains(inbox, e.MessageID) }); n != 3 {
			t.Errorf("the target's INBOX holds %d of the source's 3 messages", n)
		}
		if n := imapCount(t, s, fx.Target, "Sent", func(e *imap.Envelope) bool { return e.MessageID == sentID }); n != 1 {
			t.Errorf("the target's Sent holds %d copies of the source's sent message", n)
		}
		if out := s.MustCLI(t, "mailbox", "list", fx.Target); !strings.Contains("\n"+out, "\n거래처/2026\t-\t0\t") {
			t.Errorf("the target has no 거래처/2026:\n%s", out)
		}
	}
	s.RequireConsistent(t)
}

// imapCount counts the messages of addr's mailbox whose envelope match
// says yes to, over IMAP.
func imapCount(t *testing.T, s *Server, addr, mailbox string, match func(*imap.Envelope) bool) int {
	t.Helper()
	c := igLogin(t, s, addr, addr, nil)
	if sel := c.igSelect(t, mailbox); sel.NumMessages == 0 {
		return 0
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	n := 0
	for _, m := range c.igFetch(t, all, &imap.FetchOptions{Envelope: true}) {
		if m.Envelope != nil && match(m.Envelope) {
			n++
		}
	}
	return n
}
