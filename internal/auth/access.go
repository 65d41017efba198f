package auth

import (
	"context"
	"errors"
	"time"

	"postroom/internal/actor"
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
