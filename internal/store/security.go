package store

import (
	"context"
	"time"
)

// SecurityStore keeps what a domain's security policy (M7–M12) needs:
// the policy itself, one document per domain written by the admin
// service (internal/auth alone knows its shape), when each account's
// password was last set (M11's change interval), and the networks an
// account logged in from (M12's login watch).
type SecurityStore interface {
	// DomainSecurity reads the domain's policy document: nil when the
	// console never saved one. ErrNotFound when the domain does not exist.
	DomainSecurity(ctx context.Context, domainID int64) ([]byte, error)
	// SaveDomainSecurity replaces the domain's policy document.
	// ErrNotFound when the domain does not exist.
	SaveDomainSecurity(ctx context.Context, domainID int64, doc []byte) error
	// PasswordSetAt is when the account's password was last set: at the
	// account's creation, or whenever its hash changed since, by any
	// path (the backend records it with the hash, so that no path that
	// sets a password can forget it). ErrNotFound.
	PasswordSetAt(ctx context.Context, accountID int64) (time.Time, error)
	// LoginAddressesBetween lists the distinct addresses (Login.IP) of
	// the account's successful logins at or after since and strictly
	// before before, at most limit: the networks it used before a login
	// being checked.
	LoginAddressesBetween(ctx context.Context, accountID int64, since, before time.Time, limit int) ([]string, error)
}
