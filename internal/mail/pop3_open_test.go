package mail_test

import (
	"errors"
	"io"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// A maildrop opens only for the account whose snapshot it is, and reads
// the same bytes from the snapshot as by lookup (after Close, every
// message is looked up).
func TestPOP3Open_ownMaildropOnly_sameBytesEitherWay(t *testing.T) {
	b := testbed.New(t)
	alice, bob := b.Account("alice", nil), b.Account("bob", nil)
	raw := "Subject: hi\r\n\r\n.body\r\n"
	m := b.Put(bob.ID, "INBOX", raw)
	d, err := b.Mail.Maildrop(b.Ctx, actor.User(bob))
	if err != nil || len(d.Messages) != 1 {
		t.Fatalf("maildrop: %v %+v", err, d)
	}
	defer d.Close()
	for _, a := range []actor.Actor{actor.User(alice), actor.CommandLine} {
		if _, _, r, err := b.Mail.POP3Open(b.Ctx, a, d, 0); err == nil {
			r.Close()
			t.Fatalf("%+v opened bob's maildrop", a)
		} else if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, mail.ErrForbidden) {
			t.Fatalf("%+v: %v", a, err)
		}
	}
	if _, _, _, err := b.Mail.POP3Open(b.Ctx, actor.User(bob), d, 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("message 2 of 1: %v", err)
	}
	for _, closed := range []bool{false, true} {
		if closed {
			d.Close()
		}
		mb, uid, r, err := b.Mail.POP3Open(b.Ctx, actor.User(bob), d, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if string(got) != raw || mb != m.MailboxID || uid != m.UID {
			t.Fatalf("closed %v: %q in %d/%d, want %q in %d/%d", closed, got, mb, uid, raw, m.MailboxID, m.UID)
		}
	}
}
