package deliver_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"postroom/internal/deliver"
	"postroom/internal/settings"
	"postroom/internal/store"
)

const fwdMsg = "From: Sender <sender@remote.test>\r\nTo: bob@example.test\r\nSubject: =?UTF-8?B?7JWI64WV?=\r\nMessage-ID: <f1@remote.test>\r\n\r\n본문 body\r\n"

func forwardTo(keep bool, addrs ...string) func(*settings.Settings) {
	return func(s *settings.Settings) { s.Forwarding = settings.Forwarding{Addresses: addrs, KeepCopy: keep} }
}

// A local forward without a copy: carol gets the message (original
// envelope sender, the forward's trace field on top), bob keeps nothing,
// and the forward was queued before Deliver returned (the 250).
func TestForward_localWithoutCopy(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", forwardTo(false, "carol@example.test"))
	carol := e.account("carol", nil)
	res := e.deliver("sender@remote.test", fwdMsg, "bob@example.test")
	if res[0].Message != nil {
		t.Fatalf("bob's copy stored: %+v", res[0].Message)
	}
	if n := e.queued(); n != 1 {
		t.Fatalf("%d queued before the answer, want 1", n)
	}
	e.runQueue()
	if got := e.mailbox(bob, store.RoleInbox); len(got) != 0 {
		t.Fatalf("bob kept %d", len(got))
	}
	got := e.mailbox(carol, store.RoleInbox)
	if len(got) != 1 {
		t.Fatalf("carol got %d", len(got))
	}
	if !strings.Contains(got[0], "Return-Path: <sender@remote.test>\r\n") || !strings.Contains(got[0], "X-Postroom-Forwarded: <bob@example.test>\r\n") ||
		!strings.HasSuffix(got[0], fwdMsg) || strings.Count(got[0], "Return-Path:") != 1 {
		t.Fatalf("carol's copy:\n%s", got[0])
	}
}

// With "keep a copy", both have it.
func TestForward_localWithCopy(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", forwardTo(true, "carol@example.test"))
	carol := e.account("carol", nil)
	e.deliver("sender@remote.test", fwdMsg, "bob@example.test")
	e.runQueue()
	if b, c := e.mailbox(bob, store.RoleInbox), e.mailbox(carol, store.RoleInbox); len(b) != 1 || len(c) != 1 {
		t.Fatalf("bob %d, carol %d", len(b), len(c))
	}
}

// A remote forward reaches the MX of remote.test over SMTP with an SRS
// envelope sender of bob's domain and the message unchanged below the
// trace fields.
func TestForward_remoteWithSRS(t *testing.T) {
	e := newEffects(t)
	e.account("bob", forwardTo(false, "bob.home@remote.test"))
	e.deliver("sender@remote.test", fwdMsg, "bob@example.test")
	e.runQueue()
	got := e.sink.Messages()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "bob.home@remote.test" {
		t.Fatalf("sink got %+v", got)
	}
	from := got[0].From
	if !strings.HasPrefix(from, "SRS0=") || !strings.HasSuffix(from, "=remote.test=sender@example.test") {
		t.Fatalf("envelope sender %q, want SRS0=...=remote.test=sender@example.test", from)
	}
	data := strings.ReplaceAll(got[0].Data, "\r\n", "\n")
	if !strings.HasSuffix(data, strings.ReplaceAll(fwdMsg, "\r\n", "\n")) || strings.Contains(data, "Return-Path") {
		t.Fatalf("forwarded message:\n%s", got[0].Data)
	}
}

