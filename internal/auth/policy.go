package auth

// A domain's security policy (M7–M12), as its administrators set it in
// the console (internal/admin changes it; this file reads and enforces
// it): allowed IP addresses, the temporary block of everyone, a daily
// time window, auto logout, the password rules and the login watch.
//
// Invariants:
//   - M7–M10 apply to the webmail only (Sessions asks Admit and
//     IdleTimeout at a web login and at every use of a web session), and
//     only to users: a domain administrator and the operator are always
//     admitted, so that an administrator cannot lock himself out. IMAP,
//     POP3, SMTP and CardDAV logins (Authenticator.Login) never ask.
//   - The policy is read from the store at every use: a change made in
//     the console, on any node, holds at the next request.
//   - A domain that never saved a policy has DefaultSecurity: nothing
//     refused, the server's password rule (level 0).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Security is a domain's policy document, in the shape the store keeps
// and the console's API shows.
type Security struct {
	// AllowedIPs are the addresses and networks (CIDR, IPv4 or IPv6) a
	// user may use the webmail from (M7); empty: any.
	AllowedIPs []string `json:"allowed_ips"`
	// BlockAll refuses every user's webmail (M8).
	BlockAll bool `json:"block_all"`
	// TimeWindow is when users may not use the webmail (M9).
	TimeWindow TimeWindow `json:"time_window"`
	// AutoLogoutMinutes ends a user's web session unused for so long
	// (M10); 0: the server's idle time (DefaultIdle).
	AutoLogoutMinutes int `json:"auto_logout_minutes"`
	// PasswordPolicy is what a new password must be, and how long one
	// lasts (M11).
	PasswordPolicy PasswordRules `json:"password_policy"`
	// LoginWatch mails the administrators about a login from a new
	// network (M12).
	LoginWatch LoginWatch `json:"login_watch"`
}

// TimeWindow is a daily span, in the domain's time zone, during which
// users may not use the webmail: from DenyFrom to DenyTo, both minutes
// included ("HH:MM"); it wraps midnight when DenyFrom is later than
// DenyTo (18:01–08:59 allows 09:00–18:00 only).
type TimeWindow struct {
	Enabled  bool   `json:"enabled"`
	DenyFrom string `json:"deny_from"`
	DenyTo   string `json:"deny_to"`
}

// PasswordRules is the console's password policy (M11).
type PasswordRules struct {
	// Level is the complexity asked of a new password: 0 the server's
	// rule (until the console chooses a level), 1–3 the levels of
	// PasswordLevels.
	Level int `json:"level"`
	// ChangeDays makes a password older than this expire; 0: never.
	ChangeDays int `json:"change_days"`
	// AllowLater lets the user put the change off when it is due.
	AllowLater bool `json:"allow_later"`
}

// LoginWatch is the login watch (M12).
type LoginWatch struct {
	Enabled bool `json:"enabled"`
	// Days is how far back the logins looked at go.
	Days int `json:"days"`
	// Class is how much of the address must match a network used before:
	// "A" its /8, "B" its /16, "C" its /24 (IPv6: /32, /48, /64).
	Class string `json:"class"`
}

// DefaultSecurity is a domain's policy until its console saves one:
// nothing refused, the server's password rule, the watch off (with the
// values the console proposes when it is turned on).
func DefaultSecurity() Security {
	return Security{AllowedIPs: []string{}, TimeWindow: TimeWindow{DenyFrom: "18:01", DenyTo: "08:59"},
		PasswordPolicy: PasswordRules{AllowLater: true}, LoginWatch: LoginWatch{Days: 30, Class: "C"}}
}

// Access refusals, by the rule that refused (AccessError.Reason).
const (
	ReasonIPNotAllowed = "ip_not_allowed" // M7
	ReasonBlocked      = "blocked"        // M8
	ReasonOutsideHours = "outside_hours"  // M9
)

// AccessError is a refusal of the domain's access rules; it wraps
// ErrAccessDenied.
type AccessError struct {
	Reason string
}

func (e *AccessError) Error() string { return "auth: refused by the access rules: " + e.Reason }

func (e *AccessError) Unwrap() error { return ErrAccessDenied }

// AccessReason is why err refused an access ("" when it is no
// AccessError).
func AccessReason(err error) string {
	var ae *AccessError
	if errors.As(err, &ae) {
		return ae.Reason
	}
	return ""
}

// SecurityStore is what the policies read: the documents, the domains'
// time zones, the administrators to warn, the password ages and the
// access log.
type SecurityStore interface {
	store.SecurityStore
	DomainByID(ctx context.Context, id int64) (*store.Domain, error)
	Accounts(ctx context.Context, domainID int64) ([]store.Account, error)
}

// Policies enforces the domains' security policies: it is the
// AccessPolicy and the PasswordAges of Sessions, the PasswordPolicies of
// Passwords, and the LoginWatcher. Store is required; Mail sends the
// login watch's warnings (without it none is sent, and the log says so).
type Policies struct {
	Store SecurityStore
	Mail  func(ctx context.Context, to string, raw []byte) error
	Log   *slog.Logger
}

func (p *Policies) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}

