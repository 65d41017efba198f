package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"postroom/internal/actor"
	"postroom/internal/metrics"
	"postroom/internal/store"
)

// Login refusals. Adapters translate them into their protocol's reply
// without looking at the text.
var (
	ErrInvalidCredentials = errors.New("auth: invalid address or password")
	// ErrSuspended: the account's service is OFF (M3).
	ErrSuspended = errors.New("auth: account suspended")
	// ErrClientAccessOff: "use mail clients" is OFF for this account (P7).
	ErrClientAccessOff = errors.New("auth: mail client access is turned off for this account")
	// ErrTLSRequired: a plain-text login over an unencrypted, non-loopback
	// connection while allow_plaintext_auth is off.
	ErrTLSRequired = errors.New("auth: encryption required for plain-text login")
)

// Protocol names a login path, as the access log shows it (S8).
type Protocol string

const (
	ProtoSMTP Protocol = "smtp"
	ProtoIMAP Protocol = "imap"
	ProtoPOP3 Protocol = "pop3"
	ProtoWeb  Protocol = "web"
	// ProtoMobile is the webmail on a phone or tablet: a web login that
	// the access log shows apart (S8), under the same rules as ProtoWeb.
	ProtoMobile Protocol = "mobile"
	// ProtoCardDAV is a phone's or a desktop's address book syncing over
	// CardDAV (C1): a mail client for every rule (the "use mail clients"
	// switch applies, as to IMAP), shown apart in the access log.
	ProtoCardDAV Protocol = "carddav"
)

// Web reports whether p is the webmail's, on a computer or a phone: not
// a mail client, so the "use mail clients" switch does not apply.
func (p Protocol) Web() bool { return p == ProtoWeb || p == ProtoMobile }

// Request is one login attempt.
type Request struct {
	Address  string // full e-mail address
	Password string
	Protocol Protocol
	Remote   net.Addr
	TLS      bool
}

// Authenticator checks logins against the store. One is shared by every
// protocol adapter, so that the limits see every attempt (limits.go) and
// the password checks of all protocols share one bounded set of slots
// (hashes.go). Store is required; the other fields may be left zero.
type Authenticator struct {
	Store              Store
	AllowPlaintextAuth bool
	// Limits are the budgets of failed logins (zero fields: DefaultLimits).
	Limits Limits
	// MaxHashes is how many password checks run at once
	// (0: DefaultMaxHashes()); HashWait how long an attempt waits for one
	// (0: DefaultHashWait) before ErrBusy.
	MaxHashes int
	HashWait  time.Duration
	Now       func() time.Time // nil: time.Now
	Log       *slog.Logger     // nil: slog.Default()

	slotsOnce sync.Once
	slots     chan struct{}
	use       hashUse
	verified  verified // correct passwords remembered (verified.go)
	held      held     // logins found to hold, at one login epoch (recheck.go)
	// verify replaces VerifyPassword in tests (to hold a slot).
	verify func(hash, password string) bool
}

// Store is what logins read and write: accounts, the access log (where
// the owner logs in from) and the limits' counters.
type Store interface {
	store.AccountStore
	store.AccessLog
	store.LimitStore
	// Operator finds a system operator by login name. ErrNotFound.
	Operator(ctx context.Context, name string) (*store.Operator, error)
	// DomainByID reads an account's domain (the operator's hold). ErrNotFound.
	DomainByID(ctx context.Context, id int64) (*store.Domain, error)
}

// NewAuthenticator returns an Authenticator with the house limits.
func NewAuthenticator(s Store, allowPlaintext bool) *Authenticator {
	return &Authenticator{Store: s, AllowPlaintextAuth: allowPlaintext}
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Authenticator) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

// PlaintextAllowed reports whether a password may be sent on this connection:
// over TLS, from loopback, or when the operator allowed it.
func (a *Authenticator) PlaintextAllowed(remote net.Addr, tls bool) bool {
	return tls || a.AllowPlaintextAuth || IsLoopback(remote)
}

// IsLoopback reports whether addr is a loopback address.
func IsLoopback(addr net.Addr) bool {
	ip := remoteIP(addr)
	return ip != nil && ip.IsLoopback()
}

func remoteIP(addr net.Addr) net.IP {
	switch a := addr.(type) {
	case *net.TCPAddr:
		return a.IP
	case nil:
		return nil
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return nil
	}
	return net.ParseIP(host)
}

// Login checks one attempt. Before its password is checked, the attempt
// must fit in the budgets of failed logins (ErrTooManyFailures) and get a
// password check slot (ErrBusy); a wrong password spends the budgets, a
// correct one does not (limits.go). A nonexistent address costs the same
// as a real one (a check against a dummy hash, the same budgets), so
// that neither the answer nor its time tells whether it exists.
func (a *Authenticator) Login(ctx context.Context, r Request) (*store.Account, error) {
	acct, err := a.login(ctx, r)
	metrics.Login(string(r.Protocol), err == nil)
	return acct, err
}

