package postgres

// What administrators' mailbox copies copied (store.MailboxCopyStore).

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// CopiedMessages implements store.MailboxCopyStore.
func (s *Store) CopiedMessages(ctx context.Context, targetAccountID int64, sourceIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(sourceIDs))
	if len(sourceIDs) == 0 {
		return out, nil
	}
	ids, err := queryAll(ctx, s.pool, func(r scanner) (*int64, error) {
		var id int64
		return &id, r.Scan(&id)
	}, `SELECT source_message_id FROM mailbox_copies WHERE target_account_id = $1 AND source_message_id = ANY($2)`,
		targetAccountID, sourceIDs)
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
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO mailbox_copies (source_message_id, target_account_id, copied_at)
			VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`, sourceMessageID, targetAccountID, at.UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("record message %d copied into account %d: %w", sourceMessageID, targetAccountID, err)
	}
	return nil
}
