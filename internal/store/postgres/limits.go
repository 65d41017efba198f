package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AddHits implements store.LimitStore.
func (s *Store) AddHits(ctx context.Context, key string, n int, at, since time.Time) (int, error) {
	var hits int
	err := s.write(ctx, func(tx pgx.Tx) error {
		// the key's own expired rows go now: a busy key stays small
		if _, err := tx.Exec(ctx, `DELETE FROM limit_hits WHERE key=$1 AND at<$2`, key, since.UTC().UnixNano()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO limit_hits (key, at, n) VALUES ($1,$2,$3)`, key, at.UTC().UnixNano(), n); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM limit_hits WHERE key=$1 AND at>=$2`,
			key, since.UTC().UnixNano()).Scan(&hits)
	})
	if err != nil {
		return 0, fmt.Errorf("limit %s: %w", key, err)
	}
	return hits, nil
}

// Hits implements store.LimitStore.
func (s *Store) Hits(ctx context.Context, key string, since time.Time) (int, error) {
	var hits int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM limit_hits WHERE key=$1 AND at>=$2`,
		key, since.UTC().UnixNano()).Scan(&hits)
	if err != nil {
		return 0, fmt.Errorf("limit %s: %w", key, err)
	}
	return hits, nil
}

// ClearHits implements store.LimitStore.
func (s *Store) ClearHits(ctx context.Context, key string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM limit_hits WHERE key=$1`, key)
		return err
	})
}

// TrimHits implements store.LimitStore.
func (s *Store) TrimHits(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM limit_hits WHERE at<$1`, before.UTC().UnixNano())
		if err != nil {
			return err
		}
		n = res.RowsAffected()
		return nil
	})
	return int(n), err
}
