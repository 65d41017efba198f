package store

import (
	"context"
	"errors"
	"time"
)

// ErrConflict is returned by a compare-and-swap write whose version is no
// longer the stored one: someone else changed the row meanwhile; the
// caller reads again and retries.
var ErrConflict = errors.New("store: changed meanwhile")

// SettingsStore keeps each account's own settings (S1–S8): one document
// per account, written by internal/settings, which alone knows its shape.
// The display name, language and time zone stay in the account's row
// (one value lives in one place) and are read and written with the
// document, under the document's version.
type SettingsStore interface {
	// AccountSettings reads the account's settings: the document (nil
	// when never saved), its version (0 then) and the account's display
	// name, language and time zone, all in one read. ErrNotFound.
	AccountSettings(ctx context.Context, accountID int64) (*AccountSettings, error)
	// SaveAccountSettings writes s.Doc and the account's display name,
	// language and time zone in one transaction if the stored version is
	// still s.Version, and sets s.Version to the new one. ErrConflict when
	// another save came in between (nothing written), ErrNotFound.
	SaveAccountSettings(ctx context.Context, s *AccountSettings) error
}

// AccountSettings is one account's settings as stored.
type AccountSettings struct {
	AccountID   int64
	Doc         []byte // JSON, internal/settings' shape
	Version     int64
	DisplayName string
	Language    string
	TimeZone    string
}

// PasswordResetStore keeps the one-time tokens of the "forgot password"
// flow (S1): only a hash of each token, with its account and expiry.
type PasswordResetStore interface {
	// CreatePasswordReset stores a token's hash for the account, valid
	// until expires.
	CreatePasswordReset(ctx context.Context, tokenHash string, accountID int64, expires time.Time) error
	// PasswordReset returns the account of a token hash still valid at
	// now. ErrNotFound when unknown, used or expired.
	PasswordReset(ctx context.Context, tokenHash string, now time.Time) (int64, error)
	// UsePasswordReset removes the token and every other token of its
	// account if it is still valid at now, and returns its account: a
	// token works once, even when two uses race. ErrNotFound.
	UsePasswordReset(ctx context.Context, tokenHash string, now time.Time) (int64, error)
}
