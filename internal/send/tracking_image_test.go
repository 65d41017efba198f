package send

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/receipts"
	"postroom/internal/store"
)

var trackingImage = regexp.MustCompile(`/r/([0-9a-f]{32})\.gif`)

// withTrackingImage turns the tracking image on for the fixture's domain
// and wires the receipts service into the send service and the queue as
// the server does.
func withTrackingImage(t *testing.T, f *fixture) *receipts.Service {
	t.Helper()
	f.Domain.TrackingImage = true
	if err := f.Store.UpdateDomain(f.Ctx, f.Domain); err != nil {
		t.Fatal(err)
	}
	r := &receipts.Service{Store: f.Store, Mail: f.Mail, Now: f.clock.Now, Log: f.svc.Log,
		ImageURL: func(tok string) string { return "https://mail.example.test/r/" + tok + ".gif" }}
	f.svc.Receipts, f.worker.Personal = r, r.ImageCopies
	return r
}

// images are the tracking image tokens in a message's HTML, decoded.
func images(t *testing.T, m *message.Message) []string {
	t.Helper()
	p := m.HTMLBody()
	if p == nil {
		t.Fatalf("no HTML body: %+v", m.Header)
	}
	html, err := p.Text()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range trackingImage.FindAllStringSubmatch(html, -1) {
		out = append(out, m[1])
	}
	return out
}

// statuses are the message's receipts by recipient, with their tokens.
func statuses(t *testing.T, f *fixture, messageID string) map[string]store.Receipt {
	t.Helper()
	rs, err := f.Store.MessageReceipts(f.Ctx, f.alice.ID, messageID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Receipt{}
	for _, r := range rs {
		out[r.Recipient] = r
	}
	return out
}

var trackedRequest = Request{To: to("bob@example.test", "ann@remote.test"), Cc: to("cy@remote.test"), Bcc: to("dan@remote.test"),
	Subject: "견적", HTML: "<p>안녕하세요, 견적서를 보내 드립니다.</p>", ReadReceipt: true}

// checkCopies checks what the sink got for the message: one copy per
// external recipient, to him alone, carrying one image whose token is
// his record's, and no Bcc; it returns the tokens by recipient.
func checkCopies(t *testing.T, f *fixture, messageID string) map[string]string {
	t.Helper()
	recs := statuses(t, f, messageID)
	got := map[string]string{}
	for _, m := range f.sink.Messages() {
		if len(m.To) != 1 {
			t.Fatalf("a copy to %v: each external recipient gets his own", m.To)
		}
		rcpt := m.To[0]
		toks := images(t, message.Parse([]byte(m.Data)))
		if len(toks) != 1 || recs[rcpt].Token == "" || toks[0] != recs[rcpt].Token {
			t.Fatalf("%s's copy has images %v, his record %+v", rcpt, toks, recs[rcpt])
		}
		if _, dup := got[rcpt]; dup {
			t.Fatalf("%s got two copies", rcpt)
		}
		got[rcpt] = toks[0]
		h := message.Parse([]byte(m.Data)).Header
		if h.Get("Bcc") != "" || (rcpt != "dan@remote.test" && strings.Contains(m.Data, "dan@remote.test")) {
			t.Fatalf("%s's copy reveals the Bcc:\n%s", rcpt, m.Data)
		}
	}
	if want := []string{"ann@remote.test", "cy@remote.test", "dan@remote.test"}; len(got) != 3 ||
		!slices.Equal(slices.Sorted(mapKeys(got)), want) || got["ann@remote.test"] == got["cy@remote.test"] ||
		got["ann@remote.test"] == got["dan@remote.test"] || got["cy@remote.test"] == got["dan@remote.test"] {
		t.Fatalf("copies with images %v, want one each for %v", got, want)
	}
	if r := recs["bob@example.test"]; r.Token != "" || r.Status != store.ReceiptUnread {
		t.Fatalf("the internal recipient's record %+v", r)
	}
	inbox := f.mailbox(t, f.bob, store.RoleInbox)
	if len(inbox) != 1 || len(images(t, inbox[0])) != 0 {
		t.Fatalf("the internal recipient's copy: %d messages, images %v", len(inbox), images(t, inbox[0]))
	}
	sent := f.mailbox(t, f.alice, store.RoleSent)
	if len(sent) != 1 || len(images(t, sent[0])) != 0 || sent[0].Header.Get("Bcc") == "" {
		t.Fatalf("the Sent copy: %d messages, images %v", len(sent), images(t, sent[0]))
	}
	return got
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Issue 18: a message with 수신확인 to an internal recipient and three
// external ones (To, Cc, Bcc) gives each external recipient a copy of his
// own carrying his own image; the internal copy and the Sent copy carry
// none; fetching one recipient's image marks only him read.
func TestSend_trackingImagePerExternalRecipient(t *testing.T) {
	f := newFixture(t, 0)
	r := withTrackingImage(t, f)
	req := trackedRequest
	sent, err := f.svc.Send(f.Ctx, f.asAlice, &req)
	if err != nil || sent.QueueID != 0 {
		t.Fatalf("send %+v %v", sent, err)
	}
	f.clock.Add(time.Minute) // past the queue's real-clock enqueue time
	f.runQueue(t)
	toks := checkCopies(t, f, sent.MessageID)
	if !r.ImageFetched(f.Ctx, toks["cy@remote.test"], actor.Actor{}) {
		t.Fatal("cy's token is unknown")
	}
	st := statuses(t, f, sent.MessageID)
	for rcpt, want := range map[string]store.ReceiptStatus{"cy@remote.test": store.ReceiptRead, "ann@remote.test": store.ReceiptUnknown,
		"dan@remote.test": store.ReceiptUnknown, "bob@example.test": store.ReceiptUnread} {
		if st[rcpt].Status != want {
			t.Errorf("%s: %s, want %s", rcpt, st[rcpt].Status, want)
		}
	}
	f.consistent(t)
}

// A delayed send waits as one queued message without images: its undo
// takes every recipient's copy back with the records, and the draft it
// gives back has no image; one that goes gets the copies when it goes.
func TestSend_trackingImageDelayedUndoneOrGone(t *testing.T) {
	f := newFixture(t, time.Minute)
	withTrackingImage(t, f)
	req := trackedRequest
	undone, err := f.svc.Send(f.Ctx, f.asAlice, &req)
	if err != nil || undone.QueueID == 0 || f.queueLen(t) != 1 {
		t.Fatalf("send %+v %v (queued %d)", undone, err, f.queueLen(t))
	}
	draftID, err := f.svc.Undo(f.Ctx, f.asAlice, undone.QueueID)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := f.svc.Draft(f.Ctx, f.asAlice, draftID, nil); err != nil || trackingImage.MatchString(d.HTML) {
		t.Fatalf("the undone draft: %v %q", err, d.HTML)
	}
	if st := statuses(t, f, undone.MessageID); len(st) != 0 || f.queueLen(t) != 0 {
		t.Fatalf("after the undo: records %v, queued %d", st, f.queueLen(t))
	}
	req = trackedRequest
	sent, err := f.svc.Send(f.Ctx, f.asAlice, &req)
	if err != nil || sent.QueueID == 0 {
		t.Fatalf("send %+v %v", sent, err)
	}
	f.clock.Add(time.Minute)
	f.runQueue(t)
	checkCopies(t, f, sent.MessageID)
	if f.queueLen(t) != 0 {
		t.Fatal("still queued")
	}
	f.consistent(t)
}
