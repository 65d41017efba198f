package sqlite

import (
	"context"
	"database/sql"
	"time"

	"postroom/internal/store"
)

// RecordLogin implements store.AccessLog.
func (s *Store) RecordLogin(ctx context.Context, l *store.Login) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		t := now()
		if !l.Time.IsZero() {
			t = l.Time.UTC().UnixNano()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO logins (account_id, time, protocol, ip, success) VALUES (?,?,?,?,?)`,
			l.AccountID, t, l.Protocol, l.IP, boolInt(l.Success))
		if err != nil {
			return err
		}
		l.ID, _ = res.LastInsertId()
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
	return queryAll(ctx, s.db, scanLogin, `SELECT id, account_id, time, protocol, ip, success FROM logins
		WHERE account_id=? ORDER BY time DESC, id DESC LIMIT ?`, accountID, limit)
}

// LoginAddresses implements store.AccessLog.
func (s *Store) LoginAddresses(ctx context.Context, accountID int64, since time.Time, limit int) ([]string, error) {
	return queryAll(ctx, s.db, func(row scanner) (*string, error) {
		var ip string
		return &ip, row.Scan(&ip)
	}, `SELECT ip FROM logins WHERE account_id=? AND success=1 AND time>=? AND ip<>''
		GROUP BY ip ORDER BY max(time) DESC LIMIT ?`, accountID, since.UTC().UnixNano(), limit)
}
