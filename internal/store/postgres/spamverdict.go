package postgres

// The spam verdicts given at delivery (store.SpamVerdictStore).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

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
	err = s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO spam_verdicts (account_id, blob_key, verdict, score, reasons) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (account_id, blob_key) DO UPDATE SET verdict=EXCLUDED.verdict, score=EXCLUDED.score, reasons=EXCLUDED.reasons`,
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
	err := s.pool.QueryRow(ctx, `SELECT verdict, score, reasons FROM spam_verdicts WHERE account_id = $1 AND blob_key = $2`,
		accountID, blobKey).Scan(&v.Verdict, &v.Score, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
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
