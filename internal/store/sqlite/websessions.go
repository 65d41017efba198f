package sqlite

import (
	"context"
	"database/sql"
	"time"

	"postroom/internal/store"
)

// CreateWebSession implements store.WebSessionStore.
func (s *Store) CreateWebSession(ctx context.Context, ws *store.WebSession) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO web_sessions (token_hash, csrf, account_id, language, created_at, last_seen)
			VALUES (?,?,?,?,?,?)`, ws.TokenHash, ws.CSRF, ws.AccountID, ws.Language, ws.CreatedAt.UTC().UnixNano(), ws.LastSeen.UTC().UnixNano())
		return err
	})
}

// WebSession implements store.WebSessionStore.
func (s *Store) WebSession(ctx context.Context, tokenHash string) (*store.WebSession, error) {
	var ws store.WebSession
	var created, seen int64
	err := s.db.QueryRowContext(ctx, `SELECT w.token_hash, w.csrf, w.account_id, w.language, w.created_at, w.last_seen, a.enabled
		FROM web_sessions w JOIN accounts a ON a.id = w.account_id WHERE w.token_hash=?`, tokenHash).
		Scan(&ws.TokenHash, &ws.CSRF, &ws.AccountID, &ws.Language, &created, &seen, &ws.AccountEnabled)
	if err != nil {
		return nil, notFound(err)
	}
	ws.CreatedAt, ws.LastSeen = fromNanos(created), fromNanos(seen)
	return &ws, nil
}

// TouchWebSession implements store.WebSessionStore.
func (s *Store) TouchWebSession(ctx context.Context, tokenHash string, at time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE web_sessions SET last_seen=? WHERE token_hash=?`, at.UTC().UnixNano(), tokenHash)
		return err
	})
}

// DeleteWebSession implements store.WebSessionStore.
func (s *Store) DeleteWebSession(ctx context.Context, tokenHash string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE token_hash=?`, tokenHash)
		return err
	})
}

// SetWebSessionsLanguage implements store.WebSessionStore.
func (s *Store) SetWebSessionsLanguage(ctx context.Context, accountID int64, language string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE web_sessions SET language=? WHERE account_id=?`, language, accountID)
		return err
	})
}

// DeleteIdleWebSessions implements store.WebSessionStore.
func (s *Store) DeleteIdleWebSessions(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE last_seen < ?`, before.UTC().UnixNano())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