func (a *Authenticator) login(ctx context.Context, r Request) (*store.Account, error) {
	if !a.PlaintextAllowed(r.Remote, r.TLS) {
		return nil, ErrTLSRequired
	}
	ip := remoteIP(r.Remote)
	address := strings.ToLower(strings.TrimSpace(r.Address))
	acct, err := a.Store.AccountByAddress(ctx, address)
	switch {
	case errors.Is(err, store.ErrNotFound):
		acct = nil
	case err != nil:
		return nil, fmt.Errorf("login %s: %w", address, err)
	}
	known := false
	hash := dummyHash
	if acct != nil {
		if known, err = a.known(ctx, acct.ID, ip); err != nil {
			return nil, fmt.Errorf("login %s: %w", address, err)
		}
		hash = acct.PasswordHash
	}
	res, err := a.reserve(ctx, a.Limits.withDefaults().budgets(address, ip, known))
	if err != nil {
		return nil, err
	}
	ok, err := a.checkPassword(ctx, hash, r.Password)
	if err != nil {
		res.takeBack(ctx)
		return nil, err
	}
	if !ok || acct == nil {
		if acct != nil {
			a.record(ctx, acct, r, ip, false)
		}
		return nil, ErrInvalidCredentials
	}
	res.succeeded(ctx)
	// Only a correct password learns why the account cannot log in; the
	// access log records the refusal.
	if err := a.suspended(ctx, acct); err != nil {
		if errors.Is(err, ErrSuspended) {
			a.record(ctx, acct, r, ip, false)
		}
		return nil, err
	}
	if !r.Protocol.Web() && !acct.ClientAccess {
		a.record(ctx, acct, r, ip, false)
		return nil, ErrClientAccessOff
	}
	a.record(ctx, acct, r, ip, true)
	return acct, nil
}

// suspended answers an error wrapping ErrSuspended when acct may not log
// in at all: its own service is OFF (M3) or the operator put its domain
// on hold (issue 16). Every login and every recheck of one asks here, so
// both holds reach every protocol. Another error: the store cannot tell.
func (a *Authenticator) suspended(ctx context.Context, acct *store.Account) error {
	if !acct.Enabled {
		return ErrSuspended
	}
	d, err := a.Store.DomainByID(ctx, acct.DomainID)
	if err != nil {
		return fmt.Errorf("the domain of %s: %w", acct.Address(), err)
	}
	if d.Suspended {
		return fmt.Errorf("%w: the domain %s is on hold", ErrSuspended, d.Name)
	}
	return nil
}

// WebLogin is a login on the web login page, where the same form serves
// mail users (a full address) and the system operator (a name without
// "@", as printed at first start). It returns who logged in, and the
// account when it is a mail user.
func (a *Authenticator) WebLogin(ctx context.Context, r Request) (actor.Actor, *store.Account, error) {
	p, acct, _, err := a.webLogin(ctx, r)
	return p, acct, err
}

// webLogin is WebLogin that also returns the password hash it checked
// (a session keeps its fingerprint: session.go).
func (a *Authenticator) webLogin(ctx context.Context, r Request) (actor.Actor, *store.Account, string, error) {
	if r.Protocol != ProtoMobile {
		r.Protocol = ProtoWeb
	}
	if !strings.Contains(r.Address, "@") {
		op, err := a.loginOperator(ctx, r)
		if err != nil {
			return actor.Actor{}, nil, "", err
		}
		return actor.Operator(op), nil, op.PasswordHash, nil
	}
	acct, err := a.Login(ctx, r)
	if err != nil {
		return actor.Actor{}, nil, "", err
	}
	return actor.User(acct), acct, acct.PasswordHash, nil
}

// loginOperator checks an operator's password, within the same limits
// as an account's. Operators have no access log of their own (the log is
// per account), so no address is known for them: the command line, which
// no limit applies to, is the operator's way in while his console's
// budget is spent. Failures are logged for the server's operator to see.
func (a *Authenticator) loginOperator(ctx context.Context, r Request) (*store.Operator, error) {
	if !a.PlaintextAllowed(r.Remote, r.TLS) {
		return nil, ErrTLSRequired
	}
	ip := remoteIP(r.Remote)
	name := strings.ToLower(strings.TrimSpace(r.Address))
	op, err := a.Store.Operator(ctx, name)
	hash := dummyHash
	switch {
	case err == nil:
		hash = op.PasswordHash
	case errors.Is(err, store.ErrNotFound):
		op = nil
	default:
		return nil, fmt.Errorf("operator login %s: %w", name, err)
	}
	res, err := a.reserve(ctx, a.Limits.withDefaults().budgets(name, ip, false))
	if err != nil {
		return nil, err
	}
	ok, err := a.checkPassword(ctx, hash, r.Password)
	if err != nil {
		res.takeBack(ctx)
		return nil, err
	}
	if ok && op != nil {
		res.succeeded(ctx)
		a.log().Info("operator login", "operator", name, "ip", ip)
		return op, nil
	}
	// not the name: a password typed into the wrong field would be logged
	a.log().Warn("console login failed", "ip", ip)
	return nil, ErrInvalidCredentials
}

// record writes the attempt to the account's access log (S8). A failure to
// record does not refuse the login.
func (a *Authenticator) record(ctx context.Context, acct *store.Account, r Request, ip net.IP, ok bool) {
	l := &store.Login{AccountID: acct.ID, Time: a.now(), Protocol: string(r.Protocol), Success: ok}
	if ip != nil {
		l.IP = ip.String()
	}
	if err := a.Store.RecordLogin(ctx, l); err != nil {
		slog.Error("record login", "account", acct.Address(), "err", err)
	}
}
