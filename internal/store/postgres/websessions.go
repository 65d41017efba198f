package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// CreateWebSession implements store.WebSessionStore.
func (s *Store) CreateWebSession(ctx context.Context, ws *store.WebSession) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO web_sessions (token_hash, csrf, account_id, operator_id, language, created_at, last_seen, credential)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, ws.TokenHash, ws.CSRF, ws.AccountID, ws.OperatorID, ws.Language,
			ws.CreatedAt.UTC().UnixNano(), ws.LastSeen.UTC().UnixNano(), ws.Credential)
		return err
	})
}

// WebSession implements store.WebSessionStore.
func (s *Store) WebSession(ctx context.Context, tokenHash string) (*store.WebSession, error) {
	var ws store.WebSession
	var created, seen int64
	// A session whose account or operator is gone is not found.
	err := s.pool.QueryRow(ctx, `SELECT w.token_hash, w.csrf, w.account_id, w.operator_id, w.language, w.created_at,
			w.last_seen, w.credential, CASE WHEN w.operator_id <> 0 THEN true ELSE a.enabled END
		FROM web_sessions w
		LEFT JOIN accounts a ON w.operator_id = 0 AND a.id = w.account_id
		LEFT JOIN operators o ON w.operator_id <> 0 AND o.id = w.operator_id
		WHERE w.token_hash=$1 AND (a.id IS NOT NULL OR o.id IS NOT NULL)`, tokenHash).
		Scan(&ws.TokenHash, &ws.CSRF, &ws.AccountID, &ws.OperatorID, &ws.Language, &created, &seen, &ws.Credential, &ws.AccountEnabled)
	if err != nil {
		return nil, notFound(err)
	}
	ws.CreatedAt, ws.LastSeen = fromNanos(created), fromNanos(seen)
	return &ws, nil
}

// TouchWebSession implements store.WebSessionStore.
func (s *Store) TouchWebSession(ctx context.Context, tokenHash string, at time.Time) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE web_sessions SET last_seen=$1 WHERE token_hash=$2`, at.UTC().UnixNano(), tokenHash)
		return err
	})
}

// DeleteWebSession implements store.WebSessionStore.
func (s *Store) DeleteWebSession(ctx context.Context, tokenHash string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM web_sessions WHERE token_hash=$1`, tokenHash)
		return err
	})
}

// SetWebSessionsLanguage implements store.WebSessionStore.
func (s *Store) SetWebSessionsLanguage(ctx context.Context, accountID int64, language string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE web_sessions SET language=$1 WHERE account_id=$2`, language, accountID)
		return err
	})
}

// SetWebSessionLanguage implements store.WebSessionStore.
func (s *Store) SetWebSessionLanguage(ctx context.Context, tokenHash, language string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE web_sessions SET language=$1 WHERE token_hash=$2`, language, tokenHash)
		return err
	})
}

// DeleteIdleWebSessions implements store.WebSessionStore.
func (s *Store) DeleteIdleWebSessions(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM web_sessions WHERE last_seen < $1`, before.UTC().UnixNano())
		if err != nil {
			return err
		}
		n = res.RowsAffected()
		return nil
	})
	return int(n), err
}
