package interop

// OfflineIMAP (Debian's offlineimap3) syncing an account with a Korean-named
// folder tree into a local Maildir both ways, with flags; a further sync
// must change nothing (issue 17: the real-client suite).
//
//	go test -count=1 -run OfflineIMAP -v ./tests/interop/

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

type offlineIMAPRun struct {
	rc      string
	home    string
	maildir string
}

// newOfflineIMAP writes an offlineimaprc syncing every folder of user over
// IMAPS with a Maildir whose folders nest with "/" and carry the server's
// names decoded to UTF-8 (utf8foldernames).
func newOfflineIMAP(t *testing.T, s *Server, user string) *offlineIMAPRun {
	t.Helper()
	requireTool(t, "offlineimap", "offlineimap3")
	dir := t.TempDir()
	o := &offlineIMAPRun{rc: filepath.Join(dir, "offlineimaprc"), home: dir, maildir: filepath.Join(dir, "mail")}
	rc := fmt.Sprintf(`# written by tests/interop (imapclients_offlineimap_test.go)
[general]
accounts = main
metadata = %s/meta
ui = basic
maxsyncaccounts = 1

[Account main]
localrepository = local
remoterepository = remote
utf8foldernames = yes

[Repository local]
type = Maildir
localfolders = %s
sep = /

[Repository remote]
type = IMAP
remotehost = localhost
remoteport = %d
ssl = yes
sslcacertfile = %s
remoteuser = %s
remotepass = %s
maxconnections = 1
holdconnectionopen = no
createfolders = True
`, dir, o.maildir, s.Port(t, "imaps"), certFile, user, testPassword)
	if err := os.WriteFile(o.rc, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return o
}

// run runs one sync (-o) and fails the test unless it exits 0 without an
// error line: offlineimap reports some folder errors and still exits 0.
func (o *offlineIMAPRun) run(t *testing.T, what string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "offlineimap", "-c", o.rc, "-o")
	cmd.Env = append(os.Environ(), "HOME="+o.home)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("offlineimap (%s) took %v", what, time.Since(start).Round(time.Millisecond))
	text := string(out)
	if err != nil || strings.Contains(text, "ERROR") || strings.Contains(text, "Traceback") {
		t.Fatalf("offlineimap (%s): %v\n%s", what, err, tail(text, 120))
	}
	return text
}

// offlineMaildir reads the Maildir with folder names as offlineimap keeps
// them (UTF-8, "/" nesting), leaving out its own state.
func (o *offlineIMAPRun) state(t *testing.T) map[string]map[string]ipLocalMsg {
	t.Helper()
	return readMaildir(t, o.maildir)
}

