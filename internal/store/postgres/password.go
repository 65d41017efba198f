package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// SetAccountPassword implements store.PasswordStore.
func (s *Store) SetAccountPassword(ctx context.Context, accountID int64, hash, keepSession, credential string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE accounts SET password_hash=$1 WHERE id=$2`, hash, accountID)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM web_sessions WHERE account_id=$1 AND token_hash<>$2`, accountID, keepSession); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE web_sessions SET credential=$1 WHERE account_id=$2 AND token_hash=$3`, credential, accountID, keepSession)
		return err
	})
}

// SentCopy implements store.SentCopyStore.
func (s *Store) SentCopy(ctx context.Context, accountID, mailboxID int64, messageID string, since time.Time) (*store.Message, error) {
	return scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageCols+` FROM messages
		WHERE account_id=$1 AND message_id=$2 AND mailbox_id=$3 AND internal_date>=$4 ORDER BY internal_date DESC, uid DESC LIMIT 1`,
		accountID, messageID, mailboxID, since.UTC().UnixNano()))
}
