package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ClaimAutoReply implements store.AutoReplyStore: one row per account and
// sender, replaced only when its last reply is older than since, in one
// statement (no read-then-write race between two deliveries).
func (s *Store) ClaimAutoReply(ctx context.Context, accountID int64, sender string, at, since time.Time) (bool, error) {
	var claimed bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO auto_replies (account_id, sender, at) VALUES (?,?,?)
			ON CONFLICT (account_id, sender) DO UPDATE SET at=excluded.at WHERE auto_replies.at<?`,
			accountID, strings.ToLower(sender), at.UTC().UnixNano(), since.UTC().UnixNano())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("auto-reply of account %d to %s: %w", accountID, sender, err)
	}
	return claimed, nil
}
