package send

import (
	"errors"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/deliver"
	"postroom/internal/store"
)

// submitOne sends one message the way SMTP submission does (MAIL FROM,
// RCPT TO, DATA), to the internet: it waits in the queue.
func submitOne(f *fixture, a actor.Actor, from string) error {
	env, err := f.svc.NewEnvelope(f.Ctx, a, from)
	if err != nil {
		return err
	}
	if err := f.svc.AddRecipient(f.Ctx, a, env, "kim@remote.test"); err != nil {
		return err
	}
	raw := "From: " + from + "\r\nTo: kim@remote.test\r\nSubject: hourly\r\n\r\nx\r\n"
	return f.svc.Submit(f.Ctx, a, env, Trace{Helo: "client", RemoteAddr: "127.0.0.1:1", Protocol: "ESMTPSA", ID: "h"}, []byte(raw))
}

// sendOne sends one message from the webmail.
func sendOne(f *fixture, a actor.Actor) error {
	_, err := f.svc.Send(f.Ctx, a, &Request{To: to("kim@remote.test"), Subject: "hourly", Text: "x"})
	return err
}

// The limit counts SMTP and webmail sends together, per user, in a
// sliding hour; past it SMTP hears 450 4.7.1 already at MAIL FROM and
// the webmail a *LimitError saying when to try again; an hour after a
// message it no longer counts.
func TestHourlyLimit_refusedPastItAllowedAnHourLaterOthersUnaffected(t *testing.T) {
	f := newFixture(t, 0)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.clock.Set(t0)
	f.svc.MessagesPerHour = 3
	for i, send := range []func() error{
		func() error { return submitOne(f, f.asAlice, "alice@example.test") },
		func() error { return sendOne(f, f.asAlice) },
		func() error { return submitOne(f, f.asAlice, "alice@example.test") },
	} {
		if err := send(); err != nil {
			t.Fatalf("message %d within the limit: %v", i+1, err)
		}
		f.clock.Add(10 * time.Minute)
	}
	// t0+30m: the fourth message in the hour
	var le *LimitError
	if err := sendOne(f, f.asAlice); !errors.As(err, &le) || le.Limit != 3 || le.RetryAfter != 31*time.Minute {
		t.Fatalf("webmail past the limit: %v (%+v), want the limit 3, retry in 31m (the t0 message leaves the hour)", err, le)
	}
	_, err := f.svc.NewEnvelope(f.Ctx, f.asAlice, "alice@example.test")
	var de *deliver.Error
	if !errors.As(err, &de) || de.Code != 450 || de.Enhanced != [3]int{4, 7, 1} {
		t.Fatalf("SMTP MAIL FROM past the limit: %v, want 450 4.7.1", err)
	}
	if err := submitOne(f, f.asB, "bob@example.test"); err != nil {
		t.Fatalf("bob is not alice: %v", err)
	}
	// refused attempts were not counted: a minute short of the hour after
	// the first message it is still spent, at the minute it is not
	f.clock.Add(30 * time.Minute)
	if err := sendOne(f, f.asAlice); !errors.As(err, &le) {
		t.Fatalf("t0+60m: %v, want still refused", err)
	}
	f.clock.Add(time.Minute)
	if err := submitOne(f, f.asAlice, "alice@example.test"); err != nil {
		t.Fatalf("an hour after the first message: %v", err)
	}
	if err := submitOne(f, f.asAlice, "alice@example.test"); !errors.As(err, &le) {
		t.Fatalf("the hour is full again: %v", err)
	}
}

// The operator's limit of a domain wins over the server's default: a
// number of its own, or -1 for none; other domains keep the default.
func TestHourlyLimit_domainOverride(t *testing.T) {
	f := newFixture(t, 0)
	f.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	f.svc.MessagesPerHour = 1
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	lee := &store.Account{DomainID: other.ID, LocalPart: "lee", PasswordHash: f.alice.PasswordHash, Enabled: true, ClientAccess: true}
	if err := f.Store.CreateAccount(f.Ctx, lee); err != nil {
		t.Fatal(err)
	}
	asLee := actor.User(lee)
	f.Domain.MessagesPerHour = 2
	if err := f.Store.UpdateDomain(f.Ctx, f.Domain); err != nil {
		t.Fatal(err)
	}
	var le *LimitError
	for i := 1; i <= 3; i++ {
		err := submitOne(f, f.asAlice, "alice@example.test")
		if refused := errors.As(err, &le); refused != (i == 3) || (!refused && err != nil) {
			t.Fatalf("example.test at 2 an hour, message %d: %v", i, err)
		}
	}
	if le.Limit != 2 {
		t.Fatalf("refusal names the limit %d, want the domain's 2", le.Limit)
	}
	if err := submitOne(f, asLee, "lee@other.test"); err != nil {
		t.Fatal(err)
	}
	if err := submitOne(f, asLee, "lee@other.test"); !errors.As(err, &le) || le.Limit != 1 {
		t.Fatalf("other.test keeps the default 1: %v", err)
	}
	f.Domain.MessagesPerHour = -1
	if err := f.Store.UpdateDomain(f.Ctx, f.Domain); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := sendOne(f, f.asAlice); err != nil {
			t.Fatalf("example.test without a limit: %v", err)
		}
	}
}

// A message the pipeline refuses (here: no From, 554 5.6.0) did not go
// and does not count.
func TestHourlyLimit_refusedMessageGivenBack(t *testing.T) {
	f := newFixture(t, 0)
	f.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	f.svc.MessagesPerHour = 1
	env, err := f.svc.NewEnvelope(f.Ctx, f.asAlice, "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.AddRecipient(f.Ctx, f.asAlice, env, "kim@remote.test"); err != nil {
		t.Fatal(err)
	}
	var de *deliver.Error
	if err := f.svc.Submit(f.Ctx, f.asAlice, env, Trace{}, []byte("Subject: no author\r\n\r\nx\r\n")); !errors.As(err, &de) || de.Code/100 != 5 {
		t.Fatalf("a message without From: %v, want the pipeline's refusal", err)
	}
	if err := submitOne(f, f.asAlice, "alice@example.test"); err != nil {
		t.Fatalf("the refused message was counted: %v", err)
	}
}
