package postgres

// The integration API's one-time login links (store.LoginLinkStore).

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// CreateLoginLink implements store.LoginLinkStore.
func (s *Store) CreateLoginLink(ctx context.Context, l *store.LoginLink) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO login_links (hash, account_id, domain_id, created_by, expires_at, used_at)
			VALUES ($1,$2,$3,$4,$5,0)`, l.Hash, l.AccountID, l.DomainID, l.CreatedBy, l.Expires.UnixNano())
		if isUnique(err) {
			return store.ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create a login link of account %d: %w", l.AccountID, err)
	}
	return nil
}

// UseLoginLink implements store.LoginLinkStore: the condition and the
// mark are one statement, so that a link is used once however many
// requests race for it.
func (s *Store) UseLoginLink(ctx context.Context, hash string, at time.Time) (*store.LoginLink, error) {
	l := &store.LoginLink{Hash: hash, Used: at.UTC()}
	err := s.write(ctx, func(tx pgx.Tx) error {
		var expires int64
		err := tx.QueryRow(ctx, `UPDATE login_links SET used_at = $1
			WHERE hash = $2 AND used_at = 0 AND expires_at > $3
			RETURNING account_id, domain_id, created_by, expires_at`, at.UnixNano(), hash, at.UnixNano()).
			Scan(&l.AccountID, &l.DomainID, &l.CreatedBy, &expires)
		l.Expires = fromNanos(expires)
		return notFound(err)
	})
	if err != nil {
		return nil, fmt.Errorf("use a login link: %w", err)
	}
	return l, nil
}

// DeleteLoginLinks implements store.LoginLinkStore.
func (s *Store) DeleteLoginLinks(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM login_links WHERE expires_at < $1`, before.UnixNano())
		if err != nil {
			return err
		}
		n = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired login links: %w", err)
	}
	return int(n), nil
}
