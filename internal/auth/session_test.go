package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
	"postroom/internal/store/sqlite"
	"postroom/internal/testbed/clock"
)

type sessionsFixture struct {
	ctx   context.Context
	st    *sqlite.Store
	s     *Sessions
	clock *clock.Fake
	bus   *events.Local
	alice *store.Account
	boss  *store.Account // a domain administrator
}

var (
	loopback = &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 1}
	office   = &net.TCPAddr{IP: net.ParseIP("198.51.100.7"), Port: 1}
)

func newSessions(t *testing.T) *sessionsFixture {
	t.Helper()
	st, d := newStore(t)
	f := &sessionsFixture{ctx: context.Background(), st: st, clock: clock.At(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
		bus: events.NewLocal()}
	hash := hashOf(t, "pw")
	mk := func(local, lang string, admin bool) *store.Account {
		a := &store.Account{DomainID: d.ID, LocalPart: local, PasswordHash: hash, Enabled: true, ClientAccess: true, Language: lang,
			TimeZone: "Asia/Seoul", Admin: admin}
		if err := st.CreateAccount(f.ctx, a); err != nil {
			t.Fatal(err)
		}
		a, err := st.Account(f.ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.alice, f.boss = mk("alice", "ko", false), mk("boss", "en", true)
	if err := st.CreateOperator(f.ctx, &store.Operator{Name: "operator", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	a := NewAuthenticator(st, false)
	f.s = &Sessions{Store: st, Auth: a, Events: f.bus, Now: f.clock.Now}
	return f
}

func (f *sessionsFixture) login(t *testing.T, name string) *Session {
	t.Helper()
	sess, err := f.s.Login(f.ctx, Request{Address: name, Password: "pw", Remote: loopback}, "en")
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return sess
}

func (f *sessionsFixture) load(t *testing.T, token string) (*Session, error) {
	t.Helper()
	return f.s.Load(f.ctx, token, Client{Remote: loopback})
}

// A session resolves to its actor (with the account's domain and role, or
// the operator's name) and speaks the account's language as it is now;
// the store has only the token's hash.
func TestSessions_aSessionResolvesToItsActor(t *testing.T) {
	f := newSessions(t)
	sess := f.login(t, "boss@example.test")
	if sess.Token == "" || sess.CSRF == "" || sess.Token == sess.CSRF {
		t.Fatalf("tokens %q %q", sess.Token, sess.CSRF)
	}
	if _, err := f.st.WebSession(f.ctx, sess.Token); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the token itself is stored: %v", err)
	}
	got, err := f.load(t, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	if want := actor.User(f.boss); got.Actor != want || got.Actor.Role != actor.RoleDomainAdmin || got.Actor.DomainID == 0 {
		t.Fatalf("actor %+v, want %+v", got.Actor, want)
	}
	if got.Account == nil || got.Account.ID != f.boss.ID || got.Language != "en" || got.CSRF != sess.CSRF || got.Token != "" {
		t.Fatalf("loaded %+v", got)
	}
	// the account's language as it is now, not as it was at login
	if err := f.st.SetAccountLocale(f.ctx, f.boss.ID, "ko", "Asia/Seoul"); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.load(t, sess.Token); got.Language != "ko" {
		t.Fatalf("after the account's language changed the session speaks %q", got.Language)
	}

	op := f.login(t, " Operator ")
	got, err = f.load(t, op.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsOperator() || got.Actor.Role != actor.RoleOperator || got.Actor.Name != "operator" || got.Actor.OperatorID == 0 || got.Language != "en" {
		t.Fatalf("operator session %+v", got)
	}
	if err := f.s.SetLanguage(f.ctx, got, "ko"); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.load(t, op.Token); got.Language != "ko" {
		t.Fatalf("the operator's language after SetLanguage: %q", got.Language)
	}
	for _, token := range []string{"", "forged", sess.Token + "x"} {
		if _, err := f.load(t, token); !errors.Is(err, ErrNoSession) {
			t.Errorf("Load(%q): %v, want ErrNoSession", token, err)
		}
	}
}

// A session used within Idle lives on (its use recorded); one unused for
// longer ends and is removed. Check (the event stream's) is no use.
func TestSessions_idleEndsASessionAndCheckIsNoUse(t *testing.T) {
	f := newSessions(t)
	f.s.Idle = 30 * time.Minute
	sess := f.login(t, "alice@example.test")
	for range 3 {
		f.clock.Add(29 * time.Minute)
		if _, err := f.load(t, sess.Token); err != nil {
			t.Fatalf("a session used within Idle: %v", err)
		}
	}
	f.clock.Add(20 * time.Minute)
	if err := f.s.Check(f.ctx, sess, Client{Remote: loopback}); err != nil {
		t.Fatalf("Check within Idle: %v", err)
	}
	f.clock.Add(11 * time.Minute) // 31 min after the last use; the Check does not count
	if err := f.s.Check(f.ctx, sess, Client{Remote: loopback}); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Check of an idle session: %v, want ErrNoSession", err)
	}
	if _, err := f.st.WebSession(f.ctx, sess.hash); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the idle session stays in the store: %v", err)
	}
	if _, err := f.load(t, sess.Token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Load of the idle session: %v", err)
	}
}

// Suspension ends an account's sessions at their next use (Load or Check),
// removal too, and logout at once; each is announced to the account's
// event streams (session.end).
func TestSessions_suspensionRemovalAndLogoutEndSessionsAndAreAnnounced(t *testing.T) {
	f := newSessions(t)
	ch, cancel := f.bus.Subscribe(f.alice.ID)
	defer cancel()
	announced := func(what string) {
		t.Helper()
		select {
		case e := <-ch:
			if e.Kind != events.SessionEnd {
				t.Fatalf("%s: announced %+v", what, e)
			}
		default:
			t.Fatalf("%s: not announced", what)
		}
	}
	s1, s2 := f.login(t, "alice@example.test"), f.login(t, "alice@example.test")
	if err := f.s.Logout(f.ctx, s1); err != nil {
		t.Fatal(err)
	}
	announced("logout")
	if _, err := f.load(t, s1.Token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a logged-out session: %v", err)
	}
	if err := f.s.Check(f.ctx, s2, Client{}); err != nil {
		t.Fatalf("the other session after one logout: %v", err)
	}
	a, _ := f.st.Account(f.ctx, f.alice.ID)
	a.Enabled = false
	if err := f.st.UpdateAccount(f.ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Check(f.ctx, s2, Client{}); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a suspended account's session: %v", err)
	}
	announced("suspension")
	if _, err := f.st.WebSession(f.ctx, s2.hash); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the suspended account's session stays: %v", err)
	}
	a.Enabled = true
	f.st.UpdateAccount(f.ctx, a)
	s3 := f.login(t, "alice@example.test")
	if err := f.st.DeleteAccount(f.ctx, f.alice.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.load(t, s3.Token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a removed account's session: %v", err)
	}
}

// A changed password ends every session opened with the old one at its
// next use (and announces it, so that
// the event streams end at once); a session opened with the new one
// lives. A session from before sessions kept a credential ends too.
func TestSessions_aChangedPasswordEndsEverySessionOpenedBefore(t *testing.T) {
	f := newSessions(t)
	ch, cancel := f.bus.Subscribe(f.alice.ID)
	defer cancel()
	s1, s2, op := f.login(t, "alice@example.test"), f.login(t, "alice@example.test"), f.login(t, "operator")
	bossSess := f.login(t, "boss@example.test")
	a, _ := f.st.Account(f.ctx, f.alice.ID)
	a.DisplayName = "앨리스" // not a password change
	if err := f.st.UpdateAccount(f.ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := f.load(t, s1.Token); err != nil {
		t.Fatalf("after a name change: %v", err)
	}
	hash, _ := HashPassword("new-pw")
	a.PasswordHash = hash
	if err := f.st.UpdateAccount(f.ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := f.load(t, s1.Token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a session after its password changed: %v", err)
	}
	if err := f.s.Check(f.ctx, s2, Client{}); !errors.Is(err, ErrNoSession) {
		t.Fatalf("the event stream's check after the password changed: %v", err)
	}
	for range 2 {
		if e := <-ch; e.Kind != events.SessionEnd {
			t.Fatalf("announced %+v", e)
		}
	}
	if _, err := f.load(t, bossSess.Token); err != nil {
		t.Fatalf("another account's session: %v", err)
	}
	s3, err := f.s.Login(f.ctx, Request{Address: "alice@example.test", Password: "new-pw", Remote: loopback}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.load(t, s3.Token); err != nil {
		t.Fatalf("a session opened with the new password: %v", err)
	}
	if _, err := f.load(t, op.Token); err != nil {
		t.Fatalf("the operator's session (his password is the same): %v", err)
	}
	// a session stored before sessions kept a credential
	now := f.clock.Now()
	if err := f.st.CreateWebSession(f.ctx, &store.WebSession{TokenHash: tokenHash("old-token"), CSRF: "c", AccountID: f.boss.ID,
		Language: "en", CreatedAt: now, LastSeen: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.load(t, "old-token"); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a session without a credential: %v", err)
	}
}

// policy is an access policy for the tests: it refuses logins from
// blocked addresses, every use while block is set, and gives the
// domain administrator's sessions an auto logout.
type policy struct {
	mu       sync.Mutex
	blocked  map[string]bool
	block    bool
	broken   bool
	idle     time.Duration
	accesses []Access
}

func (p *policy) Admit(_ context.Context, r Access) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accesses = append(p.accesses, r)
	switch {
	case p.broken:
		return errors.New("rules unreadable")
	case r.Login && p.blocked[r.Client.IP().String()]:
		return fmt.Errorf("%w: address %s not allowed", ErrAccessDenied, r.Client.IP())
	case !r.Login && p.block:
		return fmt.Errorf("%w: temporarily blocked", ErrAccessDenied)
	}
	return nil
}

func (p *policy) IdleTimeout(_ context.Context, a actor.Actor) time.Duration {
	if a.Role == actor.RoleDomainAdmin {
		return p.idle
	}
	return 0
}

// The access rules' hooks: asked at login (with the address) and at every
// use; a refused use keeps the session (the rules may admit it again); a
// policy's auto logout shortens the idle time, never lengthens it.
func TestSessions_theAccessPolicyIsAskedAtLoginAndEveryUse(t *testing.T) {
	f := newSessions(t)
	p := &policy{blocked: map[string]bool{"198.51.100.7": true}, idle: 10 * time.Minute}
	f.s.Policy = p
	_, err := f.s.Login(f.ctx, Request{Address: "alice@example.test", Password: "pw", Remote: office, TLS: true}, "ko")
	if !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("login from a refused address: %v, want ErrAccessDenied", err)
	}
	sess := f.login(t, "alice@example.test")
	if _, err := f.load(t, sess.Token); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	if n := len(p.accesses); n != 3 || !p.accesses[0].Login || p.accesses[0].Client.IP().String() != "198.51.100.7" ||
		p.accesses[2].Login || p.accesses[2].Actor.AccountID != f.alice.ID || !p.accesses[2].At.Equal(f.clock.Now()) {
		t.Errorf("the policy saw %+v", p.accesses)
	}
	p.block = true
	p.mu.Unlock()
	if _, err := f.load(t, sess.Token); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("a use while blocked: %v, want ErrAccessDenied", err)
	}
	if err := f.s.Check(f.ctx, sess, Client{Remote: loopback}); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("Check while blocked: %v, want ErrAccessDenied", err)
	}
	p.mu.Lock()
	p.block, p.broken = false, false
	p.mu.Unlock()
	if _, err := f.load(t, sess.Token); err != nil {
		t.Fatalf("after the block: %v (the session should have stayed)", err)
	}
	p.mu.Lock()
	p.broken = true
	p.mu.Unlock()
	if _, err := f.load(t, sess.Token); err == nil {
		t.Fatal("a use admitted while the rules could not be read")
	}
	p.mu.Lock()
	p.broken = false
	p.mu.Unlock()

	// auto logout: the administrator's sessions after 10 minutes, alice's after Idle
	boss := f.login(t, "boss@example.test")
	f.clock.Add(11 * time.Minute)
	if _, err := f.load(t, boss.Token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("the policy's auto logout: %v, want ErrNoSession", err)
	}
	if _, err := f.load(t, sess.Token); err != nil {
		t.Fatalf("a session without auto logout after 11 min: %v", err)
	}
	p.idle = 24 * time.Hour // longer than Idle: no effect
	boss = f.login(t, "boss@example.test")
	f.clock.Add(DefaultIdle + time.Minute)
	if _, err := f.load(t, boss.Token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a policy lengthened the idle time: %v", err)
	}
}