// TestOfflineIMAPTwoWay: INBOX, Sent, a user folder and a nested Korean
// folder come down with their flags; changes on both sides meet on the
// second sync; a third sync changes nothing on either side.
func TestOfflineIMAPTwoWay(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imap-offlineimap")
	s.AddUser(t, user)
	const korean = "프로젝트/견적"
	c := ipDial(t, s, user)

	ids := map[string][]string{}
	add := func(mailbox, subject string, flags ...imap.Flag) {
		t.Helper()
		id := uniqueID("offlineimap")
		ids[mailbox] = append(ids[mailbox], id)
		msg := ipMessage("sender@remote.example", user, id, subject, "Body of "+subject+"\n두 번째 줄입니다.\n")
		if mailbox == "INBOX" {
			ipDeliver(t, s, user, msg)
			return
		}
		ipAppend(t, c, mailbox, msg, flags...)
	}
	for _, name := range []string{"프로젝트", korean} {
		if err := c.Create(name, nil).Wait(); err != nil {
			t.Fatalf("CREATE %s: %v", name, err)
		}
	}
	add("INBOX", "inbox 1")
	add("INBOX", "inbox 2")
	add("Sent", "보낸 편지", imap.FlagSeen)
	add("프로젝트", "project plan", imap.FlagSeen, imap.FlagFlagged)
	add(korean, "견적서 초안")
	add(korean, "견적서 최종", imap.FlagSeen, imap.FlagAnswered)

	o := newOfflineIMAP(t, s, user)
	o.run(t, "first")
	server := ipServerState(t, c)
	local := o.state(t)
	t.Logf("Maildir folders after the first sync: %v", slices.Sorted(maps.Keys(local)))
	for mailbox, want := range map[string]int{"INBOX": 2, "Sent": 1, "프로젝트": 1, korean: 2} {
		if got := len(local[mailbox]); got != want {
			t.Errorf("Maildir folder %s: %d messages after the first sync, want %d", mailbox, got, want)
		}
	}
	requireInSyncNamed(t, "after the first sync", server, local, func(m string) string { return m })
	if t.Failed() {
		t.FailNow()
	}
	if f := local[korean][ids[korean][1]].Flags; f != "RS" {
		t.Errorf("the \\Seen \\Answered message in %s has Maildir flags %q, want RS", korean, f)
	}

	// Server side: a delivery and a flag change; local side: a flag change,
	// a deletion and a new message in the Korean folder.
	newID := uniqueID("offlineimap-new")
	ipDeliver(t, s, user, ipMessage("sender@remote.example", user, newID, "arrived between syncs", "New.\n"))
	serverFlagged := ids["INBOX"][0]
	ipStoreUID(t, c, "INBOX", server["INBOX"][serverFlagged].UID, imap.StoreFlagsAdd, imap.FlagFlagged)
	if err := c.Unselect().Wait(); err != nil {
		t.Fatal(err)
	}
	localSeen := ids[korean][0]
	renameInfo(t, local[korean][localSeen].Path, "S")
	localDeleted := ids["프로젝트"][0]
	if err := os.Remove(local["프로젝트"][localDeleted].Path); err != nil {
		t.Fatal(err)
	}
	localNewID := uniqueID("offlineimap-local")
	localNew := strings.ReplaceAll(string(ipMessage(user, "someone@remote.example", localNewID, "로컬에서 쓴 메일", "Written in the Maildir.\n")), "\r\n", "\n")
	newPath := filepath.Join(o.maildir, korean, "new", fmt.Sprintf("%d.M1P%d.interop", time.Now().Unix(), os.Getpid()))
	if err := os.WriteFile(newPath, []byte(localNew), 0o600); err != nil {
		t.Fatal(err)
	}

	o.run(t, "second")
	server = ipServerState(t, c)
	local = o.state(t)
	if sm, ok := server[korean][localSeen]; !ok || !slices.Contains(sm.Flags, `\Seen`) {
		t.Errorf("\\Seen set in the Maildir did not reach the server: %s <%s> = %+v", korean, localSeen, sm.Flags)
	}
	if _, ok := server["프로젝트"][localDeleted]; ok {
		t.Errorf("message deleted in the Maildir is still on the server in 프로젝트")
	}
	if sm, ok := server[korean][localNewID]; !ok {
		t.Errorf("message written in the Maildir was not uploaded to %s", korean)
	} else if !ipSameMessage([]byte(localNew), stripOfflineIMAPID(sm.Raw)) {
		t.Errorf("uploaded message differs:\nserver %q\nlocal  %q", sm.Raw, localNew)
	}
	if _, ok := local["INBOX"][newID]; !ok {
		t.Errorf("message delivered between syncs is not in the Maildir INBOX")
	}
	if l, ok := local["INBOX"][serverFlagged]; !ok || l.Flags != "F" {
		t.Errorf("flag set on the server did not reach the Maildir: INBOX <%s> = %q", serverFlagged, l.Flags)
	}
	requireInSyncNamed(t, "after the second sync", server, local, func(m string) string { return m })
	s.RequireConsistent(t)

	beforeNames := offlineNames(t, o.maildir)
	o.run(t, "third")
	after := ipServerState(t, c)
	if afterNames := offlineNames(t, o.maildir); !slices.Equal(beforeNames, afterNames) {
		t.Errorf("third sync changed the Maildir:\nbefore %v\nafter  %v", beforeNames, afterNames)
	}
	for mailbox, msgs := range server {
		if !maps.EqualFunc(msgs, after[mailbox], func(a, b ipServerMsg) bool { return a.UID == b.UID && slices.Equal(a.Flags, b.Flags) }) {
			t.Errorf("third sync changed %s on the server:\nbefore %v\nafter  %v", mailbox, ipUIDFlags(msgs), ipUIDFlags(after[mailbox]))
		}
	}
}

// stripOfflineIMAPID removes the X-OfflineIMAP header field offlineimap
// adds to a message it uploads (to find it again by that id).
func stripOfflineIMAPID(raw []byte) []byte {
	var out []string
	for _, l := range strings.SplitAfter(string(raw), "\n") {
		if !strings.HasPrefix(l, "X-OfflineIMAP: ") {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, ""))
}

// offlineNames lists the Maildir's message files without the UID part of
// their names (offlineimap renames a file once it knows the server UID,
// which a sync with nothing to do must not do either).
func offlineNames(t *testing.T, root string) []string {
	t.Helper()
	return maildirNames(t, root)
}

// requireInSyncNamed is requireInSync with the local folder of a server
// mailbox given by folder; offlineimap's Maildir differs from mbsync's
// only in how it names folders and in the X-OfflineIMAP field it adds.
func requireInSyncNamed(t *testing.T, what string, server map[string]map[string]ipServerMsg, local map[string]map[string]ipLocalMsg, folder func(string) string) {
	t.Helper()
	for mailbox, msgs := range server {
		lm := local[folder(mailbox)]
		for id, sm := range msgs {
			l, ok := lm[id]
			if !ok {
				t.Errorf("%s: <%s> of %s is not in the Maildir folder %s", what, id, mailbox, folder(mailbox))
				continue
			}
			if want := maildirLetters(sm.Flags); l.Flags != want {
				t.Errorf("%s: <%s> in %s: Maildir flags %q, server flags %v (%q)", what, id, mailbox, l.Flags, sm.Flags, want)
			}
			if !ipSameMessage(stripOfflineIMAPID(sm.Raw), stripOfflineIMAPID(l.Raw)) {
				t.Errorf("%s: <%s> in %s: content differs:\nserver %q\nlocal  %q", what, id, mailbox, sm.Raw, l.Raw)
			}
		}
		for id := range lm {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s: <%s> is in the Maildir folder %s but not on the server in %s", what, id, folder(mailbox), mailbox)
			}
		}
	}
}
