package auth

// Login protection (README, "Login protection"): failed password checks
// are capped per source address and per account, counted in the store's
// rate-limit counters (store.LimitStore), so that a cap holds across
// connections, protocols, processes and (later) nodes.
//
// Invariants:
//   - A budget is asked, and the attempt reserved in it, before the
//     password is hashed: parallel connections cannot run more checks
//     than a budget holds (a reservation that finds the budget spent is
//     taken back, and the attempt refused without a hash).
//   - Only wrong passwords count: a correct password takes its
//     reservations back, whatever refuses the login afterwards
//     (suspended, clients off, access rules).
//   - An address the account logged in from successfully within
//     Limits.KnownFor (the access log) has a budget of its own for that
//     account, which guesses from elsewhere cannot spend: an attacker
//     cannot lock the owner out of the places he usually logs in from.
//     Guesses from such an address do not spend the address's budget
//     either (an office behind one NAT address is many owners).
//   - Refused attempts are not counted and write nothing: a spent budget
//     fills again as its failures leave the window, whatever the attacker
//     keeps sending.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Limits are the budgets of failed logins. The zero value of a field
// takes DefaultLimits' value.
type Limits struct {
	// Window is the sliding window the budgets count failures in.
	Window time.Duration
	// Address: failures from one source address (an IPv6 /64) against
	// accounts it is not known for.
	Address int
	// Account: failures against one account from every address not known
	// for it, together.
	Account int
	// KnownAddress: failures against one account from one address known
	// for it.
	KnownAddress int
	// KnownFor: an address is known for an account while its last
	// successful login from there is at most this old.
	KnownFor time.Duration
}

// DefaultLimits are the house budgets: at most 10 wrong passwords per
// account in 15 minutes from the whole internet (960 a day, where the
// attack of issue 13 made 864,000), 10 more from each address its owner
// uses, 30 per source address over all accounts.
var DefaultLimits = Limits{Window: 15 * time.Minute, Address: 30, Account: 10, KnownAddress: 10, KnownFor: 30 * 24 * time.Hour}

// knownAddresses bounds how many of an account's recent addresses are
// read to decide whether one is known.
const knownAddresses = 100

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.Window > 0 {
		d.Window = l.Window
	}
	if l.Address > 0 {
		d.Address = l.Address
	}
	if l.Account > 0 {
		d.Account = l.Account
	}
	if l.KnownAddress > 0 {
		d.KnownAddress = l.KnownAddress
	}
	if l.KnownFor > 0 {
		d.KnownFor = l.KnownFor
	}
	return d
}

// ErrTooManyFailures: a budget of failed logins is spent (of the source
// address or of the account); the attempt was refused before its
// password was checked. Temporary: RetryAfter says for how long at most.
var ErrTooManyFailures = errors.New("auth: too many failed logins, try again later")

// addressGroup is what a source address counts as: itself, or for IPv6
// its /64 (one subscriber's network: its hosts pick new addresses in it
// at will).
func addressGroup(ip net.IP) string {
	if ip == nil {
		return ""
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// budget is one counter an attempt must fit in.
type budget struct {
	key   string
	max   int
	known bool // a known address's own budget
}

// budgets are the counters an attempt against name (an address, or the
// operator's name) from ip spends: the known address's own, or the
// address's and the account's.
func (l Limits) budgets(name string, ip net.IP, known bool) []budget {
	group := addressGroup(ip)
	if known {
		return []budget{{"login-known:" + name + " " + group, l.KnownAddress, true}}
	}
	b := []budget{{key: "login-account:" + name, max: l.Account}}
	if group != "" {
		b = append(b, budget{key: "login-ip:" + group, max: l.Address})
	}
	return b
}

// known reports whether the account logged in successfully from ip's
// group within KnownFor.
func (a *Authenticator) known(ctx context.Context, accountID int64, ip net.IP) (bool, error) {
	if ip == nil {
		return false, nil
	}
	l := a.Limits.withDefaults()
	addrs, err := a.Store.LoginAddresses(ctx, accountID, a.now().Add(-l.KnownFor), knownAddresses)
	if err != nil {
		return false, fmt.Errorf("the addresses of account %d: %w", accountID, err)
	}
	group := addressGroup(ip)
	for _, s := range addrs {
		if addressGroup(net.ParseIP(s)) == group {
			return true, nil
		}
	}
	return false, nil
}

// reservation is an attempt counted in its budgets before its password is
// checked: kept when the password is wrong, taken back when it is right.
type reservation struct {
	a       *Authenticator
	at      time.Time
	since   time.Time
	budgets []budget
	taken   int // how many budgets hold the reservation
}

// reserve counts one attempt in every budget, or refuses it
// (ErrTooManyFailures) when one is spent, counting nothing.
func (a *Authenticator) reserve(ctx context.Context, budgets []budget) (*reservation, error) {
	l := a.Limits.withDefaults()
	now := a.now()
	r := &reservation{a: a, at: now, since: now.Add(-l.Window), budgets: budgets}
	// a read first: an attacker's refused attempts write nothing
	for _, b := range budgets {
		n, err := a.Store.Hits(ctx, b.key, r.since)
		if err != nil {
			return nil, err
		}
		if n >= b.max {
			return nil, tryLater(ErrTooManyFailures, l.Window)
		}
	}
	for _, b := range budgets {
		n, err := a.Store.AddHits(ctx, b.key, 1, r.at, r.since)
		if err != nil {
			r.takeBack(ctx)
			return nil, err
		}
		r.taken++
		if n > b.max { // parallel attempts took the rest meanwhile
			r.takeBack(ctx)
			return nil, tryLater(ErrTooManyFailures, l.Window)
		}
	}
	return r, nil
}

// takeBack removes the reservation from its budgets: the attempt was not
// a failure (the password was right), or it never ran. A failure to write
// leaves the hit counted: it fades with the window.
func (r *reservation) takeBack(ctx context.Context) {
	for _, b := range r.budgets[:r.taken] {
		if _, err := r.a.Store.AddHits(context.WithoutCancel(ctx), b.key, -1, r.at, r.since); err != nil {
			r.a.log().Warn("login limits: taking back a reservation", "key", b.key, "err", err)
		}
	}
	r.taken = 0
}

// succeeded takes the reservation back after a correct password: from
// the address's and the account's budgets alone (one success must not
// reset a guesser's budget), while a known address's budget is cleared
// with it (its owner's typos are forgiven).
func (r *reservation) succeeded(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for _, b := range r.budgets[:r.taken] {
		var err error
		if b.known {
			err = r.a.Store.ClearHits(ctx, b.key)
		} else {
			_, err = r.a.Store.AddHits(ctx, b.key, -1, r.at, r.since)
		}
		if err != nil {
			r.a.log().Warn("login limits: taking back a reservation", "key", b.key, "err", err)
		}
	}
	r.taken = 0
}

// retryError is a temporary refusal with the time after which trying
// again makes sense.
type retryError struct {
	err   error
	after time.Duration
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

func tryLater(err error, after time.Duration) error { return &retryError{err: err, after: after} }

// RetryAfter is how long a client refused with ErrBusy or
// ErrTooManyFailures should wait before trying again (at most; the web
// sends it as Retry-After); 0 for other errors.
func RetryAfter(err error) time.Duration {
	var re *retryError
	if errors.As(err, &re) {
		return re.after
	}
	return 0
}