// bob forwards to carol and carol to bob, neither keeping a copy: the
// message goes round once and stops where it started, kept there; it is
// neither lost nor sent on for ever.
func TestForward_twoAccountLoopStops(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", forwardTo(false, "carol@example.test"))
	carol := e.account("carol", forwardTo(false, "bob@example.test"))
	e.deliver("sender@remote.test", fwdMsg, "bob@example.test")
	e.runQueue()
	if e.queued() != 0 {
		t.Fatalf("%d still queued", e.queued())
	}
	b, c := e.mailbox(bob, store.RoleInbox), e.mailbox(carol, store.RoleInbox)
	if len(b) != 1 || len(c) != 0 {
		t.Fatalf("bob %d, carol %d, want 1 and 0", len(b), len(c))
	}
	if strings.Count(b[0], deliver.ForwardedHeader+":") != 2 {
		t.Fatalf("bob's copy:\n%s", b[0])
	}
}

// A bounce (null sender) to the SRS address a remote forward used goes
// back to the original sender; a forged or altered SRS address is an
// unknown recipient (no open relay).
func TestForward_bounceToSRSReachesOriginalSender(t *testing.T) {
	e := newEffects(t)
	e.account("bob", forwardTo(false, "bob.home@remote.test"))
	e.deliver("sender@remote.test", fwdMsg, "bob@example.test")
	e.runQueue()
	srs := e.sink.Messages()[0].From
	for _, bad := range []string{
		strings.Replace(srs, "=sender@", "=other@", 1),
		"SRS0=AAAAAAAA=AA=remote.test=sender@example.test",
	} {
		if _, err := e.p.Resolve(e.ctx, bad, 0); err != deliver.ErrUnknownRecipient {
			t.Fatalf("resolve %s: %v, want unknown recipient", bad, err)
		}
	}
	// the MX's RCPT resolution (smtpd) takes it
	if r, err := e.p.ResolveInbound(e.ctx, "192.0.2.9:25", srs, 0); err != nil || r.SRS != "sender@remote.test" {
		t.Fatalf("MX RCPT TO %s: %+v, %v", srs, r, err)
	}
	dsn := "From: MAILER-DAEMON@remote.test\r\nTo: " + srs + "\r\nSubject: Undelivered\r\nAuto-Submitted: auto-replied\r\n\r\nbounced\r\n"
	e.deliver("", dsn, strings.ToLower(srs)) // remote MTAs may change the case
	e.runQueue()
	got := e.sink.Messages()
	if len(got) != 2 || got[1].From != "" || len(got[1].To) != 1 || got[1].To[0] != "sender@remote.test" || !strings.Contains(got[1].Data, "bounced") {
		t.Fatalf("sink got %+v", got[1:])
	}
}

// An SRS address older than its lifetime is refused.
func TestForward_srsExpires(t *testing.T) {
	e := newEffects(t)
	srs, err := e.p.SRSAddress(e.ctx, "sender@remote.test", "example.test")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := e.p.Resolve(e.ctx, srs, 0); err != nil || r.SRS != "sender@remote.test" {
		t.Fatalf("fresh: %+v, %v", r, err)
	}
	e.clock.Add(deliver.SRSLifetime + 48*3600e9)
	if _, err := e.p.Resolve(e.ctx, srs, 0); err != deliver.ErrUnknownRecipient {
		t.Fatalf("expired: %v", err)
	}
}

// failingQueue is a store whose outbound queue refuses everything.
type failingQueue struct{ store.Store }

func (failingQueue) Enqueue(context.Context, *store.QueuedMessage) error {
	return errors.New("queue unavailable")
}

// A forward that cannot be queued leaves the message in the Inbox even
// without "keep a copy": the sender heard 250, nothing is lost.
func TestForward_failedQueueKeepsTheMessage(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", forwardTo(false, "bob.home@remote.test", "carol@example.test"))
	e.account("carol", nil)
	e.p.Store = failingQueue{e.bed.Store}
	res := e.deliver("sender@remote.test", fwdMsg, "bob@example.test")
	if res[0].Err != nil || res[0].Message == nil {
		t.Fatalf("result %+v", res[0])
	}
	if got := e.mailbox(bob, store.RoleInbox); len(got) != 1 || !strings.HasSuffix(got[0], fwdMsg) {
		t.Fatalf("bob has %d", len(got))
	}
}
