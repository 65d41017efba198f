package store

import (
	"context"
	"time"
)

// WebSessionStore keeps the webmail's logged-in browsers, so that a
// restart or another node behind the load balancer does not log anyone
// out. The cookie value itself is never stored: only its SHA-256.
type WebSessionStore interface {
	// CreateWebSession stores a session.
	CreateWebSession(ctx context.Context, s *WebSession) error
	// WebSession finds a session by the hash of its cookie value, with its
	// principal's state (AccountEnabled: the account is enabled, or the
	// operator still exists). ErrNotFound.
	WebSession(ctx context.Context, tokenHash string) (*WebSession, error)
	// TouchWebSession records that the session was used at at.
	TouchWebSession(ctx context.Context, tokenHash string, at time.Time) error
	// DeleteWebSession logs a session out. Unknown hashes are no error.
	DeleteWebSession(ctx context.Context, tokenHash string) error
	// SetWebSessionsLanguage makes every session of the account speak
	// language (the user changed his setting).
	SetWebSessionsLanguage(ctx context.Context, accountID int64, language string) error
	// SetWebSessionLanguage makes one session speak language (the
	// operator's console, which has no account setting).
	SetWebSessionLanguage(ctx context.Context, tokenHash, language string) error
	// DeleteIdleWebSessions removes the sessions last used before before
	// and returns how many.
	DeleteIdleWebSessions(ctx context.Context, before time.Time) (int, error)
}

// WebSession is one logged-in browser of the webmail, or of the system
// operator's console: exactly one of AccountID and OperatorID is set.
type WebSession struct {
	TokenHash  string // hex SHA-256 of the cookie value
	CSRF       string // the token state-changing requests must carry
	AccountID  int64
	OperatorID int64
	Language   string // of the messages the API answers with
	CreatedAt  time.Time
	LastSeen   time.Time
	// Credential is a fingerprint of the principal's password as it was
	// when the session began (auth.Sessions compares it with the current
	// one at every use: a changed password ends the session).
	Credential string
	// AccountEnabled is read with the session: a suspended account's
	// sessions stop at once. For an operator's session it is true while
	// the operator exists.
	AccountEnabled bool
}
