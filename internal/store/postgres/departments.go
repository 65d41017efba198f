package postgres

// A domain's departments and where its accounts sit (store.DepartmentStore).

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

func scanDepartment(r scanner) (*store.Department, error) {
	var d store.Department
	if err := r.Scan(&d.ID, &d.DomainID, &d.ParentID, &d.Name, &d.Members); err != nil {
		return nil, notFound(err)
	}
	return &d, nil
}

// Departments implements store.DepartmentStore.
func (s *Store) Departments(ctx context.Context, domainID int64) ([]store.Department, error) {
	ds, err := queryAll(ctx, s.pool, scanDepartment, `SELECT d.id, d.domain_id, d.parent_id, d.name,
		(SELECT count(*) FROM account_orgs o WHERE o.department_id = d.id)
		FROM departments d WHERE d.domain_id = $1 ORDER BY d.parent_id, d.name, d.id`, domainID)
	if err != nil {
		return nil, fmt.Errorf("departments of domain %d: %w", domainID, err)
	}
	return ds, nil
}

// checkParent refuses a parent not of the domain, and (for an existing
// department id) one that is id itself or below it.
func checkParent(ctx context.Context, tx pgx.Tx, domainID, id, parent int64) error {
	for p, hops := parent, 0; p != 0; hops++ {
		if p == id || hops > 1000 {
			return store.ErrInvalid
		}
		var dom, up int64
		err := tx.QueryRow(ctx, `SELECT domain_id, parent_id FROM departments WHERE id = $1`, p).Scan(&dom, &up)
		if err == pgx.ErrNoRows || (err == nil && dom != domainID) {
			return store.ErrInvalid
		}
		if err != nil {
			return err
		}
		p = up
	}
	return nil
}

// siblingNamed is ErrExists when another department of the same parent
// has name.
func siblingNamed(ctx context.Context, tx pgx.Tx, domainID, parent, id int64, name string) error {
	// the domain's row lock makes the check and the write one step
	if err := lockRow(ctx, tx, `SELECT 1 FROM domains WHERE id=$1 FOR UPDATE`, domainID); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM departments WHERE domain_id = $1 AND parent_id = $2 AND name = $3 AND id != $4`,
		domainID, parent, name, id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return store.ErrExists
	}
	return nil
}

// CreateDepartment implements store.DepartmentStore.
func (s *Store) CreateDepartment(ctx context.Context, d *store.Department) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := checkParent(ctx, tx, d.DomainID, 0, d.ParentID); err != nil {
			return err
		}
		if err := siblingNamed(ctx, tx, d.DomainID, d.ParentID, 0, d.Name); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO departments (domain_id, parent_id, name) VALUES ($1,$2,$3) RETURNING id`, d.DomainID, d.ParentID, d.Name).Scan(&d.ID)
		if err != nil {
			return err
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create department %q: %w", d.Name, err)
	}
	return nil
}

// UpdateDepartment implements store.DepartmentStore.
func (s *Store) UpdateDepartment(ctx context.Context, d *store.Department) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM departments WHERE id = $1 AND domain_id = $2`, d.ID, d.DomainID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		if err := checkParent(ctx, tx, d.DomainID, d.ID, d.ParentID); err != nil {
			return err
		}
		if err := siblingNamed(ctx, tx, d.DomainID, d.ParentID, d.ID, d.Name); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE departments SET parent_id = $1, name = $2 WHERE id = $3`, d.ParentID, d.Name, d.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("update department %d: %w", d.ID, err)
	}
	return nil
}

// DeleteDepartment implements store.DepartmentStore.
func (s *Store) DeleteDepartment(ctx context.Context, domainID, id int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM departments WHERE parent_id = $1 AND domain_id = $2`, id, domainID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrHasChildren
		}
		res, err := tx.Exec(ctx, `DELETE FROM departments WHERE id = $1 AND domain_id = $2`, id, domainID)
		if err != nil {
			return err
		}
		if k := res.RowsAffected(); k == 0 {
			return store.ErrNotFound
		}
		_, err = tx.Exec(ctx, `UPDATE account_orgs SET department_id = 0 WHERE department_id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete department %d: %w", id, err)
	}
	return nil
}

// AccountOrgs implements store.DepartmentStore.
func (s *Store) AccountOrgs(ctx context.Context, domainID int64) (map[int64]store.AccountOrg, error) {
	rows, err := s.pool.Query(ctx, `SELECT o.account_id, o.department_id, o.position, o.phone FROM account_orgs o
		JOIN accounts a ON a.id = o.account_id WHERE a.domain_id = $1`, domainID)
	if err != nil {
		return nil, fmt.Errorf("places of domain %d: %w", domainID, err)
	}
	defer rows.Close()
	out := map[int64]store.AccountOrg{}
	for rows.Next() {
		var o store.AccountOrg
		if err := rows.Scan(&o.AccountID, &o.DepartmentID, &o.Position, &o.Phone); err != nil {
			return nil, err
		}
		out[o.AccountID] = o
	}
	return out, rows.Err()
}

// SetAccountOrg implements store.DepartmentStore.
func (s *Store) SetAccountOrg(ctx context.Context, domainID int64, o store.AccountOrg) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE id = $1 AND domain_id = $2`, o.AccountID, domainID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		if o.DepartmentID != 0 {
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM departments WHERE id = $1 AND domain_id = $2`, o.DepartmentID, domainID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return store.ErrInvalid
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO account_orgs (account_id, department_id, position, phone) VALUES ($1,$2,$3,$4)
			ON CONFLICT (account_id) DO UPDATE SET department_id = excluded.department_id, position = excluded.position, phone = excluded.phone`,
			o.AccountID, o.DepartmentID, o.Position, o.Phone)
		return err
	})
	if err != nil {
		return fmt.Errorf("place account %d: %w", o.AccountID, err)
	}
	return nil
}
