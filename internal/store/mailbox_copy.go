package store

import (
	"context"
	"time"
)

// MailboxCopyStore remembers which messages an administrator's mailbox
// copy (M5) has copied into which account, so that running the copy
// again copies only what is new.
//
// A record names the source message by its id, which a message keeps
// when it is moved between folders (MOVE updates the row) and which is
// never given to another message. A record goes when the source message
// goes (there is nothing left to copy again) or the target account goes;
// it stays when the copy in the target is deleted: the target's owner
// threw it away, and a later run must not bring it back.
type MailboxCopyStore interface {
	// CopiedMessages reports which of the source message ids have been
	// copied into the target account.
	CopiedMessages(ctx context.Context, targetAccountID int64, sourceIDs []int64) (map[int64]bool, error)
	// RecordCopied records that the source message was copied into the
	// target account at at; recording it again changes nothing.
	RecordCopied(ctx context.Context, targetAccountID, sourceMessageID int64, at time.Time) error
}
