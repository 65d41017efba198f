package deliver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"postroom/internal/store"
)

// One transaction naming an address many times, in any case, stores one
// copy (issue 13, item 7: 1,000 RCPT TO one address stored 1,000); every
// repeat shares the result.
func TestDeliver_repeatedRecipientsGetOneCopy(t *testing.T) {
	f := newFixture(t)
	bob := f.account(t, "bob", nil)
	var rs []*Recipient
	for i := range 50 {
		rs = append(rs, f.resolve(t, []string{"bob@example.test", "BOB@example.test", "Bob@EXAMPLE.TEST"}[i%3]))
	}
	res, err := f.p.Deliver(f.ctx, &Envelope{From: "a@remote.test", Recipients: rs}, []byte("Subject: once\r\n\r\nx\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(rs) {
		t.Fatalf("%d results for %d recipients", len(res), len(rs))
	}
	for _, r := range res {
		if r.Err != nil || r.Message == nil || r.Message.ID != res[0].Message.ID {
			t.Fatalf("%s: %v %+v", r.Recipient.Address, r.Err, r.Message)
		}
	}
	if n := len(f.inbox(t, bob, store.RoleInbox)); n != 1 {
		t.Fatalf("bob has %d copies", n)
	}
	// Submission alike: local recipients, one copy each, and one Sent copy.
	alice := f.account(t, "alice", nil)
	s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: rs[:3]}, Sender: alice}
	sub, err := f.p.Submit(f.ctx, s, []byte("From: alice@example.test\r\nSubject: twice\r\n\r\nx\r\n"))
	if err != nil || len(sub.Local) != 3 {
		t.Fatalf("%v %+v", err, sub)
	}
	if n := len(f.inbox(t, bob, store.RoleInbox)); n != 2 {
		t.Fatalf("bob has %d messages after the submission, want 2", n)
	}
}

// postmaster@ a hosted domain reaches its administrators when no account
// has that name (RFC 5321 §4.5.1), in any case; an administrator also
// named gets one copy; a domain with no administrator who can receive
// refuses it; an account named postmaster gets its own mail.
func TestResolve_postmasterReachesTheAdministrators(t *testing.T) {
	f := newFixture(t)
	boss := f.account(t, "boss", func(a *store.Account) { a.Admin = true })
	deputy := f.account(t, "deputy", func(a *store.Account) { a.Admin = true })
	f.account(t, "away", func(a *store.Account) { a.Admin, a.Enabled = true, false })
	clerk := f.account(t, "clerk", nil)
	r := f.resolve(t, "PostMaster@Example.TEST")
	if r.Account.ID != boss.ID || len(r.Also) != 1 || r.Also[0].ID != deputy.ID {
		t.Fatalf("postmaster reaches %s and %v", r.Account.Address(), r.Also)
	}
	env := &Envelope{From: "a@remote.test", Recipients: []*Recipient{r, f.resolve(t, "boss@example.test")}}
	res, err := f.p.Deliver(f.ctx, env, []byte("Subject: abuse report\r\n\r\nx\r\n"))
	if err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("%v %+v", err, res)
	}
	for _, a := range []*store.Account{boss, deputy} {
		if n := len(f.inbox(t, a, store.RoleInbox)); n != 1 {
			t.Fatalf("%s has %d copies", a.Address(), n)
		}
	}
	if n := len(f.inbox(t, clerk, store.RoleInbox)); n != 0 {
		t.Fatal("a user who is not an administrator got postmaster's mail")
	}

	other := &store.Domain{Name: "other.test"}
	if err := f.store.CreateDomain(f.ctx, other); err != nil {
		t.Fatal(err)
	}
	if _, err := f.p.Resolve(f.ctx, "postmaster@other.test", 0); !errors.Is(err, ErrUnknownRecipient) {
		t.Fatalf("postmaster of a domain without administrators: %v", err)
	}
	pm := &store.Account{DomainID: other.ID, LocalPart: "postmaster", Enabled: true}
	if err := f.store.CreateAccount(f.ctx, pm); err != nil {
		t.Fatal(err)
	}
	if r, err := f.p.Resolve(f.ctx, "postmaster@other.test", 0); err != nil || r.Account.ID != pm.ID || len(r.Also) != 0 {
		t.Fatalf("an account named postmaster: %v %+v", err, r)
	}
}

// Unknown recipients are counted per source address across connections
// (the store's counters): a few at once, then each after a delay, then
// 421 for every recipient, known or not, until the window has passed;
// known recipients never count; an IPv6 client counts per /64.
func TestResolveInbound_unknownRecipientsThrottledPerSource(t *testing.T) {
	f := newFixture(t)
	f.account(t, "bob", nil)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f.p.now = func() time.Time { return now }
	var paused []time.Duration
	f.p.sleep = func(_ context.Context, d time.Duration) { paused = append(paused, d) }
	try := func(remote, addr string) error {
		_, err := f.p.ResolveInbound(f.ctx, remote, addr, 0)
		return err
	}
	const attacker = "192.0.2.7:40000"
	for range 20 {
		if err := try(attacker, "bob@example.test"); err != nil {
			t.Fatalf("known recipient: %v", err)
		}
	}
	for i := 1; i <= UnknownLimit; i++ {
		paused = nil
		if err := try(fmt.Sprintf("192.0.2.7:%d", 40000+i), fmt.Sprintf("guess%d@example.test", i)); !errors.Is(err, ErrUnknownRecipient) {
			t.Fatalf("unknown recipient %d: %v", i, err)
		}
		if want := i > UnknownFree; (len(paused) == 1 && paused[0] == UnknownDelay) != want {
			t.Fatalf("unknown recipient %d paused %v", i, paused)
		}
	}
	for _, addr := range []string{"guess99@example.test", "bob@example.test"} {
		err := try(attacker, addr)
		var de *Error
		if !errors.As(err, &de) || !errors.Is(err, ErrTooManyUnknown) || !strings.HasPrefix(de.Error(), "421 4.7.0") {
			t.Fatalf("%s past the limit: %v", addr, err)
		}
	}
	if err := try("198.51.100.1:25", "bob@example.test"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	now = now.Add(UnknownWindow + time.Second)
	if err := try(attacker, "bob@example.test"); err != nil {
		t.Fatalf("after the window: %v", err)
	}

	for i := range UnknownLimit {
		try(fmt.Sprintf("[2001:db8:1:2::%x]:25", i+1), fmt.Sprintf("v6guess%d@example.test", i))
	}
	if err := try("[2001:db8:1:2:ffff::1]:25", "bob@example.test"); !errors.Is(err, ErrTooManyUnknown) {
		t.Fatalf("the same /64: %v", err)
	}
	if err := try("[2001:db8:1:3::1]:25", "bob@example.test"); err != nil {
		t.Fatalf("another /64: %v", err)
	}
}
