package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// ofSize is a message of size bytes.
func ofSize(size int) string {
	head := "From: kim@remote.test\r\nSubject: =?UTF-8?B?6rKw7J6sIOyalOyyrQ==?=\r\n\r\n전자결재 올렸습니다\r\n"
	return head + strings.Repeat("x", size-len(head)-2) + "\r\n"
}

// As the server runs (testbed's InlineSmall: blob.Inline over SQLite), a
// message of up to blob.InlineMax bytes is kept in the database with its
// row, no file written; it reads back whole, with its IMAP structure
// computed from its bytes; a larger one is a file as before.
func TestAppendRaw_smallMessageKeptInTheDatabase(t *testing.T) {
	b := testbed.New(t)
	if !b.InlineSmall() {
		t.Skip("messages are kept in the database with SQLite only")
	}
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	files := blobFiles(t, b)
	for _, c := range []struct {
		size int
		file bool
	}{{10 << 10, false}, {blob.InlineMax, false}, {blob.InlineMax + 1, true}, {100 << 10, true}} {
		raw := ofSize(c.size)
		m, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{MailboxID: in.ID, Body: strings.NewReader(raw)})
		if err != nil {
			t.Fatal(err)
		}
		if c.file {
			files++
		}
		if n := blobFiles(t, b); n != files {
			t.Errorf("%d bytes: %d message files, want %d", len(raw), n, files)
		}
		if got := b.Files().Exists(m.BlobKey); got != c.file {
			t.Errorf("%d bytes: a file %v, want %v", len(raw), got, c.file)
		}
		if m.BlobKey != blob.Key([]byte(raw)) {
			t.Errorf("%d bytes: key %s, not the content's", len(raw), m.BlobKey)
		}
		_, got, err := b.Mail.Load(b.Ctx, actor.User(bob), m.ID)
		if err != nil || string(got) != raw {
			t.Errorf("%d bytes: read back %d bytes, %v", len(raw), len(got), err)
		}
		meta, err := b.Mail.IMAPMeta(b.Ctx, actor.User(bob), []*store.Message{m})
		if err != nil || len(meta[m.ID].Structure) == 0 {
			t.Errorf("%d bytes: IMAP meta %+v, %v", len(raw), meta, err)
		}
	}
	if problems, err := b.Store.CheckConsistency(b.Ctx); err != nil || len(problems) > 0 {
		t.Errorf("consistency: %v %v", problems, err)
	}
}

// Without the layered backend (a bare blob directory, as the services'
// tests and the cluster have), every message is a file; and content
// handed to Append that its store cannot keep is refused, never dropped.
func TestAppend_contentOnlyWhereTheStoreKeepsIt(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	if b.Mail.KeepsInline(100) {
		t.Fatal("a bare blob directory keeps messages in the database")
	}
	raw := ofSize(10 << 10)
	files := blobFiles(t, b)
	if _, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{MailboxID: in.ID, Body: strings.NewReader(raw)}); err != nil {
		t.Fatal(err)
	}
	if n := blobFiles(t, b); n != files+1 {
		t.Errorf("%d new message files, want 1", n-files)
	}
	other := ofSize(9 << 10)
	_, err := b.Mail.Append(b.Ctx, actor.User(bob), mail.AppendRequest{MailboxID: in.ID, BlobKey: blob.Key([]byte(other)),
		Size: int64(len(other)), Content: []byte(other)})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("content the store cannot keep: %v", err)
	}
}

// sourceGoesFirst is the store as a copy into another account finds it
// when the copied message's last other reference goes between the copy's
// read of the bytes and its transaction: gone is run just before the
// transaction.
type sourceGoesFirst struct {
	store.Store
	inline blob.InlineSource
	gone   func()
}

func (s *sourceGoesFirst) AppendMessage(ctx context.Context, nm *store.NewMessage) (*store.Message, error) {
	if s.gone != nil {
		s.gone()
		s.gone = nil
	}
	return s.Store.AppendMessage(ctx, nm)
}

func (s *sourceGoesFirst) OpenInline(ctx context.Context, key string) ([]byte, bool, error) {
	return s.inline.OpenInline(ctx, key)
}

