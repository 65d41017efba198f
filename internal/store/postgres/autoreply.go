package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ClaimAutoReply implements store.AutoReplyStore: one row per account and
// sender, replaced only when its last reply is older than since, in one
// statement (no read-then-write race between two deliveries).
func (s *Store) ClaimAutoReply(ctx context.Context, accountID int64, sender string, at, since time.Time) (bool, error) {
	var claimed bool
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO auto_replies (account_id, sender, at) VALUES ($1,$2,$3)
			ON CONFLICT (account_id, sender) DO UPDATE SET at=excluded.at WHERE auto_replies.at<$4`,
			accountID, strings.ToLower(sender), at.UTC().UnixNano(), since.UTC().UnixNano())
		if err != nil {
			return err
		}
		n := res.RowsAffected()
		claimed = n > 0
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("auto-reply of account %d to %s: %w", accountID, sender, err)
	}
	return claimed, nil
}