// LoadSecurity reads a domain's policy: DefaultSecurity when none was
// saved. Fields the document lacks keep their defaults.
func LoadSecurity(ctx context.Context, s store.SecurityStore, domainID int64) (Security, error) {
	doc, err := s.DomainSecurity(ctx, domainID)
	if err != nil {
		return Security{}, fmt.Errorf("security policy of domain %d: %w", domainID, err)
	}
	sec := DefaultSecurity()
	if doc == nil {
		return sec, nil
	}
	if err := json.Unmarshal(doc, &sec); err != nil {
		return Security{}, fmt.Errorf("security policy of domain %d: %w", domainID, err)
	}
	if sec.AllowedIPs == nil {
		sec.AllowedIPs = []string{}
	}
	return sec, nil
}

// Admit implements AccessPolicy: a user's web login or session use is
// refused while the domain blocks everyone (M8), from an address outside
// the allowed ones (M7), or inside the time window (M9), in that order.
// Administrators and the operator are always admitted.
func (p *Policies) Admit(ctx context.Context, r Access) error {
	if r.Actor.Role != actor.RoleUser {
		return nil
	}
	sec, err := LoadSecurity(ctx, p.Store, r.Actor.DomainID)
	if err != nil {
		return err
	}
	if sec.BlockAll {
		return &AccessError{Reason: ReasonBlocked}
	}
	if len(sec.AllowedIPs) > 0 && !allowedIP(sec.AllowedIPs, r.Client.IP()) {
		return &AccessError{Reason: ReasonIPNotAllowed}
	}
	if sec.TimeWindow.Enabled {
		d, err := p.Store.DomainByID(ctx, r.Actor.DomainID)
		if err != nil {
			return fmt.Errorf("time zone of domain %d: %w", r.Actor.DomainID, err)
		}
		loc, err := time.LoadLocation(d.TimeZone)
		if err != nil {
			loc = time.UTC // a zone this system lacks: the window still holds, in UTC
		}
		if in, err := sec.TimeWindow.Denies(r.At.In(loc)); err != nil {
			return fmt.Errorf("time window of domain %s: %w", d.Name, err)
		} else if in {
			return &AccessError{Reason: ReasonOutsideHours}
		}
	}
	return nil
}

// IdleTimeout implements AccessPolicy: a user's sessions end after the
// domain's auto logout (M10); administrators keep the server's.
func (p *Policies) IdleTimeout(ctx context.Context, a actor.Actor) time.Duration {
	if a.Role != actor.RoleUser {
		return 0
	}
	sec, err := LoadSecurity(ctx, p.Store, a.DomainID)
	if err != nil {
		p.log().Warn("auto logout: reading the policy", "domain", a.DomainID, "err", err)
		return 0
	}
	return time.Duration(sec.AutoLogoutMinutes) * time.Minute
}

// PasswordPolicy implements PasswordPolicies: the domain's level and
// change interval.
func (p *Policies) PasswordPolicy(ctx context.Context, domainID int64) (PasswordPolicy, error) {
	sec, err := LoadSecurity(ctx, p.Store, domainID)
	if err != nil {
		return PasswordPolicy{}, err
	}
	return sec.PasswordPolicy.Policy(), nil
}

// PasswordExpired implements PasswordAges: acct's password was set
// longer ago than its domain's change interval.
func (p *Policies) PasswordExpired(ctx context.Context, acct *store.Account, now time.Time) (expired, allowLater bool, err error) {
	sec, err := LoadSecurity(ctx, p.Store, acct.DomainID)
	if err != nil {
		return false, false, err
	}
	rules := sec.PasswordPolicy
	if rules.ChangeDays <= 0 {
		return false, false, nil
	}
	set, err := p.Store.PasswordSetAt(ctx, acct.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, false, nil // removed meanwhile: the session ends elsewhere
	}
	if err != nil {
		return false, false, fmt.Errorf("password age of %s: %w", acct.Address(), err)
	}
	return now.Sub(set) >= time.Duration(rules.ChangeDays)*24*time.Hour, rules.AllowLater, nil
}

// allowedIP reports whether ip is in one of the networks (a malformed
// entry, which the console refuses, matches nothing).
func allowedIP(nets []string, ip net.IP) bool {
	addr, ok := netip.AddrFromSlice(ip)
	if !ok {
		return false
	}
	addr = addr.Unmap()
	for _, n := range nets {
		if pfx, err := ParseNetwork(n); err == nil && pfx.Contains(addr) {
			return true
		}
	}
	return false
}

// ParseNetwork reads an allowed address or network: a CIDR
// ("203.0.113.0/24", "2001:db8::/32") or one address (its /32 or /128).
func ParseNetwork(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if p.Addr().Is4In6() {
			return netip.Prefix{}, fmt.Errorf("%q: an IPv4-mapped network; write it as IPv4", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// ParseClock reads "HH:MM" (00:00–23:59) as minutes after midnight.
func ParseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q: not HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("%q: not a time of day HH:MM", s)
	}
	return hh*60 + mm, nil
}

// Denies reports whether the window refuses the time t (read in the
// zone t carries): its minute falls from DenyFrom to DenyTo, both
// included, across midnight when DenyFrom is the later.
func (w TimeWindow) Denies(t time.Time) (bool, error) {
	from, err := ParseClock(w.DenyFrom)
	if err != nil {
		return false, err
	}
	to, err := ParseClock(w.DenyTo)
	if err != nil {
		return false, err
	}
	m := t.Hour()*60 + t.Minute()
	if from <= to {
		return m >= from && m <= to, nil
	}
	return m >= from || m <= to, nil
}
