package store

import "context"

// PasswordStore changes a user's own password (S7) and ends his other
// web sessions with it.
type PasswordStore interface {
	// SetAccountPassword saves the account's password hash alone (an
	// administrator's change of other fields made meanwhile stays) and
	// removes the account's web sessions but keepSession (a token hash;
	// "" keeps none), whose Credential becomes credential: in one
	// transaction, so that no other session outlives the change. ErrNotFound.
	SetAccountPassword(ctx context.Context, accountID int64, hash, keepSession, credential string) error
}
