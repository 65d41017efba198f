package sqlite

// The spam verdicts given at delivery (store.SpamVerdictStore).

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"postroom/internal/store"
)

// spamReasons is the reasons column: a JSON array, [] for none.
func spamReasons(reasons []string) ([]byte, error) {
	if reasons == nil {
		reasons = []string{}
	}
	return json.Marshal(reasons)
}

// SetSpamVerdict implements store.SpamVerdictStore.
func (s *Store) SetSpamVerdict(ctx context.Context, accountID int64, blobKey string, v store.SpamVerdict) error {
	doc, err := spamReasons(v.Reasons)
	if err != nil {
		return fmt.Errorf("spam verdict of account %d: %w", accountID, err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		return putSpamVerdict(ctx, tx, accountID, blobKey, v, doc)
	})
	if err != nil {
		return fmt.Errorf("record spam verdict of account %d: %w", accountID, err)
	}
	return nil
}

// putSpamVerdict records v, its reasons already encoded (spamReasons),
// in tx: SetSpamVerdict's, or a new message's (AppendMessage).
func putSpamVerdict(ctx context.Context, tx *sql.Tx, accountID int64, blobKey string, v store.SpamVerdict, reasons []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO spam_verdicts (account_id, blob_key, verdict, score, reasons) VALUES (?,?,?,?,?)`,
		accountID, blobKey, v.Verdict, v.Score, string(reasons))
	return err
}

// SpamVerdict implements store.SpamVerdictStore.
func (s *Store) SpamVerdict(ctx context.Context, accountID int64, blobKey string) (store.SpamVerdict, error) {
	var v store.SpamVerdict
	var doc string
	err := s.db.QueryRowContext(ctx, `SELECT verdict, score, reasons FROM spam_verdicts WHERE account_id = ? AND blob_key = ?`,
		accountID, blobKey).Scan(&v.Verdict, &v.Score, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return v, store.ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("spam verdict of account %d: %w", accountID, err)
	}
	if err := json.Unmarshal([]byte(doc), &v.Reasons); err != nil {
		return v, fmt.Errorf("spam verdict of account %d: reasons: %w", accountID, err)
	}
	return v, nil
}
