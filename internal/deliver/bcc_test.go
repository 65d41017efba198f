package deliver

import (
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/internal/store"
)

// withBcc is complete (Date, Message-ID) as the webmail writes it, so that
// a queued original is exactly what was written.
const withBcc = "Date: Thu, 26 Nov 2026 18:00:00 +0900\r\nFrom: alice@example.test\r\nTo: bob@example.test, x@remote.test\r\nBcc: carol@example.test,\r\n secret@remote.test\r\n" +
	"Subject: plan\r\nMessage-ID: <bcc1@example.test>\r\n\r\nbody\r\n"

func TestSubmit_bccIsRemovedForRecipientsAndKeptInSent(t *testing.T) {
	f := newFixture(t)
	alice, bob, carol := f.account(t, "alice", nil), f.account(t, "bob", nil), f.account(t, "carol", nil)
	s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test"),
		f.resolve(t, "carol@example.test")}}, Sender: alice, Remote: []string{"x@remote.test", "secret@remote.test"}}
	if _, err := f.p.Submit(f.ctx, s, []byte(withBcc)); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*store.Account{bob, carol} {
		got := f.inbox(t, a, store.RoleInbox)
		if len(got) != 1 {
			t.Fatalf("%s has %d messages", a.LocalPart, len(got))
		}
		if raw := f.read(t, got[0].BlobKey); strings.Contains(raw, "Bcc") || strings.Contains(raw, "secret@") {
			t.Fatalf("%s's copy shows the Bcc:\n%s", a.LocalPart, raw)
		}
	}
	q, _ := f.store.Queue(f.ctx)
	if len(q) != 1 || strings.Contains(f.read(t, q[0].BlobKey), "Bcc") {
		t.Fatalf("the internet copy must have no Bcc: %+v", q)
	}
	sent := f.inbox(t, alice, store.RoleSent)
	if len(sent) != 1 || len(sent[0].Envelope.Bcc) != 2 || !strings.Contains(f.read(t, sent[0].BlobKey), "Bcc: carol@example.test") {
		t.Fatalf("the Sent copy must keep the Bcc list: %+v", sent)
	}
}

func TestSubmit_scheduledIndividuallyIsOneCancellableEntry(t *testing.T) {
	f := newFixture(t)
	alice := f.account(t, "alice", nil)
	f.account(t, "bob", nil)
	s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")}},
		Sender: alice, Remote: []string{"x@remote.test"}, Individually: true, SendAt: f.p.clock().Add(time.Hour)}
	res, err := f.p.Submit(f.ctx, s, []byte(withBcc))
	if err != nil {
		t.Fatal(err)
	}
	q, _ := f.store.Queue(f.ctx)
	if len(q) != 1 || !q[0].Individually || !q[0].SaveSent || len(q[0].Recipients) != 2 || res.QueueID != q[0].ID {
		t.Fatalf("want one queued original for both recipients, got %+v (result %+v)", q, res)
	}
	if n := len(f.inbox(t, alice, store.RoleSent)); n != 0 {
		t.Fatalf("%d Sent copies of a message that has not gone", n)
	}
	original, err := f.p.QueuedOriginal(f.ctx, alice, res.QueueID)
	if err != nil || string(original) != withBcc {
		t.Fatalf("QueuedOriginal = %q, %v; want the message as written", original, err)
	}
	bob, _ := f.store.AccountByAddress(f.ctx, "bob@example.test")
	if _, err := f.p.QueuedOriginal(f.ctx, bob, res.QueueID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another account read the queued message: %v", err)
	}
	if err := f.p.CancelSend(f.ctx, bob, res.QueueID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another account cancelled: %v", err)
	}
	if err := f.p.CancelSend(f.ctx, alice, res.QueueID); err != nil {
		t.Fatal(err)
	}
	if q, _ := f.store.Queue(f.ctx); len(q) != 0 {
		t.Fatalf("still queued: %+v", q)
	}
}

func TestSubmit_noSentCopy(t *testing.T) {
	f := newFixture(t)
	alice := f.account(t, "alice", nil)
	f.account(t, "bob", nil)
	s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")}},
		Sender: alice, NoSentCopy: true}
	if _, err := f.p.Submit(f.ctx, s, []byte(withBcc)); err != nil {
		t.Fatal(err)
	}
	if n := len(f.inbox(t, alice, store.RoleSent)); n != 0 {
		t.Fatalf("%d Sent copies with save-to-Sent off", n)
	}
}
