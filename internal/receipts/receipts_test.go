package receipts

import (
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// A tracked copy is linked only for its sender; a read by another account
// or of another message records nothing; a failure never overwrites a
// read; a recall after the read says "read" and leaves the copy.
func TestReceipts_onlyTheLinkedCopyReadsAndFailureKeepsARead(t *testing.T) {
	b := testbed.New(t)
	at := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	s := &Service{Store: b.Store, Mail: b.Mail, Now: func() time.Time { return at }, Log: testbed.Quiet()}
	kim, lee, park := b.Account("kim", nil), b.Account("lee", nil), b.Account("park", nil)
	raw := "From: kim@example.test\r\nTo: lee@example.test\r\nMessage-ID: <r1@example.test>\r\nSubject: x\r\n\r\nbody\r\n"
	if err := s.Track(b.Ctx, actor.User(kim), kim.Address(), "r1@example.test", "x", []string{"LEE@example.test"}, nil); err != nil {
		t.Fatal(err)
	}
	copyOf := b.Put(lee.ID, "INBOX", raw)
	forged := b.Put(park.ID, "INBOX", raw)
	s.Delivered(b.Ctx, "mallory@else.test", lee.Address(), copyOf) // another sender: no link
	s.Read(b.Ctx, actor.User(lee), []store.Message{*copyOf})
	status := func() store.Receipt {
		rs, err := b.Store.MessageReceipts(b.Ctx, kim.ID, "r1@example.test")
		if err != nil || len(rs) != 1 {
			t.Fatalf("records: %v %+v", err, rs)
		}
		return rs[0]
	}
	if r := status(); r.Status != store.ReceiptUnread || r.DeliveredID != 0 {
		t.Fatalf("linked by another sender's copy: %+v", r)
	}
	s.Delivered(b.Ctx, kim.Address(), lee.Address(), copyOf)
	s.Read(b.Ctx, actor.User(park), []store.Message{*forged, *copyOf}) // park's read names lee's id
	if r := status(); r.Status != store.ReceiptUnread {
		t.Fatalf("another account's read counted: %+v", r)
	}
	s.Read(b.Ctx, actor.User(lee), []store.Message{*copyOf})
	if r := status(); r.Status != store.ReceiptRead || !r.At.Equal(at) {
		t.Fatalf("lee's read: %+v", r)
	}
	s.Failed(b.Ctx, kim.ID, "r1@example.test", []string{"lee@example.test"})
	if r := status(); r.Status != store.ReceiptRead {
		t.Fatalf("a failure overwrote the read: %+v", r)
	}
	out, err := s.Recall(b.Ctx, actor.User(kim), "r1@example.test", nil)
	if err != nil || len(out) != 1 || out[0].Result != WhyRead {
		t.Fatalf("recall after the read: %v %+v", err, out)
	}
	if _, err := b.Store.Message(b.Ctx, lee.ID, copyOf.ID); err != nil {
		t.Fatalf("the read copy went: %v", err)
	}
	if _, err := s.Recall(b.Ctx, actor.User(lee), "r1@example.test", nil); err == nil {
		t.Fatal("the recipient recalled the sender's message")
	}
}
