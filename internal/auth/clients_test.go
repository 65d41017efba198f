package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/config"
	"postroom/internal/events"
	"postroom/internal/store"
)

func TestEndpoints_fromTheListenersImplicitTLSFirst(t *testing.T) {
	l := config.Default("").Listen
	l.POP3 = "" // turned off
	got := Endpoints("mail.example.test", l)
	want := []Endpoint{
		{"imap", "mail.example.test", 2993, "tls"}, {"imap", "mail.example.test", 2143, "starttls"},
		{"pop3", "mail.example.test", 2995, "tls"},
		{"smtp", "mail.example.test", 2465, "tls"}, {"smtp", "mail.example.test", 2587, "starttls"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Endpoints:\n got %+v\nwant %+v", got, want)
	}
}

// The user's switch has its effect on every mail-client protocol's login
// and on the sessions already logged in, and none on the webmail.
func TestClients_switchOffRefusesClientsNotTheWeb(t *testing.T) {
	ctx := context.Background()
	s, d := newStore(t)
	hash := hashOf(t, "pw")
	acct := &store.Account{DomainID: d.ID, LocalPart: "kim", PasswordHash: hash, Enabled: true, ClientAccess: true}
	if err := s.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	acct, _ = s.Account(ctx, acct.ID)
	bus := events.NewLocal()
	heard, stop := bus.Subscribe(acct.ID)
	defer stop()
	c := &Clients{Store: s, Events: bus, Servers: Endpoints("mail.example.test", config.Default("").Listen)}
	a := actor.User(acct)
	au := NewAuthenticator(s, false)
	loopback := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}
	imapLogin, err := au.Login(ctx, Request{Address: "kim@example.test", Password: "pw", Protocol: ProtoIMAP, Remote: loopback})
	if err != nil {
		t.Fatal(err)
	}

	off := false
	got, err := c.Change(ctx, a, ClientChange{Allowed: &off})
	if err != nil || got.ClientsAllowed || got.Login != "kim@example.test" || got.POP3Delete != store.POP3Keep || len(got.Servers) != 6 {
		t.Fatalf("Change(off): %+v %v", got, err)
	}
	select {
	case e := <-heard:
		if e.Kind != events.AccountChange {
			t.Fatalf("event %+v", e)
		}
	case <-time.After(5 * time.Second): // a failsafe: Publish is synchronous
		t.Fatal("no AccountChange event")
	}
	for _, p := range []Protocol{ProtoIMAP, ProtoPOP3, ProtoSMTP, ProtoCardDAV} {
		if _, err := au.Login(ctx, Request{Address: "kim@example.test", Password: "pw", Protocol: p, Remote: loopback}); !errors.Is(err, ErrClientAccessOff) {
			t.Errorf("%s login with clients off: %v", p, err)
		}
	}
	if _, err := au.Login(ctx, Request{Address: "kim@example.test", Password: "pw", Protocol: ProtoWeb, Remote: loopback}); err != nil {
		t.Errorf("web login with clients off: %v", err)
	}
	if err := au.Recheck(ctx, imapLogin, ProtoIMAP); !errors.Is(err, ErrLoginEnded) || !errors.Is(err, ErrClientAccessOff) {
		t.Errorf("IMAP session after the switch: %v", err)
	}
	if err := au.Recheck(ctx, imapLogin, ProtoWeb); err != nil {
		t.Errorf("web session after the switch: %v", err)
	}

	on, trash := true, store.POP3Trash
	if got, err = c.Change(ctx, a, ClientChange{Allowed: &on, POP3Delete: &trash}); err != nil || !got.ClientsAllowed || got.POP3Delete != trash {
		t.Fatalf("Change(on, trash): %+v %v", got, err)
	}
	if _, err := au.Login(ctx, Request{Address: "kim@example.test", Password: "pw", Protocol: ProtoIMAP, Remote: loopback}); err != nil {
		t.Errorf("IMAP login with clients on again: %v", err)
	}
}

