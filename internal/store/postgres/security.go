package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// The security policy's storage (store.SecurityStore, M7–M12).

// DomainSecurity implements store.SecurityStore.
func (s *Store) DomainSecurity(ctx context.Context, domainID int64) ([]byte, error) {
	var doc *string
	err := s.pool.QueryRow(ctx, `SELECT p.doc FROM domains d LEFT JOIN domain_security p ON p.domain_id = d.id
		WHERE d.id=$1`, domainID).Scan(&doc)
	if err != nil {
		return nil, notFound(err)
	}
	if doc == nil {
		return nil, nil
	}
	return []byte(*doc), nil
}

// SaveDomainSecurity implements store.SecurityStore.
func (s *Store) SaveDomainSecurity(ctx context.Context, domainID int64, doc []byte) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM domains WHERE id=$1`, domainID).Scan(&one); err != nil {
			return notFound(err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO domain_security (domain_id, doc) VALUES ($1,$2)
			ON CONFLICT (domain_id) DO UPDATE SET doc=excluded.doc`, domainID, string(doc))
		return err
	})
}

// PasswordSetAt implements store.SecurityStore: the schema's triggers
// keep password_set with every change of an account's hash.
func (s *Store) PasswordSetAt(ctx context.Context, accountID int64) (time.Time, error) {
	var t int64
	err := s.pool.QueryRow(ctx, `SELECT set_at FROM password_set WHERE account_id=$1`, accountID).Scan(&t)
	if err != nil {
		return time.Time{}, notFound(err)
	}
	return fromNanos(t), nil
}

// LoginAddressesBetween implements store.SecurityStore.
func (s *Store) LoginAddressesBetween(ctx context.Context, accountID int64, since, before time.Time, limit int) ([]string, error) {
	return queryAll(ctx, s.pool, func(row scanner) (*string, error) {
		var ip string
		return &ip, row.Scan(&ip)
	}, `SELECT ip FROM logins WHERE account_id=$1 AND success AND time>=$2 AND time<$3 AND ip<>''
		GROUP BY ip ORDER BY max(time) DESC LIMIT $4`, accountID, since.UTC().UnixNano(), before.UTC().UnixNano(), limit)
}
