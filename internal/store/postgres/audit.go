package postgres

// The administrators' audit log (store.AuditStore).

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// RecordAudit implements store.AuditStore.
func (s *Store) RecordAudit(ctx context.Context, e *store.AuditEntry) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO audit_log (domain_id, actor, role, action, target, detail, remote, at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`, e.DomainID, e.Actor, e.Role, e.Action, e.Target, e.Detail, e.Remote,
			e.At.UnixNano()).Scan(&e.ID)
	})
	if err != nil {
		return fmt.Errorf("audit %s of %q: %w", e.Action, e.Target, err)
	}
	return nil
}

// AuditEntries implements store.AuditStore.
func (s *Store) AuditEntries(ctx context.Context, domainID, before int64, limit int) ([]store.AuditEntry, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	es, err := queryAll(ctx, s.pool, func(r scanner) (*store.AuditEntry, error) {
		var e store.AuditEntry
		var at int64
		if err := r.Scan(&e.ID, &e.DomainID, &e.Actor, &e.Role, &e.Action, &e.Target, &e.Detail, &e.Remote, &at); err != nil {
			return nil, err
		}
		e.At = fromNanos(at)
		return &e, nil
	}, `SELECT id, domain_id, actor, role, action, target, detail, remote, at FROM audit_log
		WHERE domain_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, domainID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("audit of domain %d: %w", domainID, err)
	}
	return es, nil
}
