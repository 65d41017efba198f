package sqlite

import (
	"context"
	"database/sql"
	"time"

	"postroom/internal/store"
)

// SetAccountPassword implements store.PasswordStore.
func (s *Store) SetAccountPassword(ctx context.Context, accountID int64, hash, keepSession, credential string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash=? WHERE id=?`, hash, accountID)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE account_id=? AND token_hash<>?`, accountID, keepSession); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE web_sessions SET credential=? WHERE account_id=? AND token_hash=?`, credential, accountID, keepSession)
		return err
	})
}

// SentCopy implements store.SentCopyStore.
func (s *Store) SentCopy(ctx context.Context, accountID, mailboxID int64, messageID string, since time.Time) (*store.Message, error) {
	return scanMessage(s.db.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages
		WHERE account_id=? AND message_id=? AND mailbox_id=? AND internal_date>=? ORDER BY internal_date DESC, uid DESC LIMIT 1`,
		accountID, messageID, mailboxID, since.UTC().UnixNano()))
}
