package store

import (
	"context"
	"time"
)

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

// SentCopyStore finds the copy submission kept in Sent of a message a
// mail client is about to save there itself (S2 "save sent mail").
type SentCopyStore interface {
	// SentCopy returns the newest message of the mailbox whose Message-ID
	// is messageID (as in Envelope.MessageID) and whose internal date is at
	// or after since. ErrNotFound.
	SentCopy(ctx context.Context, accountID, mailboxID int64, messageID string, since time.Time) (*Message, error)
}
