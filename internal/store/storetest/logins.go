package storetest

import (
	"slices"
	"time"

	"postroom/internal/store"
)

var loginTests = []test{
	{"accessLog_newestFirstAndScopedToAccount", testAccessLog},
	{"accessLog_loginAddressesAreRecentSuccesses", testLoginAddresses},
	{"messageUIDs_listsUIDsAfter", testMessageUIDs},
}

func testAccessLog(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	base := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for i, p := range []string{"imap", "pop3", "web"} {
		l := &store.Login{AccountID: a.ID, Time: base.Add(time.Duration(i) * time.Minute), Protocol: p, IP: "192.0.2.1", Success: i != 1}
		e.ok(e.s.RecordLogin(e.ctx, l), "RecordLogin")
		if l.ID == 0 {
			e.Error("RecordLogin left ID 0")
		}
	}
	e.ok(e.s.RecordLogin(e.ctx, &store.Login{AccountID: b.ID, Protocol: "smtp", IP: "2001:db8::1", Success: true}), "RecordLogin b")
	got, err := e.s.Logins(e.ctx, a.ID, 2)
	e.ok(err, "Logins")
	if len(got) != 2 || got[0].Protocol != "web" || got[1].Protocol != "pop3" || got[1].Success || !got[0].Success {
		e.Fatalf("alice's two newest logins: %+v", got)
	}
	if !got[0].Time.Equal(base.Add(2*time.Minute)) || got[0].Time.Location() != time.UTC || got[0].IP != "192.0.2.1" {
		e.Errorf("login round trip: %+v", got[0])
	}
	gb, err := e.s.Logins(e.ctx, b.ID, 10)
	e.ok(err, "Logins b")
	if len(gb) != 1 || gb[0].IP != "2001:db8::1" || gb[0].Time.IsZero() {
		e.Errorf("bob's logins: %+v", gb)
	}
}

// LoginAddresses are where the owner logs in from: successful logins
// only, since the given time, each address once, the most recent first.
func testLoginAddresses(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	base := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for i, l := range []store.Login{
		{IP: "192.0.2.1", Success: true},     // 0: before since
		{IP: "192.0.2.2", Success: true},     // 1
		{IP: "198.51.100.9", Success: false}, // 2: a failure
		{IP: "2001:db8::7", Success: true},   // 3
		{IP: "192.0.2.2", Success: true},     // 4: again, the most recent
		{IP: "", Success: true},              // 5: no address known
	} {
		l.AccountID, l.Protocol, l.Time = a.ID, "imap", base.Add(time.Duration(i)*time.Hour)
		e.ok(e.s.RecordLogin(e.ctx, &l), "RecordLogin")
	}
	e.ok(e.s.RecordLogin(e.ctx, &store.Login{AccountID: b.ID, Protocol: "web", IP: "203.0.113.5", Success: true, Time: base.Add(3 * time.Hour)}), "RecordLogin b")
	got, err := e.s.LoginAddresses(e.ctx, a.ID, base.Add(time.Hour), 10)
	e.ok(err, "LoginAddresses")
	if want := []string{"192.0.2.2", "2001:db8::7"}; !slices.Equal(got, want) {
		e.Errorf("LoginAddresses = %q, want %q", got, want)
	}
	got, err = e.s.LoginAddresses(e.ctx, a.ID, base, 1)
	e.ok(err, "LoginAddresses(limit 1)")
	if want := []string{"192.0.2.2"}; !slices.Equal(got, want) {
		e.Errorf("LoginAddresses(limit 1) = %q, want %q", got, want)
	}
	got, err = e.s.LoginAddresses(e.ctx, a.ID, base.Add(5*time.Hour), 10)
	e.ok(err, "LoginAddresses(later)")
	if len(got) != 0 {
		e.Errorf("LoginAddresses after the last success = %q, want none", got)
	}
}

func testMessageUIDs(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 5)
	_, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{ms[1].UID})
	e.ok(err, "Expunge")
	all, err := e.s.MessageUIDs(e.ctx, a.ID, in.ID, 0)
	e.ok(err, "MessageUIDs")
	if want := []uint32{ms[0].UID, ms[2].UID, ms[3].UID, ms[4].UID}; !slices.Equal(all, want) {
		e.Errorf("MessageUIDs(0) = %v, want %v", all, want)
	}
	after, err := e.s.MessageUIDs(e.ctx, a.ID, in.ID, ms[2].UID)
	e.ok(err, "MessageUIDs after")
	if want := []uint32{ms[3].UID, ms[4].UID}; !slices.Equal(after, want) {
		e.Errorf("MessageUIDs(%d) = %v, want %v", ms[2].UID, after, want)
	}
	b := e.account("bob@example.com")
	if _, err := e.s.MessageUIDs(e.ctx, b.ID, in.ID, 0); err == nil {
		e.Error("MessageUIDs of another account's mailbox: no error")
	}
}
