package interop

// mbsync (isync, from Debian) doing a full two-way sync of an account with
// several folders into a local Maildir, then changes on both sides and a
// second sync, then a third sync that must change nothing.
//
//	go test -count=1 -run Mbsync -v ./tests/interop/

import (
	"bytes"
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
	"github.com/emersion/go-imap/v2/imapclient"
)

// maildirFlag maps IMAP system flags to Maildir info letters.
var maildirFlag = map[string]byte{`\Draft`: 'D', `\Flagged`: 'F', `\Answered`: 'R', `\Seen`: 'S', `\Deleted`: 'T'}

// maildirLetters returns the Maildir info letters of IMAP flags, sorted.
func maildirLetters(flags []string) string {
	var b []byte
	for _, f := range flags {
		for name, l := range maildirFlag {
			if strings.EqualFold(f, name) {
				b = append(b, l)
			}
		}
	}
	slices.Sort(b)
	return string(b)
}

// ipLocalMsg is one message file of a Maildir folder.
type ipLocalMsg struct {
	Path  string // full path
	Flags string // info letters after ":2,", sorted
	Raw   []byte
}

// readMaildir returns every message under root by folder (the path
// relative to root, with "/" separators) and Message-ID.
func readMaildir(tb testing.TB, root string) map[string]map[string]ipLocalMsg {
	tb.Helper()
	out := map[string]map[string]ipLocalMsg{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(filepath.Base(filepath.Dir(path)) == "cur" || filepath.Base(filepath.Dir(path)) == "new") {
			return nil
		}
		folder, err := filepath.Rel(root, filepath.Dir(filepath.Dir(path)))
		if err != nil {
			return err
		}
		folder = filepath.ToSlash(folder)
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		id := ipMessageID(raw)
		if id == "" {
			return fmt.Errorf("%s: no Message-ID", path)
		}
		var flags string
		if _, info, ok := strings.Cut(d.Name(), ":2,"); ok {
			b := []byte(info)
			slices.Sort(b)
			flags = string(b)
		}
		if out[folder] == nil {
			out[folder] = map[string]ipLocalMsg{}
		}
		if prev, dup := out[folder][id]; dup {
			return fmt.Errorf("Message-ID <%s> twice in %s: %s and %s", id, folder, prev.Path, path)
		}
		out[folder][id] = ipLocalMsg{Path: path, Flags: flags, Raw: raw}
		return nil
	})
	if err != nil {
		tb.Fatalf("reading the Maildir: %v", err)
	}
	return out
}

// ipLocalFolder is the Maildir folder of a server mailbox: mbsync 1.4 keeps
// names as they are on the wire, so a Korean name is in modified UTF-7.
func ipLocalFolder(mailbox string) string { return igMUTF7(mailbox) }

type mbsyncRun struct {
	rc      string
	home    string
	maildir string
}

// newMbsync writes an mbsyncrc syncing every folder (Patterns *) of user
// with a Maildir; tlsType is mbsync's SSLType: "IMAPS" (the imaps
// listener) or "STARTTLS" (the imap listener).
func newMbsync(t *testing.T, s *Server, user, tlsType string) *mbsyncRun {
	t.Helper()
	requireTool(t, "mbsync", "isync")
	dir := t.TempDir()
	m := &mbsyncRun{rc: filepath.Join(dir, "mbsyncrc"), home: dir, maildir: filepath.Join(dir, "mail")}
	if err := os.MkdirAll(m.maildir, 0o700); err != nil {
		t.Fatal(err)
	}
	// isync 1.4 (Debian 12) spells the TLS option SSLType; CertificateFile
	// names the server's own self-signed certificate, which mbsync then
	// trusts as a host certificate.
	listener := "imaps"
	if tlsType == "STARTTLS" {
		listener = "imap"
	}
	rc := fmt.Sprintf(`# written by tests/interop (imappy_mbsync_test.go)
IMAPAccount server
Host 127.0.0.1
Port %d
User "%s"
Pass "%s"
SSLType %s
CertificateFile "%s"
SystemCertificates no
Timeout 20

IMAPStore far
Account server

MaildirStore near
Path "%s/"
Inbox "%s/INBOX"
SubFolders Verbatim

Channel sync
Far :far:
Near :near:
Patterns *
Create Both
Expunge Both
SyncState *
CopyArrivalDate yes
`, s.Port(t, listener), user, testPassword, tlsType, certFile, m.maildir, m.maildir)
	if err := os.WriteFile(m.rc, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return m
}

// run runs `mbsync -a` and fails the test unless it exits 0.
func (m *mbsyncRun) run(t *testing.T, what string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "mbsync", "-c", m.rc, "-a")
	cmd.Env = append(os.Environ(), "HOME="+m.home)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("mbsync (%s) took %v", what, time.Since(start).Round(time.Millisecond))
	if err != nil {
		// Once more, verbose, to show what went wrong.
		v := exec.CommandContext(ctx, "mbsync", "-V", "-c", m.rc, "-a")
		v.Env = cmd.Env
		vout, _ := v.CombinedOutput()
		t.Fatalf("mbsync (%s): %v\n%s\n--- again with -V:\n%s", what, err, out, tail(string(vout), 120))
	}
	return string(out)
}

