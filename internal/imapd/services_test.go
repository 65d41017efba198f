package imapd

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// blobFiles counts the message files under the bed's blob directory.
func blobFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	root := filepath.Join(dir, "blobs")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		if err == nil && !d.IsDir() && !strings.HasPrefix(rel, "tmp") && !strings.HasPrefix(rel, "trash") {
			n++
		}
		return nil
	})
	return n
}

// APPEND into a domain whose quota is used up is NO [OVERQUOTA] (RFC 5530)
// and writes nothing, though the account itself has room: the mailbox
// service checks both quotas before the message file is written.
func TestAppend_overTheDomainsQuotaWritesNothing(t *testing.T) {
	h := start(t)
	h.Domain.QuotaBytes = 1000
	if err := h.Store.UpdateDomain(h.ctx, h.Domain); err != nil {
		t.Fatal(err)
	}
	other := h.Account("alice", nil)
	h.Put(other.ID, "INBOX", "Subject: big\r\n\r\n"+strings.Repeat("x", 900)+"\r\n")
	files := blobFiles(t, h.Dir)
	c := h.client(nil)
	msg := "Subject: hello\r\n\r\n" + strings.Repeat("y", 200) + "\r\n"
	cmd := c.Append("INBOX", int64(len(msg)), nil)
	cmd.Write([]byte(msg))
	cmd.Close()
	_, err := cmd.Wait()
	if err == nil || !strings.Contains(err.Error(), "OVERQUOTA") {
		t.Fatalf("APPEND over the domain's quota: %v, want NO [OVERQUOTA]", err)
	}
	if n := blobFiles(t, h.Dir); n != files {
		t.Errorf("%d message files after the refused APPEND, want %d", n, files)
	}
	// The session goes on: the literal was read to its end.
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("SELECT after the refused APPEND: %v", err)
	}
}

// FETCH BODY[] is the user reading: the mailbox service's Read hook hears
// of it once; BODY.PEEK[] and a read-only session are not reading.
func TestFetch_bodyIsTheUserReading(t *testing.T) {
	h := start(t)
	one := h.deliver("INBOX", "Subject: one\r\n\r\nbody\r\n")
	h.deliver("INBOX", "Subject: two\r\n\r\nbody\r\n")
	var mu sync.Mutex
	var read []uint32
	h.Mail.Hooks.Read = func(_ context.Context, a actor.Actor, msgs []store.Message) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			if a.AccountID == h.acct.ID {
				read = append(read, m.UID)
			}
		}
	}
	c := h.client(nil)
	fetch := func(seq uint32, peek bool) {
		t.Helper()
		if _, err := c.Fetch(imap.SeqSetNum(seq), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: peek}}}).Collect(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	fetch(1, false)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	fetch(2, true)
	fetch(1, false)
	fetch(1, false)
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(read, []uint32{one.UID}) {
		t.Errorf("Read hook heard of UIDs %v, want only [%d] once", read, one.UID)
	}
}

var _ Mailboxes = (*mail.Service)(nil)
