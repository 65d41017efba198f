package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"postroom/internal/store"
	"postroom/internal/testbed/clock"
)

// limitsFixture is an Authenticator on a store hosting kim@example.test
// (password "right-pw"), on a clock of its own, whose password checks
// are counted and cost nothing (the hook compares the password only).
type limitsFixture struct {
	ctx    context.Context
	st     Store
	a      *Authenticator
	clock  *clock.Fake
	checks atomic.Int64
	kim    *store.Account
}

func newLimits(t testing.TB) *limitsFixture {
	t.Helper()
	st, d := newStore(t)
	f := &limitsFixture{ctx: context.Background(), st: st, clock: clock.At(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	hash := hashOf(t, "right-pw")
	f.kim = &store.Account{DomainID: d.ID, LocalPart: "kim", PasswordHash: hash, Enabled: true, ClientAccess: true}
	if err := st.CreateAccount(f.ctx, f.kim); err != nil {
		t.Fatal(err)
	}
	f.a = NewAuthenticator(st, true)
	f.a.Now = f.clock.Now
	f.a.MaxHashes = 64
	f.a.verify = func(_, password string) bool {
		f.checks.Add(1)
		return password == "right-pw"
	}
	return f
}

func from(ip string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000} }

func (f *limitsFixture) login(address, password, ip string, p Protocol) error {
	_, err := f.a.Login(f.ctx, Request{Address: address, Password: password, Protocol: p, Remote: from(ip)})
	return err
}

// The attack: many connections at once, from many addresses and
// over several protocols, guess one account's password. Exactly
// Limits.Account guesses are checked; the rest are refused before any
// hash, and the right password is refused too while the budget is spent,
// except from an address the owner logged in from before. After the
// window it is accepted from anywhere again.
func TestLogin_accountBudgetHoldsAcrossParallelAttempts(t *testing.T) {
	f := newLimits(t)
	if err := f.login("kim@example.test", "right-pw", "192.0.2.10", ProtoIMAP); err != nil {
		t.Fatalf("the owner's login from his office: %v", err)
	}
	f.checks.Store(0)
	const attackers = 60
	protocols := []Protocol{ProtoIMAP, ProtoPOP3, ProtoSMTP, ProtoWeb}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, attackers)
	for i := range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f.login("kim@example.test", fmt.Sprintf("guess-%d", i), fmt.Sprintf("203.0.113.%d", i+1), protocols[i%len(protocols)])
		}()
	}
	close(start)
	wg.Wait()
	var wrong, refused int
	for i, err := range errs {
		switch {
		case errors.Is(err, ErrInvalidCredentials):
			wrong++
		case errors.Is(err, ErrTooManyFailures):
			refused++
			if d := RetryAfter(err); d != DefaultLimits.Window {
				t.Errorf("attempt %d: RetryAfter %v, want the window %v", i, d, DefaultLimits.Window)
			}
		default:
			t.Errorf("attempt %d: %v", i, err)
		}
	}
	if limit := DefaultLimits.Account; wrong != limit || refused != attackers-limit || f.checks.Load() != int64(limit) {
		t.Fatalf("%d parallel guesses: %d checked wrong, %d refused, %d password checks; want %d, %d, %d",
			attackers, wrong, refused, f.checks.Load(), limit, attackers-limit, limit)
	}
	if err := f.login("kim@example.test", "right-pw", "203.0.113.200", ProtoIMAP); !errors.Is(err, ErrTooManyFailures) {
		t.Fatalf("the right password from a new address while the budget is spent: %v, want ErrTooManyFailures", err)
	}
	if n := f.checks.Load(); n != int64(DefaultLimits.Account) {
		t.Fatalf("refused attempts were checked: %d checks", n)
	}
	for _, p := range protocols {
		if err := f.login("kim@example.test", "right-pw", "192.0.2.10", p); err != nil {
			t.Fatalf("the owner from his usual address over %s during the attack: %v", p, err)
		}
	}
	f.clock.Add(DefaultLimits.Window + time.Second)
	if err := f.login("kim@example.test", "right-pw", "203.0.113.200", ProtoWeb); err != nil {
		t.Fatalf("the right password from a new address after the window: %v", err)
	}
}

