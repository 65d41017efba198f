package receipts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/message"
	"postroom/internal/settings"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// mdnFrom is a disposition notification as an external client writes it.
func mdnFrom(from, final, original, disposition string) string {
	return "From: " + from + "\r\nTo: kim@example.test\r\nSubject: Read: hello\r\nMessage-ID: <m" + final + "@remote.test>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=disposition-notification;\r\n\tboundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nYour message was displayed.\r\n" +
		"--b1\r\nContent-Type: message/disposition-notification\r\n\r\n" +
		"Reporting-UA: mail.remote.test; Thunderbird\r\nFinal-Recipient: rfc822;" + final + "\r\n" +
		"Original-Message-ID: <" + original + ">\r\nDisposition: " + disposition + "\r\n" +
		"--b1--\r\n"
}

func TestParseMDN(t *testing.T) {
	d, ok := ParseMDN(message.Parse([]byte(mdnFrom("Ann <ann@remote.test>", "Ann@Remote.test", "r1@example.test", "manual-action/MDN-sent-manually; displayed"))))
	if !ok || d.OriginalMessageID != "r1@example.test" || d.FinalRecipient != "ann@remote.test" || d.Disposition != "displayed" || d.Automatic {
		t.Fatalf("valid report: %v %+v", ok, d)
	}
	d, ok = ParseMDN(message.Parse([]byte(mdnFrom("ann@remote.test", "ann@remote.test", "r1@example.test", "automatic-action/MDN-sent-automatically; deleted"))))
	if !ok || d.Disposition != "deleted" || !d.Automatic {
		t.Fatalf("deleted, automatic: %v %+v", ok, d)
	}
	for name, raw := range map[string]string{
		"no disposition type":  mdnFrom("a@remote.test", "a@remote.test", "r1@example.test", "manual-action/MDN-sent-manually"),
		"unknown disposition":  mdnFrom("a@remote.test", "a@remote.test", "r1@example.test", "manual-action/MDN-sent-manually; eaten"),
		"no original id":       mdnFrom("a@remote.test", "a@remote.test", "", "manual-action/MDN-sent-manually; displayed"),
		"bad final recipient":  mdnFrom("a@remote.test", "not an address", "r1@example.test", "manual-action/MDN-sent-manually; displayed"),
		"not a report":         "From: a@remote.test\r\nSubject: hi\r\n\r\nOriginal-Message-ID: <r1@example.test>\r\n",
		"a delivery report":    strings.Replace(mdnFrom("a@remote.test", "a@remote.test", "r1@example.test", "x; displayed"), "report-type=disposition-notification", "report-type=delivery-status", 1),
		"no notification part": strings.Replace(mdnFrom("a@remote.test", "a@remote.test", "r1@example.test", "x; displayed"), "message/disposition-notification", "text/plain", 1),
	} {
		if d, ok := ParseMDN(message.Parse([]byte(raw))); ok {
			t.Errorf("%s: read as %+v", name, d)
		}
	}
}