// ipServerState returns every mailbox of the account (LIST "" *) with its
// messages by Message-ID.
func ipServerState(t *testing.T, c *imapclient.Client) map[string]map[string]ipServerMsg {
	t.Helper()
	boxes, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	out := map[string]map[string]ipServerMsg{}
	for _, b := range boxes {
		if slices.Contains(b.Attrs, imap.MailboxAttrNoSelect) {
			continue
		}
		out[b.Mailbox] = ipSnapshot(t, c, b.Mailbox)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatalf("UNSELECT: %v", err)
	}
	return out
}

// requireInSync fails unless every server mailbox is a Maildir folder with
// the same messages (by Message-ID), the same flags and the same content
// (line ends aside), and there are no local folders beyond them.
func requireInSync(t *testing.T, what string, server map[string]map[string]ipServerMsg, local map[string]map[string]ipLocalMsg) {
	t.Helper()
	for mailbox, msgs := range server {
		folder := ipLocalFolder(mailbox)
		lm := local[folder]
		for id, sm := range msgs {
			l, ok := lm[id]
			if !ok {
				t.Errorf("%s: <%s> of %s is not in the Maildir folder %s", what, id, mailbox, folder)
				continue
			}
			if want := maildirLetters(sm.Flags); l.Flags != want {
				t.Errorf("%s: <%s> in %s: Maildir flags %q, server flags %v (%q)", what, id, mailbox, l.Flags, sm.Flags, want)
			}
			if !ipSameMessage(sm.Raw, l.Raw) {
				t.Errorf("%s: <%s> in %s: content differs:\nserver %q\nlocal  %q", what, id, mailbox, sm.Raw, l.Raw)
			}
		}
		for id := range lm {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s: <%s> is in the Maildir folder %s but not on the server in %s", what, id, folder, mailbox)
			}
		}
	}
	for folder, lm := range local {
		found := false
		for mailbox := range server {
			found = found || ipLocalFolder(mailbox) == folder
		}
		if !found && len(lm) > 0 {
			t.Errorf("%s: the Maildir folder %s (%d messages) is not a server mailbox", what, folder, len(lm))
		}
	}
}

// ipSameMessage compares a message on the server with its Maildir copy:
// mbsync stores LF line ends and may add an X-TUID header field.
func ipSameMessage(server, local []byte) bool {
	norm := func(b []byte) []byte {
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
		var out [][]byte
		for _, l := range bytes.SplitAfter(b, []byte("\n")) {
			if !bytes.HasPrefix(l, []byte("X-TUID: ")) {
				out = append(out, l)
			}
		}
		return bytes.Join(out, nil)
	}
	return bytes.Equal(norm(server), norm(local))
}

