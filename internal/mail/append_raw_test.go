package mail_test

import (
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// blobFiles counts the message files of a bed: a refused message must not
// leave one behind.
func blobFiles(t *testing.T, b *testbed.Bed) int {
	t.Helper()
	n := 0
	root := filepath.Join(b.Dir, "blobs")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if !d.IsDir() && !strings.HasPrefix(rel, "tmp") && !strings.HasPrefix(rel, "trash") {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func inbox(t *testing.T, b *testbed.Bed, a *store.Account) *store.Mailbox {
	t.Helper()
	mb, err := b.Store.MailboxByRole(b.Ctx, a.ID, store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	return mb
}

// AppendRaw is the one way in for raw bytes: stored durably, parsed (the
// envelope and preview for lists), indexed (found by search) and
// announced, with the flags and date asked for.
func TestAppendRaw_storesParsesIndexesAndAnnounces(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	events, stop := b.Bus.Subscribe(bob.ID)
	defer stop()
	date := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	raw := "From: =?UTF-8?B?6rmA7LKg7IiY?= <kim@remote.test>\r\nSubject: =?UTF-8?B?6rKw7J6sIOyalOyyrQ==?=\r\n\r\n전자결재 올렸습니다\r\n"
	m, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{MailboxID: in.ID, Body: strings.NewReader(raw),
		Flags: []string{store.FlagFlagged}, InternalDate: date})
	if err != nil {
		t.Fatal(err)
	}
	if m.Envelope.Subject != "결재 요청" || len(m.Envelope.From) != 1 || m.Envelope.From[0].Name != "김철수" ||
		!m.HasFlag(store.FlagFlagged) || !m.InternalDate.Equal(date) || m.Size != int64(len(raw)) {
		t.Errorf("stored %+v", m)
	}
	_, got, err := b.Mail.Load(b.Ctx, actor.User(bob), m.ID)
	if err != nil || string(got) != raw {
		t.Errorf("stored bytes %q, %v; want what was appended", got, err)
	}
	body, _ := mailSearch(t, b, bob, "결재")
	if len(body) != 1 || body[0] != m.ID {
		t.Errorf("the index finds %v, want the appended message", body)
	}
	select {
	case e := <-events:
		if e.MailboxID != in.ID || len(e.UIDs) != 1 || e.UIDs[0] != m.UID {
			t.Errorf("event %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Error("no event for the append")
	}
	// By role, as a draft or a Sent copy is stored.
	d, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{Role: store.RoleDrafts, Body: strings.NewReader(raw)})
	if err != nil {
		t.Fatal(err)
	}
	if drafts, _ := b.Store.MailboxByRole(b.Ctx, bob.ID, store.RoleDrafts); d.MailboxID != drafts.ID {
		t.Errorf("appended by role into mailbox %d, want Drafts %d", d.MailboxID, drafts.ID)
	}
}

// Size, NUL characters and quota (the account's and its domain's) are
// checked before anything is written: a refused message leaves no file
// and changes no count.
func TestAppendRaw_refusesBeforeWritingAnything(t *testing.T) {
	b := testbed.New(t)
	alice := b.Account("alice", nil)
	bob := b.Account("bob", func(a *store.Account) { a.QuotaBytes = 5000 })
	b.Domain.QuotaBytes = 3000
	if err := b.Store.UpdateDomain(b.Ctx, b.Domain); err != nil {
		t.Fatal(err)
	}
	b.Put(alice.ID, "INBOX", "Subject: x\r\n\r\n"+strings.Repeat("a", 2000)+"\r\n")
	files := blobFiles(t, b)
	big := "Subject: big\r\n\r\n" + strings.Repeat("b", testbed.MaxMessageSize) + "\r\n"
	for name, tc := range map[string]struct {
		raw  string
		want error
	}{
		"over the domain's quota, within bob's": {"Subject: y\r\n\r\n" + strings.Repeat("c", 1500) + "\r\n", store.ErrOverQuota},
		"over the size limit":                   {big, mail.ErrTooBig},
		"a NUL character":                       {"Subject: nul\r\n\r\na\x00b\r\n", mail.ErrNUL},
	} {
		// read from Body, or handed over as Bytes (an IMAP literal): the
		// same checks
		for _, rm := range []mail.RawMessage{{Body: strings.NewReader(tc.raw)}, {Bytes: []byte(tc.raw)}} {
			rm.Role = store.RoleInbox
			_, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), rm)
			if !errors.Is(err, tc.want) {
				t.Errorf("%s (bytes given: %v): %v, want %v", name, rm.Bytes != nil, err, tc.want)
			}
		}
	}
	if n := blobFiles(t, b); n != files {
		t.Errorf("%d message files after refused appends, want %d", n, files)
	}
	if u, _ := b.Store.Usage(b.Ctx, bob.ID); u.Messages != 0 {
		t.Errorf("bob stores %d messages after refused appends", u.Messages)
	}
	// the account's own quota, in a domain with room
	b.Domain.QuotaBytes = 0
	if err := b.Store.UpdateDomain(b.Ctx, b.Domain); err != nil {
		t.Fatal(err)
	}
	_, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{Role: store.RoleInbox,
		Body: strings.NewReader("Subject: z\r\n\r\n" + strings.Repeat("d", 5000) + "\r\n")})
	if !errors.Is(err, store.ErrOverQuota) {
		t.Errorf("over bob's quota: %v", err)
	}
	if n := blobFiles(t, b); n != files {
		t.Errorf("%d message files after an append over the account's quota, want %d", n, files)
	}
}

// A message sent as binary data (IMAP literal8, RFC 3516 §4.2) may hold
// NUL characters, and keeps them.
func TestAppendRaw_binaryKeepsNUL(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	raw := "Subject: bin\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\na\x00b\x00\r\n"
	m, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{Role: store.RoleInbox, Body: strings.NewReader(raw), Binary: true})
	if err != nil {
		t.Fatalf("binary append with NUL: %v", err)
	}
	f, err := b.Blobs.Open(m.BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := io.ReadAll(f)
	if string(got) != raw {
		t.Fatalf("stored %q, want %q", got, raw)
	}
}

// A message appended by its blob without a parse is parsed from the blob:
// every message is in the index.
func TestAppend_withoutAParseIsIndexedFromItsBlob(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	raw := "Subject: 회의\r\n\r\n결재 부탁드립니다\r\n"
	key, size, err := b.Blobs.Put(b.Ctx, strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.Mail.Append(b.Ctx, actor.System(bob.ID, "test"), mail.AppendRequest{MailboxID: inbox(t, b, bob).ID, BlobKey: key, Size: size})
	if err != nil {
		t.Fatal(err)
	}
	if m.Envelope.Subject != "회의" {
		t.Errorf("envelope subject %q, want 회의", m.Envelope.Subject)
	}
	if ids, _ := mailSearch(t, b, bob, "결재"); len(ids) != 1 {
		t.Errorf("search finds %v, want the message", ids)
	}
}
