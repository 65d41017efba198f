package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

const filterCols = `id, account_id, position, name, enabled, rule, created_at, updated_at`

func scanFilter(r scanner) (*store.Filter, error) {
	var f store.Filter
	var enabled bool
	var rule string
	var created, updated int64
	if err := r.Scan(&f.ID, &f.AccountID, &f.Position, &f.Name, &enabled, &rule, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	f.Enabled, f.Rule = enabled, []byte(rule)
	f.CreatedAt, f.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &f, nil
}

// Filters implements store.FilterStore.
func (s *Store) Filters(ctx context.Context, accountID int64) ([]store.Filter, error) {
	fs, err := queryAll(ctx, s.pool, scanFilter, `SELECT `+filterCols+` FROM filters WHERE account_id=$1 ORDER BY position, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("filters of account %d: %w", accountID, err)
	}
	return fs, nil
}

// Filter implements store.FilterStore.
func (s *Store) Filter(ctx context.Context, accountID, id int64) (*store.Filter, error) {
	return scanFilter(s.pool.QueryRow(ctx, `SELECT `+filterCols+` FROM filters WHERE id=$1 AND account_id=$2`, id, accountID))
}

// CreateFilter implements store.FilterStore: the count, the position and
// the insert in one write transaction.
func (s *Store) CreateFilter(ctx context.Context, f *store.Filter, limit int) error {
	at := now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		// The account's row lock makes the count and the insert one step:
		// two creations at once would both see room for one more.
		if err := lockRow(ctx, tx, `SELECT 1 FROM accounts WHERE id=$1 FOR UPDATE`, f.AccountID); err != nil {
			return err
		}
		var n int
		var last *int64
		if err := tx.QueryRow(ctx, `SELECT count(*), max(position) FROM filters WHERE account_id=$1`, f.AccountID).Scan(&n, &last); err != nil {
			return err
		}
		if n >= limit {
			return store.ErrTooMany
		}
		pos := 0
		if last != nil {
			pos = int(*last) + 1
		}
		err := tx.QueryRow(ctx, `INSERT INTO filters (account_id, position, name, enabled, rule, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, f.AccountID, pos, f.Name, f.Enabled, string(f.Rule), at, at).Scan(&f.ID)
		if err != nil {
			return err
		}
		f.Position = pos
		return err
	})
	if err != nil {
		return fmt.Errorf("create filter of account %d: %w", f.AccountID, err)
	}
	f.CreatedAt, f.UpdatedAt = fromNanos(at), fromNanos(at)
	return nil
}

// UpdateFilter implements store.FilterStore.
func (s *Store) UpdateFilter(ctx context.Context, f *store.Filter) error {
	at := now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `UPDATE filters SET name=$1, enabled=$2, rule=$3, updated_at=$4 WHERE id=$5 AND account_id=$6`,
			f.Name, f.Enabled, string(f.Rule), at, f.ID, f.AccountID))
	})
	if err != nil {
		return fmt.Errorf("update filter %d: %w", f.ID, err)
	}
	f.UpdatedAt = fromNanos(at)
	return nil
}

// DeleteFilter implements store.FilterStore.
func (s *Store) DeleteFilter(ctx context.Context, accountID, id int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `DELETE FROM filters WHERE id=$1 AND account_id=$2`, id, accountID))
	})
	if err != nil {
		return fmt.Errorf("delete filter %d: %w", id, err)
	}
	return nil
}

// OrderFilters implements store.FilterStore: ids are checked against the
// account's filters inside the transaction that renumbers them, so that a
// filter created meanwhile makes the order incomplete, not lost.
func (s *Store) OrderFilters(ctx context.Context, accountID int64, ids []int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM filters WHERE account_id=$1`, accountID)
		if err != nil {
			return err
		}
		have := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			have[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) != len(have) {
			return store.ErrInvalid
		}
		seen := map[int64]bool{}
		for _, id := range ids {
			if !have[id] || seen[id] {
				return store.ErrInvalid
			}
			seen[id] = true
		}
		for pos, id := range ids {
			if _, err := tx.Exec(ctx, `UPDATE filters SET position=$1 WHERE id=$2 AND account_id=$3`, pos, id, accountID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("order filters of account %d: %w", accountID, err)
	}
	return nil
}
