package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// RecordLogin implements store.AccessLog.
func (s *Store) RecordLogin(ctx context.Context, l *store.Login) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		t := now()
		if !l.Time.IsZero() {
			t = l.Time.UTC().UnixNano()
		}
		err := tx.QueryRow(ctx, `INSERT INTO logins (account_id, time, protocol, ip, success) VALUES ($1,$2,$3,$4,$5) RETURNING id`,
			l.AccountID, t, l.Protocol, l.IP, l.Success).Scan(&l.ID)
		if err != nil {
			return err
		}
		l.Time = fromNanos(t)
		return nil
	})
}

func scanLogin(row scanner) (*store.Login, error) {
	var l store.Login
	var t int64
	if err := row.Scan(&l.ID, &l.AccountID, &t, &l.Protocol, &l.IP, &l.Success); err != nil {
		return nil, err
	}
	l.Time = fromNanos(t)
	return &l, nil
}

// Logins implements store.AccessLog.
func (s *Store) Logins(ctx context.Context, accountID int64, limit int) ([]store.Login, error) {
	return queryAll(ctx, s.pool, scanLogin, `SELECT id, account_id, time, protocol, ip, success FROM logins
		WHERE account_id=$1 ORDER BY time DESC, id DESC LIMIT $2`, accountID, limit)
}

// LoginAddresses implements store.AccessLog.
func (s *Store) LoginAddresses(ctx context.Context, accountID int64, since time.Time, limit int) ([]string, error) {
	return queryAll(ctx, s.pool, func(row scanner) (*string, error) {
		var ip string
		return &ip, row.Scan(&ip)
	}, `SELECT ip FROM logins WHERE account_id=$1 AND success AND time>=$2 AND ip<>''
		GROUP BY ip ORDER BY max(time) DESC LIMIT $3`, accountID, since.UTC().UnixNano(), limit)
}
