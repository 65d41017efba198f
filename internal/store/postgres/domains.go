package postgres

// Domains (tenants), their DKIM keys, and system operators.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

const domainCols = `id, name, language, time_zone, quota_bytes, created_at, used_bytes, suspended, max_users,
	blocked_senders, blocked_phrases, messages_per_hour, tracking_image`

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

// jsonList is a list as the domains table keeps it: a JSON array, never null.
func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// CreateDomain implements store.DomainStore.
func (s *Store) CreateDomain(ctx context.Context, d *store.Domain) error {
	d.Name = lowerTrim(d.Name)
	if d.Name == "" {
		return store.ErrInvalid
	}
	if d.Language == "" {
		d.Language = "ko"
	}
	if d.TimeZone == "" {
		d.TimeZone = "Asia/Seoul"
	}
	t := now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO domains (name, language, time_zone, quota_bytes, created_at, suspended, max_users,
			blocked_senders, blocked_phrases, messages_per_hour, tracking_image)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
			d.Name, d.Language, d.TimeZone, d.QuotaBytes, t, d.Suspended, d.MaxUsers, jsonList(d.BlockedSenders),
			jsonList(d.BlockedPhrases), d.MessagesPerHour, d.TrackingImage).Scan(&d.ID)
	})
	if isUnique(err) {
		return store.ErrExists
	}
	if err != nil {
		return fmt.Errorf("create domain %s: %w", d.Name, err)
	}
	d.CreatedAt = fromNanos(t)
	return nil
}

// Domain implements store.DomainStore.
func (s *Store) Domain(ctx context.Context, name string) (*store.Domain, error) {
	return scanDomain(s.pool.QueryRow(ctx, `SELECT `+domainCols+` FROM domains WHERE name = $1`, lowerTrim(name)))
}

// DomainByID implements store.DomainStore.
func (s *Store) DomainByID(ctx context.Context, id int64) (*store.Domain, error) {
	return scanDomain(s.pool.QueryRow(ctx, `SELECT `+domainCols+` FROM domains WHERE id = $1`, id))
}

// Domains implements store.DomainStore.
func (s *Store) Domains(ctx context.Context) ([]store.Domain, error) {
	return queryAll(ctx, s.pool, scanDomain, `SELECT `+domainCols+` FROM domains ORDER BY name`)
}

// UpdateDomain implements store.DomainStore.
func (s *Store) UpdateDomain(ctx context.Context, d *store.Domain) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `UPDATE domains SET language=$1, time_zone=$2, quota_bytes=$3, suspended=$4, max_users=$5,
			blocked_senders=$6, blocked_phrases=$7, messages_per_hour=$8, tracking_image=$9 WHERE id=$10`,
			d.Language, d.TimeZone, d.QuotaBytes, d.Suspended, d.MaxUsers, jsonList(d.BlockedSenders),
			jsonList(d.BlockedPhrases), d.MessagesPerHour, d.TrackingImage, d.ID))
	})
}

// DeleteDomain implements store.DomainStore: its accounts first (their
// mail and blob references), then the domain, whose other rows the
// domain_gone trigger removes.
func (s *Store) DeleteDomain(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		// Lock the domain first: an account created meanwhile would
		// otherwise outlive it.
		var got int64
		if err := tx.QueryRow(ctx, `SELECT id FROM domains WHERE id=$1 FOR UPDATE`, id).Scan(&got); err != nil {
			return notFound(err)
		}
		ids, err := int64s(ctx, tx, `SELECT id FROM accounts WHERE domain_id=$1 ORDER BY id`, id)
		if err != nil {
			return err
		}
		for _, a := range ids {
			if err := deleteAccountTx(ctx, tx, a); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM dkim_keys WHERE domain_id=$1`, id); err != nil {
			return err
		}
		return affectedOne(tx.Exec(ctx, `DELETE FROM domains WHERE id=$1`, id))
	})
}

// CreateOperator implements store.DomainStore.
func (s *Store) CreateOperator(ctx context.Context, o *store.Operator) error {
	t := now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO operators (name, password_hash, created_at) VALUES ($1,$2,$3) RETURNING id`,
			o.Name, o.PasswordHash, t).Scan(&o.ID)
	})
	if isUnique(err) {
		return store.ErrExists
	}
	if err != nil {
		return fmt.Errorf("create operator %s: %w", o.Name, err)
	}
	o.CreatedAt = fromNanos(t)
	return nil
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
	return scanOperator(s.pool.QueryRow(ctx, `SELECT id, name, password_hash, created_at FROM operators WHERE name=$1`, name))
}

// Operators implements store.DomainStore.
func (s *Store) Operators(ctx context.Context) ([]store.Operator, error) {
	return queryAll(ctx, s.pool, scanOperator, `SELECT id, name, password_hash, created_at FROM operators ORDER BY name`)
}

// AddDKIMKey implements store.DomainStore.
func (s *Store) AddDKIMKey(ctx context.Context, k *store.DKIMKey) error {
	t := now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO dkim_keys (domain_id, selector, algorithm, private_pem, created_at)
			VALUES ($1,$2,$3,$4,$5) RETURNING id`, k.DomainID, k.Selector, k.Algorithm, nonNil(k.PrivatePEM), t).Scan(&k.ID)
	})
	switch {
	case isUnique(err):
		return store.ErrExists
	case isForeignKey(err):
		return store.ErrNotFound
	case err != nil:
		return fmt.Errorf("add dkim key of domain %d: %w", k.DomainID, err)
	}
	k.CreatedAt = fromNanos(t)
	return nil
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
	return queryAll(ctx, s.pool, scanDKIMKey, `SELECT id, domain_id, selector, algorithm, private_pem, created_at
		FROM dkim_keys WHERE domain_id=$1 ORDER BY id`, domainID)
}

// nonNil keeps a NOT NULL BYTEA column from a nil slice, which pgx sends as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
