package store

import (
	"context"
	"time"
)

// APITokenStore keeps the integration API's tokens (M14): each is a
// domain's, stored as the SHA-256 of its secret (the secret is shown once
// and never stored), and revoked rather than deleted so that the console
// can show who made and revoked what.
type APITokenStore interface {
	// CreateAPIToken stores t and sets its ID and Created. A hash already
	// stored is ErrExists.
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// APITokens lists a domain's tokens, revoked ones included, newest
	// first.
	APITokens(ctx context.Context, domainID int64) ([]APIToken, error)
	// APITokenByHash finds the live (not revoked) token with this hash.
	// ErrNotFound.
	APITokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// RevokeAPIToken revokes one of the domain's live tokens at at.
	// ErrNotFound (another domain's, or revoked already).
	RevokeAPIToken(ctx context.Context, domainID, id int64, at time.Time) error
	// TouchAPIToken records a use.
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
}

// APIToken is one integration token of a domain.
type APIToken struct {
	ID        int64
	DomainID  int64
	Name      string
	Hash      string // hex SHA-256 of the secret
	Prefix    string // the secret's first characters, to tell tokens apart
	CreatedBy string
	Created   time.Time
	LastUsed  time.Time // zero: never used
	Revoked   time.Time // zero: live
}