// TestMbsyncTwoWay syncs INBOX, Sent, a user folder and a nested Korean
// folder (a few messages each, some flagged) both ways with mbsync.
func TestMbsyncTwoWay(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-mbsync")
	s.AddUser(t, user)
	const korean = "Projects/견적"
	c := ipDial(t, s, user)

	// The server side: 3 delivered to INBOX (one \Seen \Flagged), 2 sent
	// (\Seen), 2 in Projects, 2 in Projects/견적, 1 draft.
	ids := map[string][]string{}
	add := func(mailbox, subject string, flags ...imap.Flag) {
		t.Helper()
		id := uniqueID("mbsync")
		ids[mailbox] = append(ids[mailbox], id)
		msg := ipMessage("sender@remote.example", user, id, subject, "Body of "+subject+"\n두 번째 줄입니다.\n")
		if mailbox == "INBOX" {
			ipDeliver(t, s, user, msg)
			return
		}
		ipAppend(t, c, mailbox, msg, flags...)
	}
	for _, name := range []string{"Projects", korean} {
		if err := c.Create(name, nil).Wait(); err != nil {
			t.Fatalf("CREATE %s: %v", name, err)
		}
	}
	for i := 1; i <= 3; i++ {
		add("INBOX", fmt.Sprintf("inbox %d", i))
	}
	add("Sent", "sent 1", imap.FlagSeen)
	add("Sent", "sent 2", imap.FlagSeen, imap.FlagAnswered)
	add("Projects", "project plan")
	add("Projects", "project budget", imap.FlagSeen)
	add(korean, "견적서 초안")
	add(korean, "견적서 최종", imap.FlagSeen, imap.FlagFlagged)
	add("Drafts", "unfinished", imap.FlagDraft, imap.FlagSeen)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true,
		Flags: []imap.Flag{imap.FlagSeen, imap.FlagFlagged}}, nil).Close(); err != nil {
		t.Fatalf("STORE: %v", err)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatal(err)
	}

	// --- first sync: everything comes down ---------------------------------
	m := newMbsync(t, s, user, "IMAPS")
	m.run(t, "first")
	server := ipServerState(t, c)
	local := readMaildir(t, m.maildir)
	t.Logf("Maildir folders after the first sync: %v", slices.Sorted(maps.Keys(local)))
	for mailbox, want := range map[string]int{"INBOX": 3, "Sent": 2, "Projects": 2, korean: 2, "Drafts": 1, "Trash": 0, "Spam": 0, "Archive": 0} {
		if got := len(server[mailbox]); got != want {
			t.Errorf("server %s: %d messages, want %d (set-up)", mailbox, got, want)
		}
		if _, err := os.Stat(filepath.Join(m.maildir, ipLocalFolder(mailbox), "cur")); err != nil {
			t.Errorf("first sync made no Maildir folder for %s: %v", mailbox, err)
		}
	}
	requireInSync(t, "after the first sync", server, local)
	if t.Failed() {
		t.FailNow()
	}
	if f := local["INBOX"][ids["INBOX"][0]].Flags; f != "FS" {
		t.Errorf("the \\Seen \\Flagged INBOX message has Maildir flags %q, want FS", f)
	}

	// --- changes on both sides ----------------------------------------------
	// Server: a new delivery, a flag set over IMAP, a message expunged.
	newID := uniqueID("mbsync-new")
	ipDeliver(t, s, user, ipMessage("sender@remote.example", user, newID, "arrived between syncs", "New.\n"))
	serverFlagged := ids["Projects"][0]
	ipStoreUID(t, c, "Projects", server["Projects"][serverFlagged].UID, imap.StoreFlagsAdd, imap.FlagFlagged)
	serverDeleted := ids["Sent"][1]
	ipStoreUID(t, c, "Sent", server["Sent"][serverDeleted].UID, imap.StoreFlagsAdd, imap.FlagDeleted)
	if err := c.Expunge().Close(); err != nil {
		t.Fatalf("EXPUNGE: %v", err)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatal(err)
	}

	// Maildir: flag a seen message (":2,S" -> ":2,FS"), mark an unread
	// one read, delete one, and write a new one into the Korean folder.
	localFlagged := ids["Sent"][0]
	renameInfo(t, local["Sent"][localFlagged].Path, "FS")
	localSeen := ids["INBOX"][1]
	renameInfo(t, local["INBOX"][localSeen].Path, "S")
	localDeleted := ids[korean][0]
	if err := os.Remove(local[ipLocalFolder(korean)][localDeleted].Path); err != nil {
		t.Fatal(err)
	}
	localNewID := uniqueID("mbsync-local")
	localNew := strings.ReplaceAll(string(ipMessage(user, "someone@remote.example", localNewID, "로컬에서 쓴 메일", "Written in the Maildir.\n")), "\r\n", "\n")
	newPath := filepath.Join(m.maildir, ipLocalFolder(korean), "new", fmt.Sprintf("%d.M1P%d.interop", time.Now().Unix(), os.Getpid()))
	if err := os.WriteFile(newPath, []byte(localNew), 0o600); err != nil {
		t.Fatal(err)
	}

	// --- second sync: both sides meet -----------------------------------------
	m.run(t, "second")
	server = ipServerState(t, c)
	local = readMaildir(t, m.maildir)
	if sm, ok := server["Sent"][localFlagged]; !ok || !slices.Contains(sm.Flags, `\Flagged`) || !slices.Contains(sm.Flags, `\Seen`) {
		t.Errorf("flag set in the Maildir did not reach the server: Sent <%s> = %+v", localFlagged, sm.Flags)
	}
	if sm, ok := server["INBOX"][localSeen]; !ok || !slices.Contains(sm.Flags, `\Seen`) {
		t.Errorf("\\Seen set in the Maildir did not reach the server: INBOX <%s> = %+v", localSeen, sm.Flags)
	}
	if _, ok := server[korean][localDeleted]; ok {
		t.Errorf("message deleted in the Maildir is still on the server in %s", korean)
	}
	if s.FindMessage(t, user, korean, localDeleted) != nil {
		t.Errorf("postroom messages %s still lists <%s>, deleted in the Maildir", korean, localDeleted)
	}
	if sm, ok := server[korean][localNewID]; !ok {
		t.Errorf("message written in the Maildir was not uploaded to %s", korean)
	} else if !ipSameMessage([]byte(localNew), sm.Raw) {
		t.Errorf("uploaded message differs:\nserver %q\nlocal  %q", sm.Raw, localNew)
	}
	s.RequireMessage(t, user, korean, localNewID)
	if _, ok := local["INBOX"][newID]; !ok {
		t.Errorf("message delivered between syncs is not in the Maildir INBOX")
	}
	if l, ok := local["Projects"][serverFlagged]; !ok || l.Flags != "F" {
		t.Errorf("flag set on the server did not reach the Maildir: Projects <%s> = %+v", serverFlagged, l.Flags)
	}
	if _, ok := local["Sent"][serverDeleted]; ok {
		t.Errorf("message expunged on the server is still in the Maildir Sent")
	}
	requireInSync(t, "after the second sync", server, local)
	s.RequireConsistent(t)

	// --- third sync: nothing to do ----------------------------------------------
	beforeNames := maildirNames(t, m.maildir)
	m.run(t, "third")
	after := ipServerState(t, c)
	if afterNames := maildirNames(t, m.maildir); !slices.Equal(beforeNames, afterNames) {
		t.Errorf("third sync changed the Maildir:\nbefore %v\nafter  %v", beforeNames, afterNames)
	}
	for mailbox, msgs := range server {
		if !maps.EqualFunc(msgs, after[mailbox], func(a, b ipServerMsg) bool { return a.UID == b.UID && slices.Equal(a.Flags, b.Flags) }) {
			t.Errorf("third sync changed %s on the server:\nbefore %v\nafter  %v", mailbox, ipUIDFlags(msgs), ipUIDFlags(after[mailbox]))
		}
	}
	if len(after) != len(server) {
		t.Errorf("third sync changed the mailbox list: %d mailboxes before, %d after", len(server), len(after))
	}
}

