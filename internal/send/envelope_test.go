package send

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/deliver"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// One resolution for SMTP and the webmail: hosted addresses are checked
// (unknown, suspended, over quota refused with deliver's refusals), others
// go to the queue, a repeated address is one recipient, and the limit
// counts recipients, not RCPT commands.
func TestAddRecipient_hostedCheckedRemoteQueuedRepeatsOnceLimitCounted(t *testing.T) {
	f := newFixture(t, 0)
	f.Account("off", func(a *store.Account) { a.Enabled = false })
	f.Account("full", func(a *store.Account) { a.QuotaBytes = 10 })
	f.svc.MaxRecipients = 3
	env, err := f.svc.NewEnvelope(f.Ctx, f.asAlice, "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	env.Size = 100
	for _, tc := range []struct {
		addr string
		want error
	}{
		{"bob@example.test", nil},
		{"BOB@example.test", nil}, // the same recipient
		{"nobody@example.test", deliver.ErrUnknownRecipient},
		{"off@example.test", deliver.ErrSuspended},
		{"full@example.test", deliver.ErrOverQuota},
		{"kim@remote.test", nil},
		{"kim@remote.test", nil},
		{"not an address", deliver.ErrBadAddress},
		{"lee@remote.test", nil},
		{"park@remote.test", ErrTooManyRecipients},
		{"lee@remote.test", nil}, // a repeat past the limit is still the one recipient
	} {
		if err := f.svc.AddRecipient(f.Ctx, f.asAlice, env, tc.addr); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("AddRecipient(%s) = %v, want %v", tc.addr, err, tc.want)
		}
	}
	if len(env.Local) != 1 || env.Local[0].Account.ID != f.bob.ID || fmt.Sprint(env.Remote) != "[kim@remote.test lee@remote.test]" {
		t.Fatalf("local %v remote %v", env.Local, env.Remote)
	}
	var de *deliver.Error
	if err := f.svc.AddRecipient(f.Ctx, f.asAlice, env, "x@remote.test"); !errors.As(err, &de) || de.Code != 452 || de.Enhanced != [3]int{4, 5, 3} {
		t.Fatalf("past the limit: %v, want 452 4.5.3 (RFC 5321 §4.5.3.1.10)", err)
	}
}

// A mail client may send only as its own address; another account's
// envelope is not the actor's to add to or send; an operator sends nothing.
func TestEnvelope_ownAddressOnlyAndEveryStepIsTheSendersOwn(t *testing.T) {
	f := newFixture(t, 0)
	if _, err := f.svc.NewEnvelope(f.Ctx, f.asAlice, "bob@example.test"); !errors.Is(err, deliver.ErrNotOwnAddress) {
		t.Fatalf("MAIL FROM another address: %v", err)
	}
	if _, err := f.svc.NewEnvelope(f.Ctx, actor.Operator(&store.Operator{ID: 1, Name: "operator"}), "alice@example.test"); !errors.Is(err, mail.ErrForbidden) {
		t.Fatalf("an operator: %v", err)
	}
	env, err := f.svc.NewEnvelope(f.Ctx, f.asAlice, "Alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.AddRecipient(f.Ctx, f.asB, env, "x@remote.test"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob adding to alice's envelope: %v", err)
	}
	f.svc.AddRecipient(f.Ctx, f.asAlice, env, "x@remote.test")
	if err := f.svc.Submit(f.Ctx, f.asB, env, Trace{}, []byte("From: alice@example.test\r\n\r\nx\r\n")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob sending alice's envelope: %v", err)
	}
	if f.queueLen(t) != 0 {
		t.Fatal("queued anyway")
	}
}

// A recipient named twice (To and Bcc, or two RCPT commands) gets one
// copy, over SMTP as from the webmail.
func TestSubmit_aRepeatedRecipientGetsOneCopy(t *testing.T) {
	f := newFixture(t, 0)
	env, _ := f.svc.NewEnvelope(f.Ctx, f.asAlice, "alice@example.test")
	for _, rcpt := range []string{"bob@example.test", "Bob@Example.test", "kim@remote.test", "KIM@remote.test"} {
		if err := f.svc.AddRecipient(f.Ctx, f.asAlice, env, rcpt); err != nil {
			t.Fatal(err)
		}
	}
	raw := "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: once\r\n\r\nx\r\n"
	if err := f.svc.Submit(f.Ctx, f.asAlice, env, Trace{Helo: "client", RemoteAddr: "127.0.0.1:1", Protocol: "ESMTPSA", ID: "t1"}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("bob@example.test"), Bcc: to("BOB@example.test"), Subject: "once more"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Minute) // past the queue's real-clock enqueue time
	f.runQueue(t)
	if n := len(f.mailbox(t, f.bob, store.RoleInbox)); n != 2 {
		t.Fatalf("bob has %d messages, want one per send", n)
	}
	if got := f.sink.Messages(); len(got) != 1 || len(got[0].To) != 1 {
		t.Fatalf("relay got %+v, want one message to one recipient", got)
	}
	if n := len(f.mailbox(t, f.alice, store.RoleSent)); n != 2 {
		t.Fatalf("%d Sent copies", n)
	}
}
