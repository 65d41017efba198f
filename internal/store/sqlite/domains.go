package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"postroom/internal/store"
)

const domainCols = `id, name, language, time_zone, quota_bytes, created_at, used_bytes, suspended, max_users, blocked_senders, blocked_phrases, messages_per_hour, tracking_image`

func scanDomain(row scanner) (*store.Domain, error) {
	var d store.Domain
	var created int64
	var senders, phrases string
	if err := row.Scan(&d.ID, &d.Name, &d.Language, &d.TimeZone, &d.QuotaBytes, &created, &d.UsedBytes,
		&d.Suspended, &d.MaxUsers, &senders, &phrases, &d.MessagesPerHour, &d.TrackingImage); err != nil {
		return nil, notFound(err)
	}
	d.CreatedAt = fromNanos(created)
	if err := json.Unmarshal([]byte(senders), &d.BlockedSenders); err != nil {
		return nil, fmt.Errorf("domain %s: blocked senders: %w", d.Name, err)
	}
	if err := json.Unmarshal([]byte(phrases), &d.BlockedPhrases); err != nil {
		return nil, fmt.Errorf("domain %s: blocked phrases: %w", d.Name, err)
	}
	return &d, nil
}

// jsonList is a list as the domains table keeps it: a JSON array, never
// null.
func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// CreateDomain implements store.DomainStore.
func (s *Store) CreateDomain(ctx context.Context, d *store.Domain) error {
	d.Name = strings.ToLower(strings.TrimSpace(d.Name))
	if d.Name == "" {
		return store.ErrInvalid
	}
	if d.Language == "" {
		d.Language = "ko"
	}
	if d.TimeZone == "" {
		d.TimeZone = "Asia/Seoul"
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		t := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO domains (name, language, time_zone, quota_bytes, created_at, suspended, max_users, blocked_senders, blocked_phrases, messages_per_hour, tracking_image) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			d.Name, d.Language, d.TimeZone, d.QuotaBytes, t, d.Suspended, d.MaxUsers, jsonList(d.BlockedSenders), jsonList(d.BlockedPhrases), d.MessagesPerHour, d.TrackingImage)
		if isUnique(err) {
			return store.ErrExists
		}
		if err != nil {
			return err
		}
		d.ID, _ = res.LastInsertId()
		d.CreatedAt = fromNanos(t)
		return nil
	})
}

// Domain implements store.DomainStore.
func (s *Store) Domain(ctx context.Context, name string) (*store.Domain, error) {
	return scanDomain(s.db.QueryRowContext(ctx, `SELECT `+domainCols+` FROM domains WHERE name = ?`, strings.ToLower(strings.TrimSpace(name))))
}

// DomainByID implements store.DomainStore.
func (s *Store) DomainByID(ctx context.Context, id int64) (*store.Domain, error) {
	return scanDomain(s.db.QueryRowContext(ctx, `SELECT `+domainCols+` FROM domains WHERE id = ?`, id))
}

// Domains implements store.DomainStore.
func (s *Store) Domains(ctx context.Context) ([]store.Domain, error) {
	return queryAll(ctx, s.db, scanDomain, `SELECT `+domainCols+` FROM domains ORDER BY name`)
}

// UpdateDomain implements store.DomainStore.
func (s *Store) UpdateDomain(ctx context.Context, d *store.Domain) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE domains SET language=?, time_zone=?, quota_bytes=?, suspended=?, max_users=?, blocked_senders=?, blocked_phrases=?, messages_per_hour=?, tracking_image=? WHERE id=?`,
			d.Language, d.TimeZone, d.QuotaBytes, d.Suspended, d.MaxUsers, jsonList(d.BlockedSenders), jsonList(d.BlockedPhrases), d.MessagesPerHour, d.TrackingImage, d.ID)
		return affectedOne(res, err)
	})
}

// DeleteDomain implements store.DomainStore.
func (s *Store) DeleteDomain(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM accounts WHERE domain_id=?`, id)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var a int64
			if err := rows.Scan(&a); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, a)
		}
		rows.Close()
		for _, a := range ids {
			if err := s.deleteAccountTx(ctx, tx, a); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM dkim_keys WHERE domain_id=?`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM domains WHERE id=?`, id)
		return affectedOne(res, err)
	})
}

// CreateOperator implements store.DomainStore.
func (s *Store) CreateOperator(ctx context.Context, o *store.Operator) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		t := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO operators (name, password_hash, created_at) VALUES (?,?,?)`, o.Name, o.PasswordHash, t)
		if isUnique(err) {
			return store.ErrExists
		}
		if err != nil {
			return err
		}
		o.ID, _ = res.LastInsertId()
		o.CreatedAt = fromNanos(t)
		return nil
	})
}

func scanOperator(row scanner) (*store.Operator, error) {
	var o store.Operator
	var created int64
	if err := row.Scan(&o.ID, &o.Name, &o.PasswordHash, &created); err != nil {
		return nil, notFound(err)
	}
	o.CreatedAt = fromNanos(created)
	return &o, nil
}

// Operator implements store.DomainStore.
func (s *Store) Operator(ctx context.Context, name string) (*store.Operator, error) {
	return scanOperator(s.db.QueryRowContext(ctx, `SELECT id, name, password_hash, created_at FROM operators WHERE name=?`, name))
}

// Operators implements store.DomainStore.
func (s *Store) Operators(ctx context.Context) ([]store.Operator, error) {
	return queryAll(ctx, s.db, scanOperator, `SELECT id, name, password_hash, created_at FROM operators ORDER BY name`)
}

func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// AddDKIMKey implements store.DomainStore.
func (s *Store) AddDKIMKey(ctx context.Context, k *store.DKIMKey) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		t := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO dkim_keys (domain_id, selector, algorithm, private_pem, created_at) VALUES (?,?,?,?,?)`,
			k.DomainID, k.Selector, k.Algorithm, k.PrivatePEM, t)
		if isUnique(err) {
			return store.ErrExists
		}
		if err != nil {
			return notFound(err)
		}
		k.ID, _ = res.LastInsertId()
		k.CreatedAt = fromNanos(t)
		return nil
	})
}

func scanDKIMKey(row scanner) (*store.DKIMKey, error) {
	var k store.DKIMKey
	var t int64
	if err := row.Scan(&k.ID, &k.DomainID, &k.Selector, &k.Algorithm, &k.PrivatePEM, &t); err != nil {
		return nil, err
	}
	k.CreatedAt = fromNanos(t)
	return &k, nil
}

// DKIMKeys implements store.DomainStore.
func (s *Store) DKIMKeys(ctx context.Context, domainID int64) ([]store.DKIMKey, error) {
	return queryAll(ctx, s.db, scanDKIMKey, `SELECT id, domain_id, selector, algorithm, private_pem, created_at
		FROM dkim_keys WHERE domain_id=? ORDER BY id`, domainID)
}