// ipStoreUID changes the flags of one message (by UID) in mailbox, which it
// leaves selected.
func ipStoreUID(t *testing.T, c *imapclient.Client, mailbox string, uid imap.UID, op imap.StoreFlagsOp, flags ...imap.Flag) {
	t.Helper()
	if uid == 0 {
		t.Fatalf("STORE in %s: no such message", mailbox)
	}
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		t.Fatalf("SELECT %s: %v", mailbox, err)
	}
	if err := c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: op, Silent: true, Flags: flags}, nil).Close(); err != nil {
		t.Fatalf("UID STORE %d in %s: %v", uid, mailbox, err)
	}
}

// renameInfo gives a Maildir message new info letters, moving it to cur/.
func renameInfo(t *testing.T, path, letters string) {
	t.Helper()
	base, _, _ := strings.Cut(filepath.Base(path), ":2,")
	dst := filepath.Join(filepath.Dir(filepath.Dir(path)), "cur", base+":2,"+letters)
	if err := os.Rename(path, dst); err != nil {
		t.Fatal(err)
	}
}

// maildirNames lists the message files under root (relative paths, sorted),
// leaving out mbsync's own state files.
func maildirNames(t *testing.T, root string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".mbsyncstate") || d.Name() == ".uidvalidity" {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

func ipUIDFlags(msgs map[string]ipServerMsg) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, fmt.Sprintf("%d%v", m.UID, m.Flags))
	}
	slices.Sort(out)
	return out
}

// TestMbsyncSTARTTLS: mbsync over STARTTLS on the imap listener pulls the
// INBOX, and a message deleted in the Maildir is expunged on the server.
func TestMbsyncSTARTTLS(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-mbsync-tls")
	s.AddUser(t, user)
	var ids []string
	for i := 0; i < 2; i++ {
		id := uniqueID("mbsync-tls")
		ids = append(ids, id)
		ipDeliver(t, s, user, ipMessage("sender@remote.example", user, id, fmt.Sprintf("starttls %d", i), "Hello.\n"))
	}
	m := newMbsync(t, s, user, "STARTTLS")
	m.run(t, "first")
	local := readMaildir(t, m.maildir)
	if len(local["INBOX"]) != 2 {
		t.Fatalf("Maildir INBOX after a STARTTLS sync: %d messages, want 2", len(local["INBOX"]))
	}
	if err := os.Remove(local["INBOX"][ids[0]].Path); err != nil {
		t.Fatal(err)
	}
	m.run(t, "second")
	if l := s.Messages(t, user, ""); len(l) != 1 || l[0].MessageID != ids[1] {
		t.Errorf("INBOX on the server after deleting <%s> in the Maildir: %+v, want only <%s>", ids[0], l, ids[1])
	}
}