// An MDN marks the external recipient of the account's own message read;
// one for another account's message (a forged Original-Message-ID), for
// an internal recipient, or saying "deleted" changes nothing.
func TestReported_matchesOnlyTheAccountsExternalRecipient(t *testing.T) {
	b := testbed.New(t)
	at := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	s := &Service{Store: b.Store, Mail: b.Mail, Now: func() time.Time { return at }, Log: testbed.Quiet(), Events: b.Bus}
	kim, lee, park := b.Account("kim", nil), b.Account("lee", nil), b.Account("park", nil)
	ch, stop := b.Bus.Subscribe(kim.ID)
	defer stop()
	if err := s.Track(b.Ctx, actor.User(kim), kim.Address(), "r1@example.test", "hello", []string{lee.Address()}, []string{"ann@remote.test", "bob@remote.test"}); err != nil {
		t.Fatal(err)
	}
	status := func(addr string) store.Receipt {
		rs, err := b.Store.MessageReceipts(b.Ctx, kim.ID, "r1@example.test")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Recipient == addr {
				return r
			}
		}
		t.Fatalf("no record of %s", addr)
		return store.Receipt{}
	}
	deliver := func(accountID int64, raw string) {
		m := b.Put(accountID, "INBOX", raw)
		s.Reported(b.Ctx, m, message.Parse([]byte(raw)))
	}
	// to park, naming kim's message: park has no such message
	deliver(park.ID, mdnFrom("ann@remote.test", "ann@remote.test", "r1@example.test", "manual-action/MDN-sent-manually; displayed"))
	// for the internal recipient: internal reads are exact
	deliver(kim.ID, mdnFrom("lee@example.test", "lee@example.test", "r1@example.test", "manual-action/MDN-sent-manually; displayed"))
	deliver(kim.ID, mdnFrom("bob@remote.test", "bob@remote.test", "r1@example.test", "manual-action/MDN-sent-manually; deleted"))
	deliver(kim.ID, mdnFrom("bob@remote.test", "bob@remote.test", "other@example.test", "manual-action/MDN-sent-manually; displayed"))
	if r := status("ann@remote.test"); r.Status != store.ReceiptUnknown {
		t.Fatalf("another account's report counted: %+v", r)
	}
	if r := status("lee@example.test"); r.Status != store.ReceiptUnread {
		t.Fatalf("a report overruled an internal read: %+v", r)
	}
	if r := status("bob@remote.test"); r.Status != store.ReceiptUnknown {
		t.Fatalf("deleted or another message counted: %+v", r)
	}
	receiptEvents := func() (n int) {
		for {
			select {
			case e := <-ch:
				if e.Kind == events.ReceiptChange {
					n++
				}
			default:
				return n
			}
		}
	}
	if n := receiptEvents(); n != 0 {
		t.Fatalf("%d receipt events without a change", n)
	}
	deliver(kim.ID, mdnFrom("Ann <ann@remote.test>", "ANN@remote.test", "r1@example.test", "manual-action/MDN-sent-manually; displayed"))
	if r := status("ann@remote.test"); r.Status != store.ReceiptRead || !r.At.Equal(at) {
		t.Fatalf("ann's report: %+v", r)
	}
	if n := receiptEvents(); n != 1 {
		t.Fatalf("%d receipt events for one change", n)
	}
	// a report of a recipient whose server rewrote the address: by From
	deliver(kim.ID, mdnFrom("bob@remote.test", "robert@mx.remote.test", "r1@example.test", "manual-action/MDN-sent-manually; displayed"))
	if r := status("bob@remote.test"); r.Status != store.ReceiptRead {
		t.Fatalf("bob's report: %+v", r)
	}
}

type fakeSettings map[int64]settings.Settings

func (f fakeSettings) ForAccount(_ context.Context, id int64) (settings.Settings, error) {
	return f[id], nil
}

type sentNotice struct {
	from int64
	to   string
	raw  []byte
}

type fakeNotices struct{ sent []sentNotice }

func (f *fakeNotices) SendNotice(_ context.Context, a actor.Actor, to string, raw []byte) error {
	f.sent = append(f.sent, sentNotice{a.AccountID, to, raw})
	return nil
}

