package sqlite

// The administrators' audit log (store.AuditStore).

import (
	"context"
	"database/sql"
	"fmt"

	"postroom/internal/store"
)

// RecordAudit implements store.AuditStore.
func (s *Store) RecordAudit(ctx context.Context, e *store.AuditEntry) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (domain_id, actor, role, action, target, detail, remote, at)
			VALUES (?,?,?,?,?,?,?,?)`, e.DomainID, e.Actor, e.Role, e.Action, e.Target, e.Detail, e.Remote, e.At.UnixNano())
		if err != nil {
			return err
		}
		e.ID, err = res.LastInsertId()
		return err
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
	es, err := queryAll(ctx, s.db, func(r scanner) (*store.AuditEntry, error) {
		var e store.AuditEntry
		var at int64
		if err := r.Scan(&e.ID, &e.DomainID, &e.Actor, &e.Role, &e.Action, &e.Target, &e.Detail, &e.Remote, &at); err != nil {
			return nil, err
		}
		e.At = fromNanos(at)
		return &e, nil
	}, `SELECT id, domain_id, actor, role, action, target, detail, remote, at FROM audit_log
		WHERE domain_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, domainID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("audit of domain %d: %w", domainID, err)
	}
	return es, nil
}
