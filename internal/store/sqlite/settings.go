package sqlite

import (
	"context"
	"database/sql"
	"time"

	"postroom/internal/store"
)

// AccountSettings implements store.SettingsStore.
func (s *Store) AccountSettings(ctx context.Context, accountID int64) (*store.AccountSettings, error) {
	st := store.AccountSettings{AccountID: accountID}
	var doc sql.NullString
	var version sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT a.display_name, a.language, a.time_zone, s.doc, s.version
		FROM accounts a LEFT JOIN account_settings s ON s.account_id = a.id WHERE a.id=?`, accountID).
		Scan(&st.DisplayName, &st.Language, &st.TimeZone, &doc, &version)
	if err != nil {
		return nil, notFound(err)
	}
	if doc.Valid {
		st.Doc = []byte(doc.String)
	}
	st.Version = version.Int64
	return &st, nil
}

// SaveAccountSettings implements store.SettingsStore.
func (s *Store) SaveAccountSettings(ctx context.Context, st *store.AccountSettings) error {
	next := st.Version + 1
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET display_name=?, language=?, time_zone=? WHERE id=?`,
			st.DisplayName, st.Language, st.TimeZone, st.AccountID)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		var cur int64
		err = tx.QueryRowContext(ctx, `SELECT version FROM account_settings WHERE account_id=?`, st.AccountID).Scan(&cur)
		switch {
		case err == sql.ErrNoRows:
			cur = 0
		case err != nil:
			return err
		}
		if cur != st.Version {
			return store.ErrConflict
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO account_settings (account_id, doc, version) VALUES (?,?,?)
			ON CONFLICT (account_id) DO UPDATE SET doc=excluded.doc, version=excluded.version`,
			st.AccountID, string(st.Doc), next)
		return err
	})
	if err == nil {
		st.Version = next
	}
	return err
}

// CreatePasswordReset implements store.PasswordResetStore.
func (s *Store) CreatePasswordReset(ctx context.Context, tokenHash string, accountID int64, expires time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		// expired tokens of everyone go on the way (resets are rare)
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE expires_at < ?`, now()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, account_id, expires_at) VALUES (?,?,?)`,
			tokenHash, accountID, expires.UTC().UnixNano())
		if isUnique(err) {
			return store.ErrExists
		}
		return err
	})
}

// PasswordReset implements store.PasswordResetStore.
func (s *Store) PasswordReset(ctx context.Context, tokenHash string, at time.Time) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT account_id FROM password_resets WHERE token_hash=? AND expires_at > ?`,
		tokenHash, at.UTC().UnixNano()).Scan(&id)
	return id, notFound(err)
}

// UsePasswordReset implements store.PasswordResetStore.
func (s *Store) UsePasswordReset(ctx context.Context, tokenHash string, at time.Time) (int64, error) {
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT account_id FROM password_resets WHERE token_hash=? AND expires_at > ?`,
			tokenHash, at.UTC().UnixNano()).Scan(&id)
		if err != nil {
			return notFound(err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM password_resets WHERE account_id=?`, id)
		return err
	})
	return id, err
}
