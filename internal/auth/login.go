package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"postroom/internal/actor"
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
)

// Request is one login attempt.
type Request struct {
	Address  string // full e-mail address
	Password string
	Protocol Protocol
	Remote   net.Addr
	TLS      bool
}

// Authenticator checks logins against the store. One is shared by every
// protocol adapter so that throttling sees all attempts.
type Authenticator struct {
	Store              Store
	Throttle           *Throttle
	AllowPlaintextAuth bool
	// sleep is replaced in tests.
	sleep func(context.Context, time.Duration)
}

// Store is what logins read and write.
type Store interface {
	store.AccountStore
	store.AccessLog
	// Operator finds a system operator by login name. ErrNotFound.
	Operator(ctx context.Context, name string) (*store.Operator, error)
}

// NewAuthenticator returns an Authenticator with a fresh Throttle.
func NewAuthenticator(s Store, allowPlaintext bool) *Authenticator {
	return &Authenticator{Store: s, Throttle: NewThrottle(), AllowPlaintextAuth: allowPlaintext}
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

// Login checks one attempt. A failed attempt is answered only after the
// throttle's delay, which grows with the recent failures from the address
// and against the account; a correct password is never delayed, so an
// office behind one NAT address is not punished for one user's typos.
func (a *Authenticator) Login(ctx context.Context, r Request) (*store.Account, error) {
	if !a.PlaintextAllowed(r.Remote, r.TLS) {
		return nil, ErrTLSRequired
	}
	ip := remoteIP(r.Remote)
	address := strings.ToLower(strings.TrimSpace(r.Address))
	fail := func() (*store.Account, error) {
		d := a.Throttle.Delay(ip, address)
		a.Throttle.Failed(ip, address)
		if d > 0 {
			a.wait(ctx, d)
		}
		return nil, ErrInvalidCredentials
	}
	acct, err := a.Store.AccountByAddress(ctx, address)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("login %s: %w", address, err)
		}
		VerifyPassword(dummyHash, r.Password) // same cost as a real check
		return fail()
	}
	if !VerifyPassword(acct.PasswordHash, r.Password) {
		a.record(ctx, acct, r, ip, false)
		return fail()
	}
	// Only a correct password learns why the account cannot log in; the
	// access log records the refusal.
	if !acct.Enabled {
		a.record(ctx, acct, r, ip, false)
		return nil, ErrSuspended
	}
	if r.Protocol != ProtoWeb && !acct.ClientAccess {
		a.record(ctx, acct, r, ip, false)
		return nil, ErrClientAccessOff
	}
	a.Throttle.Succeeded(ip, address)
	a.record(ctx, acct, r, ip, true)
	return acct, nil
}

// WebLogin is a login on the web login page, where the same form serves
// mail users (a full address) and the system operator (a name without
// "@", as printed at first start). It returns who logged in, and the
// account when it is a mail user.
func (a *Authenticator) WebLogin(ctx context.Context, r Request) (actor.Actor, *store.Account, error) {
	r.Protocol = ProtoWeb
	if !strings.Contains(r.Address, "@") {
		op, err := a.loginOperator(ctx, r)
		if err != nil {
			return actor.Actor{}, nil, err
		}
		return actor.Operator(op), nil, nil
	}
	acct, err := a.Login(ctx, r)
	if err != nil {
		return actor.Actor{}, nil, err
	}
	return actor.User(acct), acct, nil
}

// loginOperator checks an operator's password, throttled like an
// account's. Operators have no access log of their own (the log is per
// account); failures are logged for the server's operator to see.
func (a *Authenticator) loginOperator(ctx context.Context, r Request) (*store.Operator, error) {
	if !a.PlaintextAllowed(r.Remote, r.TLS) {
		return nil, ErrTLSRequired
	}
	ip := remoteIP(r.Remote)
	name := strings.ToLower(strings.TrimSpace(r.Address))
	op, err := a.Store.Operator(ctx, name)
	switch {
	case err == nil && VerifyPassword(op.PasswordHash, r.Password):
		a.Throttle.Succeeded(ip, name)
		slog.Info("operator login", "operator", name, "ip", ip)
		return op, nil
	case err == nil:
	case errors.Is(err, store.ErrNotFound):
		VerifyPassword(dummyHash, r.Password) // same cost as a real check
	default:
		return nil, fmt.Errorf("operator login %s: %w", name, err)
	}
	// not the name: a password typed into the wrong field would be logged
	slog.Warn("console login failed", "ip", ip)
	d := a.Throttle.Delay(ip, name)
	a.Throttle.Failed(ip, name)
	if d > 0 {
		a.wait(ctx, d)
	}
	return nil, ErrInvalidCredentials
}

// record writes the attempt to the account's access log (S8). A failure to
// record does not refuse the login.
func (a *Authenticator) record(ctx context.Context, acct *store.Account, r Request, ip net.IP, ok bool) {
	l := &store.Login{AccountID: acct.ID, Protocol: string(r.Protocol), Success: ok}
	if ip != nil {
		l.IP = ip.String()
	}
	if err := a.Store.RecordLogin(ctx, l); err != nil {
		slog.Error("record login", "account", acct.Address(), "err", err)
	}
}

func (a *Authenticator) wait(ctx context.Context, d time.Duration) {
	if a.sleep != nil {
		a.sleep(ctx, d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
