package postgres

// The integration API's tokens (store.APITokenStore).

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

const tokenCols = `id, domain_id, name, hash, prefix, created_by, created_at, last_used, revoked_at`

func scanToken(r scanner) (*store.APIToken, error) {
	var t store.APIToken
	var created, used, revoked int64
	if err := r.Scan(&t.ID, &t.DomainID, &t.Name, &t.Hash, &t.Prefix, &t.CreatedBy, &created, &used, &revoked); err != nil {
		return nil, notFound(err)
	}
	t.Created = fromNanos(created)
	if used != 0 {
		t.LastUsed = fromNanos(used)
	}
	if revoked != 0 {
		t.Revoked = fromNanos(revoked)
	}
	return &t, nil
}

// CreateAPIToken implements store.APITokenStore.
func (s *Store) CreateAPIToken(ctx context.Context, t *store.APIToken) error {
	at := now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (domain_id, name, hash, prefix, created_by, created_at, last_used, revoked_at)
			VALUES ($1,$2,$3,$4,$5,$6,0,0) RETURNING id`, t.DomainID, t.Name, t.Hash, t.Prefix, t.CreatedBy, at).Scan(&t.ID)
		if isUnique(err) {
			return store.ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create token %q: %w", t.Name, err)
	}
	t.Created = fromNanos(at)
	return nil
}

// APITokens implements store.APITokenStore.
func (s *Store) APITokens(ctx context.Context, domainID int64) ([]store.APIToken, error) {
	ts, err := queryAll(ctx, s.pool, scanToken, `SELECT `+tokenCols+` FROM api_tokens WHERE domain_id = $1 ORDER BY id DESC`, domainID)
	if err != nil {
		return nil, fmt.Errorf("tokens of domain %d: %w", domainID, err)
	}
	return ts, nil
}

// APITokenByHash implements store.APITokenStore.
func (s *Store) APITokenByHash(ctx context.Context, hash string) (*store.APIToken, error) {
	return scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = $1 AND revoked_at = 0`, hash))
}

// RevokeAPIToken implements store.APITokenStore.
func (s *Store) RevokeAPIToken(ctx context.Context, domainID, id int64, at time.Time) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND domain_id = $3 AND revoked_at = 0`, at.UnixNano(), id, domainID)
		if err != nil {
			return err
		}
		if res.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	return nil
}

// TouchAPIToken implements store.APITokenStore.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used = $1 WHERE id = $2`, at.UnixNano(), id)
		return err
	})
}