func TestClients_invalidChangesNothingAndOnlyUsersHaveClients(t *testing.T) {
	ctx := context.Background()
	s, d := newStore(t)
	acct := &store.Account{DomainID: d.ID, LocalPart: "kim", Enabled: true, ClientAccess: true, POP3Delete: store.POP3Trash}
	if err := s.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	c := &Clients{Store: s}
	off, bad := false, "shred"
	if _, err := c.Change(ctx, actor.User(acct), ClientChange{Allowed: &off, POP3Delete: &bad}); !errors.Is(err, ErrInvalidPOP3Delete) {
		t.Fatalf("invalid pop3_delete: %v", err)
	}
	if now, _ := s.Account(ctx, acct.ID); !now.ClientAccess || now.POP3Delete != store.POP3Trash {
		t.Fatalf("a refused change was saved: %+v", now)
	}
	for _, a := range []actor.Actor{actor.CommandLine, actor.System(acct.ID, "delivery"), {Role: actor.RoleUser}} {
		if _, err := c.Setup(ctx, a); !errors.Is(err, ErrNotAUser) {
			t.Errorf("Setup as %+v: %v", a, err)
		}
		if _, err := c.Change(ctx, a, ClientChange{Allowed: &off}); !errors.Is(err, ErrNotAUser) {
			t.Errorf("Change as %+v: %v", a, err)
		}
	}
}

func TestLoginLog_pagesOfOwnLoginsNewestFirst(t *testing.T) {
	ctx := context.Background()
	s, d := newStore(t)
	var accts []*store.Account
	for _, local := range []string{"kim", "lee"} {
		a := &store.Account{DomainID: d.ID, LocalPart: local, Enabled: true, ClientAccess: true}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		accts = append(accts, a)
	}
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	n := LoginLogPageSize + 3
	for i := range n {
		if err := s.RecordLogin(ctx, &store.Login{AccountID: accts[0].ID, Time: base.Add(time.Duration(i) * time.Minute),
			Protocol: "imap", IP: fmt.Sprintf("192.0.2.%d", i%250), Success: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordLogin(ctx, &store.Login{AccountID: accts[1].ID, Time: base, Protocol: "web", IP: "198.51.100.1"}); err != nil {
		t.Fatal(err)
	}
	l := &LoginLog{Store: s}
	p1, more, err := l.Page(ctx, actor.User(accts[0]), 1)
	if err != nil || len(p1) != LoginLogPageSize || !more || !p1[0].Time.Equal(base.Add(time.Duration(n-1)*time.Minute)) {
		t.Fatalf("page 1: %d entries, more %v, first %+v, %v", len(p1), more, p1[0], err)
	}
	p2, more, err := l.Page(ctx, actor.User(accts[0]), 2)
	if err != nil || len(p2) != 3 || more || !p2[2].Time.Equal(base) {
		t.Fatalf("page 2: %+v more %v %v", p2, more, err)
	}
	if p3, _, _ := l.Page(ctx, actor.User(accts[0]), 3); len(p3) != 0 {
		t.Fatalf("page 3: %+v", p3)
	}
	other, _, err := l.Page(ctx, actor.User(accts[1]), 1)
	if err != nil || len(other) != 1 || other[0].IP != "198.51.100.1" {
		t.Fatalf("the other account's log: %+v %v", other, err)
	}
	if _, _, err := l.Page(ctx, actor.CommandLine, 1); !errors.Is(err, ErrNotAUser) {
		t.Fatalf("the operator's own log: %v", err)
	}
}

// The mobile webmail is the webmail: the switch does not refuse it, and
// the access log names it.
func TestLogin_mobileWebIsNotAMailClient(t *testing.T) {
	ctx := context.Background()
	s, d := newStore(t)
	hash := hashOf(t, "pw")
	acct := &store.Account{DomainID: d.ID, LocalPart: "kim", PasswordHash: hash, Enabled: true, ClientAccess: false}
	if err := s.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	au := NewAuthenticator(s, false)
	loopback := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}
	_, got, err := au.WebLogin(ctx, Request{Address: "kim@example.test", Password: "pw", Protocol: ProtoMobile, Remote: loopback})
	if err != nil {
		t.Fatalf("mobile web login with clients off: %v", err)
	}
	if err := au.Recheck(ctx, got, ProtoMobile); err != nil {
		t.Fatalf("mobile web session with clients off: %v", err)
	}
	// whatever protocol a caller names, a web login is web or mobile
	if _, _, err := au.WebLogin(ctx, Request{Address: "kim@example.test", Password: "pw", Protocol: ProtoIMAP, Remote: loopback}); err != nil {
		t.Fatalf("web login named IMAP: %v", err)
	}
	log, _ := s.Logins(ctx, acct.ID, 10)
	if len(log) != 2 || log[0].Protocol != "web" || log[1].Protocol != "mobile" || !log[1].Success {
		t.Fatalf("access log %+v", log)
	}
}
