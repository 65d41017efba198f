package receipts

import (
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// The tracking image: only where the domain turns it on, only for one
// external recipient and no internal one; its first fetch is the read,
// the sender's own fetch and an unknown token are none.
func TestTrackingImage_onePerExternalRecipientAndFirstFetchReads(t *testing.T) {
	b := testbed.New(t)
	at := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	s := &Service{Store: b.Store, Mail: b.Mail, Now: func() time.Time { return at }, Log: testbed.Quiet(), Events: b.Bus,
		ImageURL: func(tok string) string { return "https://mail.example.test/r/" + tok + ".gif" }}
	kim, lee := b.Account("kim", nil), b.Account("lee", nil)
	a := actor.User(kim)
	ext := []string{"ann@remote.test"}
	if tok, err := s.TrackingImage(b.Ctx, a, nil, ext); err != nil || tok != "" {
		t.Fatalf("domain off: %q %v", tok, err)
	}
	b.Domain.TrackingImage = true
	if err := b.Store.UpdateDomain(b.Ctx, b.Domain); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string][2][]string{
		"an internal recipient too": {{lee.Address()}, ext},
		"only internal":             {{lee.Address()}, nil},
		"two external":              {nil, {"ann@remote.test", "bob@remote.test"}},
	} {
		if tok, err := s.TrackingImage(b.Ctx, a, c[0], c[1]); err != nil || tok != "" {
			t.Errorf("%s: %q %v", name, tok, err)
		}
	}
	if tok, err := s.TrackingImage(b.Ctx, actor.System(kim.ID, "x"), nil, ext); err == nil || tok != "" {
		t.Errorf("a system actor got an image: %q %v", tok, err)
	}
	tok, err := s.TrackingImage(b.Ctx, a, nil, ext)
	if err != nil || len(tok) != 32 {
		t.Fatalf("on: %q %v", tok, err)
	}
	if other, _ := s.TrackingImage(b.Ctx, a, nil, ext); other == tok {
		t.Fatal("the same token twice")
	}
	if err := s.TrackImage(b.Ctx, a, kim.Address(), "img@example.test", "x", "Ann@remote.test", tok); err != nil {
		t.Fatal(err)
	}
	ch, stop := b.Bus.Subscribe(kim.ID)
	defer stop()
	status := func() store.Receipt {
		rs, err := b.Store.MessageReceipts(b.Ctx, kim.ID, "img@example.test")
		if err != nil || len(rs) != 1 {
			t.Fatalf("%v %+v", err, rs)
		}
		return rs[0]
	}
	if s.ImageFetched(b.Ctx, "00000000000000000000000000000000", actor.Actor{}) {
		t.Fatal("an unknown token is known")
	}
	if !s.ImageFetched(b.Ctx, tok, a) { // the sender opening his Sent copy
		t.Fatal("the token is unknown")
	}
	if r := status(); r.Status != store.ReceiptUnknown || r.Recipient != "ann@remote.test" {
		t.Fatalf("before the recipient's fetch: %+v", r)
	}
	s.ImageFetched(b.Ctx, tok, actor.Actor{})
	if r := status(); r.Status != store.ReceiptRead || !r.At.Equal(at) {
		t.Fatalf("after the fetch: %+v", r)
	}
	s.Now = func() time.Time { return at.Add(time.Hour) }
	s.ImageFetched(b.Ctx, tok, actor.User(lee))
	if r := status(); !r.At.Equal(at) {
		t.Fatalf("a second fetch moved the time: %+v", r)
	}
	n := 0
	for len(ch) > 0 {
		if e := <-ch; e.Kind == events.ReceiptChange {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d receipt events, want 1", n)
	}
}