// A new reference to a message kept in the database (Append by key, as
// the administrator's copy between accounts does) brings the bytes it
// read: the source expunged meanwhile takes its row with it, files would
// have had GC's grace, and the copy must not be left naming nothing.
func TestAppend_byKeyKeepsTheBytesWhenTheSourceGoesMeanwhile(t *testing.T) {
	b := testbed.New(t)
	if !b.InlineSmall() {
		t.Skip("messages are kept in the database with SQLite only")
	}
	bob, ann := b.Account("bob", nil), b.Account("ann", nil)
	bobIn, annIn := inbox(t, b, bob), inbox(t, b, ann)
	raw := ofSize(10 << 10)
	src, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{MailboxID: bobIn.ID, Body: strings.NewReader(raw)})
	if err != nil {
		t.Fatal(err)
	}
	w := &sourceGoesFirst{Store: b.Store, inline: b.Store.(blob.InlineSource), gone: func() {
		if _, err := b.Store.Expunge(b.Ctx, bob.ID, bobIn.ID, []uint32{src.UID}); err != nil {
			t.Fatal(err)
		}
	}}
	svc := &mail.Service{Store: w, Blobs: blob.NewInline(w, b.Files()), Events: b.Mail.Events,
		MaxMessageSize: b.Mail.MaxMessageSize, Hooks: b.Mail.Hooks}
	m, err := svc.Append(b.Ctx, actor.User(ann), mail.AppendRequest{MailboxID: annIn.ID, BlobKey: src.BlobKey, Size: src.Size})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.Message(b.Ctx, bob.ID, src.ID); err == nil {
		t.Fatal("the source was not expunged before the copy's transaction")
	}
	_, got, err := b.Mail.Load(b.Ctx, actor.User(ann), m.ID)
	if err != nil || string(got) != raw {
		t.Fatalf("the copy reads %d bytes, %v; want the message", len(got), err)
	}
}

// A small message over the quota of its account, or of its domain, is
// refused as a file is (store.ErrOverQuota), and leaves nothing: no row,
// no bytes in the database, no count. Kept in the database, its quota is
// checked only by the transaction that would count it (AppendRaw).
func TestAppendRaw_smallMessageOverQuotaLeavesNothing(t *testing.T) {
	b := testbed.New(t)
	if !b.InlineSmall() {
		t.Skip("messages are kept in the database with SQLite only")
	}
	bob := b.Account("bob", func(a *store.Account) { a.QuotaBytes = 20 << 10 })
	raw := ofSize(12 << 10)
	if _, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{Role: store.RoleInbox, Body: strings.NewReader(raw)}); err != nil {
		t.Fatal(err)
	}
	files := blobFiles(t, b)
	// in this order: the domain's case lifts bob's quota
	for _, c := range []struct {
		name  string
		limit func()
	}{
		{"bob's quota", func() {}},
		{"the domain's quota", func() {
			bob.QuotaBytes = 0
			if err := b.Store.UpdateAccount(b.Ctx, bob); err != nil {
				t.Fatal(err)
			}
			b.Domain.QuotaBytes = 20 << 10
			if err := b.Store.UpdateDomain(b.Ctx, b.Domain); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		name := c.name
		c.limit()
		other := ofSize(10 << 10) // a different message: its own key
		for _, rm := range []mail.RawMessage{{Body: strings.NewReader(other)}, {Bytes: []byte(other)}} {
			rm.Role = store.RoleInbox
			if !b.Mail.KeepsInline(int64(len(other))) {
				t.Fatalf("%s: a message of %d bytes is not kept in the database", name, len(other))
			}
			_, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), rm)
			if !errors.Is(err, store.ErrOverQuota) {
				t.Errorf("over %s (bytes given: %v): %v, want %v", name, rm.Bytes != nil, err, store.ErrOverQuota)
			}
		}
		if b.Blobs.Exists(blob.Key([]byte(other))) {
			t.Errorf("over %s: the refused message's bytes were kept", name)
		}
		if u, _ := b.Store.Usage(b.Ctx, bob.ID); u.Messages != 1 || u.Bytes != int64(len(raw)) {
			t.Errorf("over %s: bob counts %d messages, %d bytes; want 1, %d", name, u.Messages, u.Bytes, len(raw))
		}
	}
	if n := blobFiles(t, b); n != files {
		t.Errorf("%d message files after refused appends, want %d", n, files)
	}
	if problems, err := b.Store.CheckConsistency(b.Ctx); err != nil || len(problems) > 0 {
		t.Errorf("consistency: %v %v", problems, err)
	}
}