// The recipient's setting decides: ask, always (sent only when
// Return-Path is the report's address, else asked), never; Spam and one's
// own request are never answered; an answer is given once; the report
// built parses back as the sender's server will read it.
func TestRespond_settingModesAndTheReportParsesBack(t *testing.T) {
	b := testbed.New(t)
	at := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	lee := b.Account("lee", nil)
	set := fakeSettings{lee.ID: {Mail: settings.Mail{MDN: settings.MDNAsk}, Language: "ko", TimeZone: "Asia/Seoul", Name: "이 순신"}}
	notices := &fakeNotices{}
	s := &Service{Store: b.Store, Mail: b.Mail, Reader: b.Mail, Now: func() time.Time { return at }, Log: testbed.Quiet(),
		Responder: &Responder{Settings: set, Notices: notices, Hostname: "mail.example.test"}}
	a := actor.User(lee)
	msg := func(n int, returnPath, dnt string) string {
		return "Return-Path: <" + returnPath + ">\r\nFrom: Ann <ann@remote.test>\r\nTo: lee@example.test\r\nSubject: 회의\r\n" +
			"Message-ID: <o" + string(rune('0'+n)) + "@remote.test>\r\nDisposition-Notification-To: " + dnt + "\r\n\r\nbody\r\n"
	}
	offer := func(m *store.Message) *Offer {
		t.Helper()
		m, raw, err := b.Mail.Load(b.Ctx, a, m.ID) // its flags now
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.MDNOffer(b.Ctx, a, m, raw)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	plain := b.Put(lee.ID, "INBOX", msg(1, "ann@remote.test", "Ann <ann@remote.test>"))
	other := b.Put(lee.ID, "INBOX", msg(2, "bounce@list.remote.test", "ann@remote.test"))
	spam := b.Put(lee.ID, "Spam", msg(3, "ann@remote.test", "ann@remote.test"))
	self := b.Put(lee.ID, "INBOX", msg(4, "lee@example.test", "lee@example.test"))
	none := b.Put(lee.ID, "INBOX", "From: ann@remote.test\r\nSubject: x\r\n\r\nbody\r\n")

	if o := offer(plain); o == nil || o.Action != OfferAsk || o.To != "ann@remote.test" {
		t.Fatalf("ask: %+v", o)
	}
	for name, m := range map[string]*store.Message{"spam": spam, "own request": self, "no request": none} {
		if o := offer(m); o != nil {
			t.Errorf("%s offered: %+v", name, o)
		}
		if err := s.Respond(b.Ctx, a, m.ID, true, false); !errors.Is(err, ErrNoRequest) {
			t.Errorf("%s answered: %v", name, err)
		}
	}
	if err := s.Respond(b.Ctx, a, plain.ID, true, true); !errors.Is(err, ErrNoRequest) {
		t.Fatalf("sent automatically in ask mode: %v", err)
	}

	set[lee.ID] = settings.Settings{Mail: settings.Mail{MDN: settings.MDNAlways}, Language: "ko", Name: "이 순신"}
	if o := offer(plain); o == nil || o.Action != OfferSend {
		t.Fatalf("always: %+v", o)
	}
	if o := offer(other); o == nil || o.Action != OfferAsk {
		t.Fatalf("always, Return-Path elsewhere: %+v (must ask)", o)
	}
	if err := s.Respond(b.Ctx, a, other.ID, true, true); !errors.Is(err, ErrNoRequest) {
		t.Fatalf("sent automatically to a third party: %v", err)
	}
	if err := s.Respond(b.Ctx, a, plain.ID, true, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Respond(b.Ctx, a, plain.ID, true, false); !errors.Is(err, ErrNoRequest) {
		t.Fatalf("answered twice: %v", err)
	}
	if len(notices.sent) != 1 || notices.sent[0].to != "ann@remote.test" || notices.sent[0].from != lee.ID {
		t.Fatalf("sent: %+v", notices.sent)
	}
	if o := offer(plain); o != nil {
		t.Fatalf("offered again after $MDNSent: %+v", o)
	}
	parsed := message.Parse(notices.sent[0].raw)
	d, ok := ParseMDN(parsed)
	if !ok || d.OriginalMessageID != "o1@remote.test" || d.FinalRecipient != "lee@example.test" || d.Disposition != "displayed" || !d.Automatic {
		t.Fatalf("our report parsed back: %v %+v\n%s", ok, d, notices.sent[0].raw)
	}
	if h := parsed.Header; h.Decoded("Subject") != "읽음 확인: 회의" || h.Get("Auto-Submitted") != "auto-replied" || !strings.Contains(parsed.Text(), "표시되었습니다") {
		t.Fatalf("report header/text: %q %q %q", h.Decoded("Subject"), h.Get("Auto-Submitted"), parsed.Text())
	}

	// refusing is remembered too, and sends nothing
	set[lee.ID] = settings.Settings{Mail: settings.Mail{MDN: settings.MDNAsk}, Language: "en"}
	if err := s.Respond(b.Ctx, a, other.ID, false, false); err != nil {
		t.Fatal(err)
	}
	if o := offer(other); o != nil || len(notices.sent) != 1 {
		t.Fatalf("refused, then: %+v, %d sent", o, len(notices.sent))
	}

	set[lee.ID] = settings.Settings{Mail: settings.Mail{MDN: settings.MDNNever}}
	third := b.Put(lee.ID, "INBOX", msg(5, "ann@remote.test", "ann@remote.test"))
	if o := offer(third); o != nil {
		t.Fatalf("never: %+v", o)
	}
	if err := s.Respond(b.Ctx, a, third.ID, true, false); !errors.Is(err, ErrNoRequest) {
		t.Fatalf("never, answered: %v", err)
	}

	// a manual English report
	set[lee.ID] = settings.Settings{Mail: settings.Mail{MDN: settings.MDNAsk}, Language: "en"}
	fourth := b.Put(lee.ID, "INBOX", msg(6, "ann@remote.test", "ann@remote.test"))
	if err := s.Respond(b.Ctx, a, fourth.ID, true, false); err != nil {
		t.Fatal(err)
	}
	parsed = message.Parse(notices.sent[1].raw)
	if d, ok := ParseMDN(parsed); !ok || d.Automatic || parsed.Header.Decoded("Subject") != "Read: 회의" || parsed.Header.Has("Auto-Submitted") {
		t.Fatalf("manual report: %v %+v\n%s", ok, d, notices.sent[1].raw)
	}
	// another account cannot answer lee's message
	park := b.Account("park", nil)
	if err := s.Respond(b.Ctx, actor.User(park), fourth.ID, true, false); err == nil {
		t.Fatal("park answered lee's message")
	}
}
