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

// SetSpamVerdict implements store.SpamVerdictStore.
func (s *Store) SetSpamVerdict(ctx context.Context, accountID int64, blobKey string, v store.SpamVerdict) error {
	reasons := v.Reasons
	if reasons == nil {
		reasons = []string{}
	}
	doc, err := json.Marshal(reasons)
	if err != nil {
		return fmt.Errorf("spam verdict of account %d: %w", accountID, err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO spam_verdicts (account_id, blob_key, verdict, score, reasons) VALUES (?,?,?,?,?)`,
			accountID, blobKey, v.Verdict, v.Score, string(doc))
		return err
	})
	if err != nil {
		return fmt.Errorf("record spam verdict of account %d: %w", accountID, err)
	}
	return nil
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
