package postgres

// Mailing lists (M4). A list's members are one JSON array in its row: a
// list is read whole (a delivery needs every member, the console shows
// them all), and its 5,000 members at most are a few hundred KiB.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

const listCols = `l.id, l.domain_id, d.name, l.local_part, l.name, l.members, l.members_only, l.created_at, l.updated_at`

const listFrom = ` FROM lists l JOIN domains d ON d.id = l.domain_id `

func scanList(r scanner) (*store.List, error) {
	var l store.List
	var members string
	var only bool
	var created, updated int64
	if err := r.Scan(&l.ID, &l.DomainID, &l.Domain, &l.LocalPart, &l.Name, &members, &only, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(members), &l.Members); err != nil {
		return nil, fmt.Errorf("list %d: members: %w", l.ID, err)
	}
	l.MembersOnly = only
	l.CreatedAt, l.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &l, nil
}

// Lists implements store.ListStore.
func (s *Store) Lists(ctx context.Context, domainID int64) ([]store.List, error) {
	ls, err := queryAll(ctx, s.pool, scanList, `SELECT `+listCols+listFrom+`WHERE l.domain_id=$1 ORDER BY l.local_part`, domainID)
	if err != nil {
		return nil, fmt.Errorf("lists of domain %d: %w", domainID, err)
	}
	return ls, nil
}

// List implements store.ListStore.
func (s *Store) List(ctx context.Context, domainID, id int64) (*store.List, error) {
	return scanList(s.pool.QueryRow(ctx, `SELECT `+listCols+listFrom+`WHERE l.id=$1 AND l.domain_id=$2`, id, domainID))
}

// ListByLocalPart implements store.ListStore.
func (s *Store) ListByLocalPart(ctx context.Context, domainID int64, local string) (*store.List, error) {
	return scanList(s.pool.QueryRow(ctx, `SELECT `+listCols+listFrom+`WHERE l.domain_id=$1 AND l.local_part=$2`,
		domainID, strings.ToLower(local)))
}

// listWritable checks what CreateList and UpdateList share: a local part
// that is no account's in the domain (in tx, so that the check and the
// write are one).
func listWritable(ctx context.Context, tx pgx.Tx, l *store.List) error {
	// The domain's row lock orders this check after an account being
	// created in the domain (CreateAccount holds it FOR SHARE).
	if err := lockRow(ctx, tx, `SELECT 1 FROM domains WHERE id=$1 FOR UPDATE`, l.DomainID); err != nil {
		return err
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE domain_id=$1 AND local_part=$2`, l.DomainID, l.LocalPart).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%s is an account: %w", l.LocalPart, store.ErrExists)
	}
	return nil
}

func listMembers(l *store.List) (string, error) {
	members := l.Members
	if members == nil {
		members = []string{}
	}
	b, err := json.Marshal(members)
	return string(b), err
}

// CreateList implements store.ListStore.
func (s *Store) CreateList(ctx context.Context, l *store.List) error {
	l.LocalPart = strings.ToLower(l.LocalPart)
	if l.LocalPart == "" || strings.ContainsAny(l.LocalPart, "@ \t\r\n") {
		return store.ErrInvalid
	}
	members, err := listMembers(l)
	if err != nil {
		return err
	}
	at := now()
	err = s.write(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT name FROM domains WHERE id=$1`, l.DomainID).Scan(&l.Domain); err != nil {
			return notFound(err)
		}
		if err := listWritable(ctx, tx, l); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO lists (domain_id, local_part, name, members, members_only, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, l.DomainID, l.LocalPart, l.Name, members, l.MembersOnly, at, at).Scan(&l.ID)
		if isUnique(err) {
			return store.ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create list %s in domain %d: %w", l.LocalPart, l.DomainID, full(err))
	}
	l.CreatedAt, l.UpdatedAt = fromNanos(at), fromNanos(at)
	return nil
}

// UpdateList implements store.ListStore.
func (s *Store) UpdateList(ctx context.Context, l *store.List) error {
	l.LocalPart = strings.ToLower(l.LocalPart)
	if l.LocalPart == "" || strings.ContainsAny(l.LocalPart, "@ \t\r\n") {
		return store.ErrInvalid
	}
	members, err := listMembers(l)
	if err != nil {
		return err
	}
	at := now()
	err = s.write(ctx, func(tx pgx.Tx) error {
		if err := listWritable(ctx, tx, l); err != nil {
			return err
		}
		err := affectedOne(tx.Exec(ctx, `UPDATE lists SET local_part=$1, name=$2, members=$3, members_only=$4, updated_at=$5
			WHERE id=$6 AND domain_id=$7`, l.LocalPart, l.Name, members, l.MembersOnly, at, l.ID, l.DomainID))
		if isUnique(err) {
			return store.ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("update list %d of domain %d: %w", l.ID, l.DomainID, full(err))
	}
	l.UpdatedAt = fromNanos(at)
	return nil
}

// DeleteList implements store.ListStore.
func (s *Store) DeleteList(ctx context.Context, domainID, id int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `DELETE FROM lists WHERE id=$1 AND domain_id=$2`, id, domainID))
	})
	if err != nil {
		return fmt.Errorf("delete list %d of domain %d: %w", id, domainID, err)
	}
	return nil
}
