package store

import (
	"context"
	"time"
)

// LoginLinkStore keeps the one-time login links of the integration API
// (M14): a program asks for one for a user, the user's browser opens it
// once, within minutes. Only the SHA-256 of the link's secret is stored.
type LoginLinkStore interface {
	// CreateLoginLink stores l. A hash already stored is ErrExists.
	CreateLoginLink(ctx context.Context, l *LoginLink) error
	// UseLoginLink marks the link with this hash used at at and returns
	// it, in one write that succeeds only while it is unused and expires
	// after at: of two uses at once, one wins. ErrNotFound when it is
	// unknown, used, expired, or its account is gone.
	UseLoginLink(ctx context.Context, hash string, at time.Time) (*LoginLink, error)
	// DeleteLoginLinks removes the links that expired before before (used
	// or not) and says how many.
	DeleteLoginLinks(ctx context.Context, before time.Time) (int, error)
}

// LoginLink is one login link of an account.
type LoginLink struct {
	Hash      string // hex SHA-256 of the secret
	AccountID int64
	DomainID  int64
	CreatedBy string // the administrator or "token NAME" who asked for it
	Expires   time.Time
	Used      time.Time // zero: not used
}
