package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// AccountSettings implements store.SettingsStore.
func (s *Store) AccountSettings(ctx context.Context, accountID int64) (*store.AccountSettings, error) {
	st := store.AccountSettings{AccountID: accountID}
	var doc *string
	var version *int64
	err := s.pool.QueryRow(ctx, `SELECT a.display_name, a.language, a.time_zone, s.doc, s.version
		FROM accounts a LEFT JOIN account_settings s ON s.account_id = a.id WHERE a.id=$1`, accountID).
		Scan(&st.DisplayName, &st.Language, &st.TimeZone, &doc, &version)
	if err != nil {
		return nil, notFound(err)
	}
	if doc != nil {
		st.Doc = []byte(*doc)
	}
	if version != nil {
		st.Version = *version
	}
	return &st, nil
}

// SaveAccountSettings implements store.SettingsStore.
func (s *Store) SaveAccountSettings(ctx context.Context, st *store.AccountSettings) error {
	next := st.Version + 1
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE accounts SET display_name=$1, language=$2, time_zone=$3 WHERE id=$4`,
			st.DisplayName, st.Language, st.TimeZone, st.AccountID)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		var cur int64
		err = tx.QueryRow(ctx, `SELECT version FROM account_settings WHERE account_id=$1`, st.AccountID).Scan(&cur)
		switch {
		case err == pgx.ErrNoRows:
			cur = 0
		case err != nil:
			return err
		}
		if cur != st.Version {
			return store.ErrConflict
		}
		_, err = tx.Exec(ctx, `INSERT INTO account_settings (account_id, doc, version) VALUES ($1,$2,$3)
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
	return s.write(ctx, func(tx pgx.Tx) error {
		// expired tokens of everyone go on the way (resets are rare)
		if _, err := tx.Exec(ctx, `DELETE FROM password_resets WHERE expires_at < $1`, now()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO password_resets (token_hash, account_id, expires_at) VALUES ($1,$2,$3)`,
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
	err := s.pool.QueryRow(ctx, `SELECT account_id FROM password_resets WHERE token_hash=$1 AND expires_at > $2`,
		tokenHash, at.UTC().UnixNano()).Scan(&id)
	return id, notFound(err)
}

// UsePasswordReset implements store.PasswordResetStore.
func (s *Store) UsePasswordReset(ctx context.Context, tokenHash string, at time.Time) (int64, error) {
	var id int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT account_id FROM password_resets WHERE token_hash=$1 AND expires_at > $2`,
			tokenHash, at.UTC().UnixNano()).Scan(&id)
		if err != nil {
			return notFound(err)
		}
		_, err = tx.Exec(ctx, `DELETE FROM password_resets WHERE account_id=$1`, id)
		return err
	})
	return id, err
}