// One address guessing many accounts (existing or not) is stopped by its
// own budget; another address is not.
func TestLogin_addressBudgetSpansAccounts(t *testing.T) {
	f := newLimits(t)
	limit := DefaultLimits.Address
	for i := range limit + 5 {
		err := f.login(fmt.Sprintf("user%d@example.test", i), "guess", "198.51.100.66", ProtoSMTP)
		want := ErrInvalidCredentials
		if i >= limit {
			want = ErrTooManyFailures
		}
		if !errors.Is(err, want) {
			t.Fatalf("guess %d: %v, want %v", i+1, err, want)
		}
	}
	if n := f.checks.Load(); n != int64(limit) {
		t.Errorf("%d password checks, want %d", n, limit)
	}
	if err := f.login("kim@example.test", "right-pw", "198.51.100.67", ProtoSMTP); err != nil {
		t.Errorf("another address: %v", err)
	}
}

// An address the owner logged in from keeps a budget of its own: his
// typos there spend it (and a success forgives them), guesses from
// elsewhere do not; the same address's budget for another account is the
// address's ordinary one.
func TestLogin_knownAddressKeepsItsOwnBudget(t *testing.T) {
	f := newLimits(t)
	const home = "192.0.2.10"
	if err := f.login("kim@example.test", "right-pw", home, ProtoPOP3); err != nil {
		t.Fatal(err)
	}
	for range DefaultLimits.KnownAddress - 1 {
		if err := f.login("kim@example.test", "typo", home, ProtoPOP3); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("a typo at home: %v", err)
		}
	}
	if err := f.login("kim@example.test", "right-pw", home, ProtoPOP3); err != nil {
		t.Fatalf("the right password after %d typos: %v", DefaultLimits.KnownAddress-1, err)
	}
	for i := range DefaultLimits.KnownAddress + 1 {
		err := f.login("kim@example.test", "typo", home, ProtoPOP3)
		if want := ErrInvalidCredentials; i == DefaultLimits.KnownAddress {
			if !errors.Is(err, ErrTooManyFailures) {
				t.Fatalf("typo %d at home: %v, want ErrTooManyFailures", i+1, err)
			}
		} else if !errors.Is(err, want) {
			t.Fatalf("typo %d at home after a success forgave the earlier ones: %v", i+1, err)
		}
	}
	// home's budget for kim is spent: the account's is not, nor home's own
	if err := f.login("kim@example.test", "right-pw", "203.0.113.9", ProtoPOP3); err != nil {
		t.Fatalf("from elsewhere: %v", err)
	}
	if err := f.login("lee@example.test", "guess", home, ProtoPOP3); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("another account from home: %v", err)
	}
}

// Right passwords never spend a budget, whatever refuses the login after
// the check.
func TestLogin_rightPasswordsDoNotSpend(t *testing.T) {
	f := newLimits(t)
	for i := range DefaultLimits.Account - 1 {
		if err := f.login("kim@example.test", "guess", fmt.Sprintf("203.0.113.%d", i+1), ProtoIMAP); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatal(err)
		}
	}
	f.kim.ClientAccess = false
	if err := f.st.UpdateAccount(f.ctx, f.kim); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := f.login("kim@example.test", "right-pw", fmt.Sprintf("198.51.100.%d", i+1), ProtoIMAP); !errors.Is(err, ErrClientAccessOff) {
			t.Fatalf("right password %d with clients off: %v", i+1, err)
		}
	}
	if err := f.login("kim@example.test", "guess", "203.0.113.99", ProtoIMAP); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("the last guess of the budget: %v", err)
	}
	if err := f.login("kim@example.test", "guess", "203.0.113.98", ProtoIMAP); !errors.Is(err, ErrTooManyFailures) {
		t.Fatalf("one guess over the budget: %v", err)
	}
}

