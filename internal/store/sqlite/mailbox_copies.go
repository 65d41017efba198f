package sqlite

// What administrators' mailbox copies copied (store.MailboxCopyStore).

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// CopiedMessages implements store.MailboxCopyStore.
func (s *Store) CopiedMessages(ctx context.Context, targetAccountID int64, sourceIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(sourceIDs))
	if len(sourceIDs) == 0 {
		return out, nil
	}
	list, err := json.Marshal(sourceIDs)
	if err != nil {
		return nil, err
	}
	ids, err := queryAll(ctx, s.db, func(r scanner) (*int64, error) {
		var id int64
		return &id, r.Scan(&id)
	}, `SELECT source_message_id FROM mailbox_copies WHERE target_account_id = ? AND source_message_id IN `+idList,
		targetAccountID, string(list))
	if err != nil {
		return nil, fmt.Errorf("messages copied into account %d: %w", targetAccountID, err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// RecordCopied implements store.MailboxCopyStore.
func (s *Store) RecordCopied(ctx context.Context, targetAccountID, sourceMessageID int64, at time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO mailbox_copies (source_message_id, target_account_id, copied_at)
			VALUES (?,?,?)`, sourceMessageID, targetAccountID, at.UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("record message %d copied into account %d: %w", sourceMessageID, targetAccountID, err)
	}
	return nil
}
