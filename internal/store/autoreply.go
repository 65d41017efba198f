package store

import (
	"context"
	"time"
)

// AutoReplyStore remembers whom an account's out-of-office message
// answered and when (S2, RFC 3834 §2: one reply per sender per period),
// so that restarts and other nodes do not answer the same sender again.
type AutoReplyStore interface {
	// ClaimAutoReply records that accountID answers sender (compared
	// case-insensitively) at at, unless it answered that sender at or
	// after since; it reports whether the caller may answer. Two callers
	// claiming at once: one gets true. An account's log is deleted with
	// the account.
	ClaimAutoReply(ctx context.Context, accountID int64, sender string, at, since time.Time) (bool, error)
}