// The password checks running at once are bounded: beyond the slots an
// attempt waits HashWait, then is refused with ErrBusy (RetryAfter set)
// without spending any budget.
func TestLogin_busyBeyondTheSlots(t *testing.T) {
	f := newLimits(t)
	f.a = NewAuthenticator(f.st, true)
	f.a.MaxHashes, f.a.HashWait = 2, 20*time.Millisecond
	release := make(chan struct{})
	var running atomic.Int64
	f.a.verify = func(_, _ string) bool {
		running.Add(1)
		<-release
		return false
	}
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.login("kim@example.test", "guess", fmt.Sprintf("203.0.113.%d", i+1), ProtoWeb); !errors.Is(err, ErrInvalidCredentials) {
				t.Errorf("a check that had a slot: %v", err)
			}
		}()
	}
	for running.Load() < 2 {
		time.Sleep(time.Millisecond) // until both hold their slot
	}
	err := f.login("kim@example.test", "guess", "203.0.113.3", ProtoWeb)
	if !errors.Is(err, ErrBusy) || RetryAfter(err) <= 0 {
		t.Fatalf("a third check while two run: %v (retry after %v), want ErrBusy", err, RetryAfter(err))
	}
	close(release)
	wg.Wait()
	if n, err := f.st.Hits(f.ctx, "login-account:kim@example.test", f.clock.Now().Add(-time.Hour)); err != nil || n != 2 {
		t.Fatalf("the account's budget holds %d failures (%v), want 2: a refused attempt spends nothing", n, err)
	}
}

// A protocol session's login ends when the account is suspended or
// removed, its password changes, or (for mail clients) their use is
// turned off; nothing else ends it.
func TestRecheck_endsWithTheAccountsChanges(t *testing.T) {
	f := newLimits(t)
	acct, err := f.a.Login(f.ctx, Request{Address: "kim@example.test", Password: "right-pw", Protocol: ProtoIMAP, Remote: from("192.0.2.10")})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.a.Recheck(f.ctx, acct, ProtoIMAP); err != nil {
		t.Fatalf("nothing changed: %v", err)
	}
	change := func(edit func(a *store.Account)) {
		t.Helper()
		a, err := f.st.Account(f.ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		edit(a)
		if err := f.st.UpdateAccount(f.ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	change(func(a *store.Account) { a.DisplayName, a.QuotaBytes = "김철수", 1<<30 })
	if err := f.a.Recheck(f.ctx, acct, ProtoIMAP); err != nil {
		t.Fatalf("a name and a quota changed: %v", err)
	}
	change(func(a *store.Account) { a.ClientAccess = false })
	if err := f.a.Recheck(f.ctx, acct, ProtoIMAP); !errors.Is(err, ErrLoginEnded) || !errors.Is(err, ErrClientAccessOff) {
		t.Fatalf("clients off, IMAP: %v", err)
	}
	if err := f.a.Recheck(f.ctx, acct, ProtoWeb); err != nil {
		t.Fatalf("clients off, web: %v", err)
	}
	change(func(a *store.Account) { a.ClientAccess, a.Enabled = true, false })
	if err := f.a.Recheck(f.ctx, acct, ProtoPOP3); !errors.Is(err, ErrLoginEnded) || !errors.Is(err, ErrSuspended) {
		t.Fatalf("suspended: %v", err)
	}
	change(func(a *store.Account) { a.Enabled = true })
	if err := f.a.Recheck(f.ctx, acct, ProtoSMTP); err != nil {
		t.Fatalf("enabled again: %v", err)
	}
	hash, _ := HashPassword("new-pw-2026")
	change(func(a *store.Account) { a.PasswordHash = hash })
	if err := f.a.Recheck(f.ctx, acct, ProtoSMTP); !errors.Is(err, ErrLoginEnded) {
		t.Fatalf("password changed: %v", err)
	}
	if err := f.st.DeleteAccount(f.ctx, acct.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.a.Recheck(f.ctx, acct, ProtoIMAP); !errors.Is(err, ErrLoginEnded) {
		t.Fatalf("removed: %v", err)
	}
}

func TestAddressGroup_IPv6CountsPerSlash64(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"2001:db8:1:2::5", "2001:db8:1:2:a:b:c:d"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
	} {
		if g, h := addressGroup(net.ParseIP(c.a)), addressGroup(net.ParseIP(c.b)); g != h {
			t.Errorf("%s is %q, %s is %q: want one group", c.a, g, c.b, h)
		}
	}
	if addressGroup(net.ParseIP("2001:db8:1:2::5")) == addressGroup(net.ParseIP("2001:db8:1:3::5")) {
		t.Error("two /64s are one group")
	}
	if addressGroup(net.ParseIP("192.0.2.1")) == addressGroup(net.ParseIP("192.0.2.2")) {
		t.Error("two IPv4 addresses are one group")
	}
}
