package auth

import (
	"context"
	"errors"
	"net"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// ErrAccessDenied: the access rules refuse this login or this use of a
// session. A policy's error wraps it and says which rule refused.
var ErrAccessDenied = errors.New("auth: refused by the access rules")

// AccessPolicy is where a domain's access rules plug in (the managements
// issue: allowed IP addresses, a time window, a temporary block, auto
// logout). Sessions ask it at every login and at every use of a session;
// with none, everyone is admitted and sessions end after Sessions.Idle.
type AccessPolicy interface {
	// Admit returns nil to let the access in, an error wrapping
	// ErrAccessDenied to refuse it, or another error when the rules
	// cannot be read (the access is refused too).
	Admit(ctx context.Context, r Access) error
	// IdleTimeout is how long a's sessions may stay unused before they
	// end (auto logout): 0 keeps the server's; it can shorten it only.
	IdleTimeout(ctx context.Context, a actor.Actor) time.Duration
}

// Access is one login or one use of a session, as the access rules see it.
type Access struct {
	Actor  actor.Actor
	Client Client
	At     time.Time // on the server's clock
	Login  bool      // a password was just checked; else a session is used
}

// PasswordAges is where a domain's password change interval plugs in
// (M11, Policies): Sessions asks it at login and at every use.
type PasswordAges interface {
	// PasswordExpired reports whether acct's password is older than its
	// domain allows at now, and whether the user may change it later.
	PasswordExpired(ctx context.Context, acct *store.Account, now time.Time) (expired, allowLater bool, err error)
}

// LoginWatcher hears of every web login of an account the access rules
// admitted (M12, Policies): before is a time on the access log's clock
// before this login was recorded. It reports nothing: a failure is its
// log's, never a refusal.
type LoginWatcher interface {
	WatchLogin(ctx context.Context, acct *store.Account, ip net.IP, before time.Time)
}
