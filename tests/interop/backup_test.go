package interop

// `postroom backup` while mail arrives, `postroom restore` into a fresh
// directory, and a server started on the restored directory (issue 19):
// every message the restored server has is, byte for byte, with the same
// UIDVALIDITY, UID and flags, the one the original server has, nothing
// from before the backup is missing, the mail that arrived after it is
// not there, and the restored store checks clean. Both servers are read
// with the go-imap client.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// backupSnapshot is one server's view of an account over IMAP: per
// mailbox its UIDVALIDITY and, by UID, flags and bytes.
type backupSnapshot map[string]backupMailbox

type backupMailbox struct {
	uidValidity uint32
	messages    map[imap.UID]string // "flags|bytes"
}

func backupRead(t *testing.T, s *Server, name, addr string) backupSnapshot {
	t.Helper()
	c := igLogin(t, s, name, addr, nil)
	defer c.Close()
	snap := backupSnapshot{}
	for mbName := range c.igList(t, "", "*", nil) {
		sel := c.igSelect(t, mbName)
		mb := backupMailbox{uidValidity: sel.UIDValidity, messages: map[imap.UID]string{}}
		if sel.NumMessages > 0 {
			var all imap.SeqSet
			all.AddRange(1, 0) // 1:*
			for _, m := range c.igFetch(t, all, &imap.FetchOptions{UID: true, Flags: true,
				BodySection: []*imap.FetchItemBodySection{{Peek: true}}}) {
				flags := make([]string, 0, len(m.Flags))
				for _, f := range m.Flags {
					flags = append(flags, string(f))
				}
				sort.Strings(flags)
				mb.messages[m.UID] = strings.Join(flags, " ") + "|" + string(m.FindBodySection(&imap.FetchItemBodySection{}))
			}
		}
		snap[mbName] = mb
	}
	return snap
}

func TestBackup_whileMailArrivesRestoresIdentical(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap"}})
	user := uniqueAddr("backup")
	s.AddUser(t, user, "--name", "백업 사용자")

	// Mail in two folders, one with a Korean name, with flags.
	c := igLogin(t, s, "original", user, nil)
	folder := "보관함/2026"
	if err := c.Create(folder, nil).Wait(); err != nil {
		t.Fatalf("CREATE %q: %v", folder, err)
	}
	date := time.Date(2026, 3, 4, 9, 30, 0, 0, time.FixedZone("KST", 9*3600))
	c.igAppend(t, folder, igMessage("kim@example.net", user, "보관 메일", uniqueID("kept"), date, "", "지난 분기 보고서\n"),
		&imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen, imap.FlagFlagged, "$Report"}})
	c.igAppend(t, "INBOX", igMessage("lee@example.net", user, "answered", uniqueID("ans"), date, "", "done\n"),
		&imap.AppendOptions{Flags: []imap.Flag{imap.FlagAnswered}})
	c.Close()

	// Mail keeps arriving over SMTP while the backup runs.
	mx := s.Addr(t, "smtp")
	var sent atomic.Int64
	progress := make(chan struct{}, 1000)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var sendErr atomic.Value
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			raw := igMessage("sender@example.net", user, fmt.Sprintf("arriving %d", i), uniqueID("arr"), date, "", strings.Repeat("본문 ", 50+i))
			if err := trySendMX(mx, "sender@example.net", user, raw); err != nil {
				sendErr.Store(err)
				return
			}
			sent.Add(1)
			progress <- struct{}{}
		}
	}()
	waitSent := func(n int64) {
		t.Helper()
		for sent.Load() < n {
			select {
			case <-progress:
			case <-time.After(time.Minute):
				t.Fatalf("mail stopped arriving at %d messages: %v", sent.Load(), sendErr.Load())
			}
		}
	}
	stopSending := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopSending()

	waitSent(3)
	before := sent.Load()
	dest := filepath.Join(t.TempDir(), "postroom-backup.tar.gz")
	out := s.MustCLI(t, "backup", dest)
	if !strings.Contains(out, "message files") {
		t.Errorf("backup said %q", out)
	}
	after := sent.Load()
	waitSent(after + 3) // mail the backup cannot hold
	stopSending()
	if err := sendErr.Load(); err != nil {
		t.Fatalf("sending while backing up: %v", err)
	}

	// Restore into a directory the second server then runs on.
	base := t.TempDir()
	restored := filepath.Join(base, "data")
	res := runCLI(t.Context(), "restore", "--data", restored, dest)
	if res.err != nil || res.Code != 0 || !strings.Contains(res.Stdout, "consistent") {
		t.Fatalf("restore: %s", res)
	}
	if again := runCLI(t.Context(), "restore", "--data", restored, dest); again.Code == 0 || !strings.Contains(again.Stderr, "not empty") {
		t.Errorf("a restore into the restored (not empty) directory: %s", again)
	}
	chk := runCLI(t.Context(), "check", "--data", restored)
	if chk.Code != 0 || !strings.Contains(chk.Stdout, "consistent") {
		t.Errorf("postroom check of the restored directory: %s", chk)
	}
	// the backup holds no search index: every message waits for its terms,
	// and check says how many (the server writes them once it runs)
	var waiting int64
	_, said, _ := strings.Cut(chk.Stdout, "search index: ")
	if _, err := fmt.Sscanf(said, "%d messages wait", &waiting); err != nil || waiting < before+1 {
		t.Errorf("postroom check of the restored directory says %d messages wait for their terms (%v), want at least %d:\n%s", waiting, err, before+1, chk.Stdout)
	}
	if cfg, err := os.ReadFile(filepath.Join(restored, "postroom.toml")); err != nil || !bytes.Contains(cfg, []byte(restored)) {
		t.Errorf("the restored config does not name its directory (%v):\n%s", err, cfg)
	}
	r, err := setupServer(base, serverOptions{listen: []string{"imap"}, fresh: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.stop)

	orig := backupRead(t, s, "original", user)
	back := backupRead(t, r, "restored", user)
	if len(back) != len(orig) {
		t.Errorf("mailboxes: restored %d, original %d", len(back), len(orig))
	}
	for name, ob := range orig {
		rb, ok := back[name]
		if !ok {
			t.Errorf("mailbox %q missing from the restore", name)
			continue
		}
		if rb.uidValidity != ob.uidValidity {
			t.Errorf("%q: UIDVALIDITY %d restored, %d original", name, rb.uidValidity, ob.uidValidity)
		}
		for uid, m := range rb.messages {
			if ob.messages[uid] != m {
				t.Errorf("%q UID %d differs from the original (flags|bytes):\nrestored %.120q\noriginal %.120q", name, uid, m, ob.messages[uid])
			}
		}
	}
	inbox := len(back["INBOX"].messages)
	// INBOX held the appended message and, by the backup, at least
	// `before` delivered ones; the three delivered after it are not there.
	if int64(inbox) < before+1 || int64(inbox) > after+1 || len(orig["INBOX"].messages) < inbox+3 {
		t.Errorf("restored INBOX holds %d messages; delivered before the backup %d, by its end %d, the original now %d",
			inbox, before, after, len(orig["INBOX"].messages))
	}
	if got := back[folder].messages; len(got) != 1 {
		t.Errorf("restored %q holds %d messages, want 1", folder, len(got))
	}
}
