package postgres

// Contact groups and personal folders (store.ContactStore). A group's
// change stamps the contacts whose memberships it changed (all its
// members when renamed), since a contact's groups are part of what a
// CardDAV client sees of it; a folder's deletion stamps the contacts it
// held. Renaming a folder changes no contact.

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// groupCols are read by scanGroup; the members listed are those not in
// the trash.
const groupCols = `g.id, g.domain_id, g.account_id, g.name,
	(SELECT string_agg(m.contact_id::text, ',' ORDER BY m.contact_id) FROM contact_group_members m
		JOIN contacts c ON c.id = m.contact_id WHERE m.group_id = g.id AND NOT c.trashed)`

func scanGroup(r scanner) (*store.ContactGroup, error) {
	var g store.ContactGroup
	var members *string
	if err := r.Scan(&g.ID, &g.Book.DomainID, &g.Book.AccountID, &g.Name, &members); err != nil {
		return nil, notFound(err)
	}
	var err error
	if members != nil {
		g.Members, err = parseIDs(*members)
	}
	if err != nil {
		return nil, fmt.Errorf("members of group %d: %w", g.ID, err)
	}
	return &g, nil
}

// ContactGroups implements store.ContactStore.
func (s *Store) ContactGroups(ctx context.Context, book store.ContactBook) ([]store.ContactGroup, error) {
	gs, err := queryAll(ctx, s.pool, scanGroup, `SELECT `+groupCols+` FROM contact_groups g
		WHERE g.domain_id = $1 AND g.account_id = $2 ORDER BY g.name, g.id`, book.DomainID, book.AccountID)
	if err != nil {
		return nil, fmt.Errorf("groups of book %v: %w", book, err)
	}
	return gs, nil
}

// ContactGroup implements store.ContactStore.
func (s *Store) ContactGroup(ctx context.Context, book store.ContactBook, id int64) (*store.ContactGroup, error) {
	g, err := scanGroup(s.pool.QueryRow(ctx, `SELECT `+groupCols+` FROM contact_groups g
		WHERE g.id = $1 AND g.domain_id = $2 AND g.account_id = $3`, id, book.DomainID, book.AccountID))
	if err != nil {
		return nil, fmt.Errorf("group %d of book %v: %w", id, book, err)
	}
	return g, nil
}

// CreateContactGroup implements store.ContactStore.
func (s *Store) CreateContactGroup(ctx context.Context, g *store.ContactGroup) error {
	members := sortedIDs(g.Members)
	var id int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := bookExists(ctx, tx, g.Book); err != nil {
			return err
		}
		list, err := bookMembers(ctx, tx, g.Book, g.Name, members)
		if err != nil {
			return err
		}
		v, err := bumpBook(ctx, tx, g.Book)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO contact_groups (domain_id, account_id, name) VALUES ($1,$2,$3) RETURNING id`,
			g.Book.DomainID, g.Book.AccountID, g.Name).Scan(&id)
		if isUnique(err) {
			return fmt.Errorf("group name %q: %w", g.Name, store.ErrExists)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO contact_group_members (group_id, contact_id) SELECT $1, unnest($2::bigint[])`, id, list); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE contacts SET version = $1 WHERE id = ANY($2)`, v, list)
		return err
	})
	if err != nil {
		return fmt.Errorf("create group in book %v: %w", g.Book, err)
	}
	g.ID, g.Members = id, members
	return nil
}

// UpdateContactGroup implements store.ContactStore. Members in the trash
// are left alone unless named; a call that changes nothing leaves the
// book's version as it was.
func (s *Store) UpdateContactGroup(ctx context.Context, g *store.ContactGroup) error {
	members := sortedIDs(g.Members)
	err := s.write(ctx, func(tx pgx.Tx) error {
		var name string
		if err := tx.QueryRow(ctx, `SELECT name FROM contact_groups WHERE id = $1 AND domain_id = $2 AND account_id = $3`,
			g.ID, g.Book.DomainID, g.Book.AccountID).Scan(&name); err != nil {
			return notFound(err)
		}
		list, err := bookMembers(ctx, tx, g.Book, g.Name, members)
		if err != nil {
			return err
		}
		v, err := bumpBook(ctx, tx, g.Book)
		if err != nil {
			return err
		}
		renamed := name != g.Name
		if renamed {
			_, err := tx.Exec(ctx, `UPDATE contact_groups SET name = $1 WHERE id = $2`, g.Name, g.ID)
			if isUnique(err) {
				return fmt.Errorf("group name %q: %w", g.Name, store.ErrExists)
			}
			if err != nil {
				return err
			}
		}
		// The contacts that leave (live members not named), or every
		// member when the name changes, then those that join.
		leaving := func(group, list string) string {
			return `SELECT m.contact_id FROM contact_group_members m JOIN contacts c ON c.id = m.contact_id
			WHERE m.group_id = ` + group + ` AND NOT c.trashed AND m.contact_id <> ALL(` + list + `)`
		}
		stamp := `UPDATE contacts SET version = $1 WHERE id IN (` + leaving("$2", "$3") + `)`
		args := []any{v, g.ID, list}
		if renamed {
			stamp = `UPDATE contacts SET version = $1 WHERE id IN (SELECT contact_id FROM contact_group_members WHERE group_id = $2)`
			args = args[:2]
		}
		changed := renamed
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{stamp, args},
			{`DELETE FROM contact_group_members WHERE group_id = $1 AND contact_id IN (` + leaving("$1", "$2") + `)`, []any{g.ID, list}},
			{`UPDATE contacts SET version = $1 WHERE id = ANY($2) AND id NOT IN (SELECT contact_id FROM contact_group_members WHERE group_id = $3)`, []any{v, list, g.ID}},
			{`INSERT INTO contact_group_members (group_id, contact_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, []any{g.ID, list}},
		} {
			res, err := tx.Exec(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			changed = changed || res.RowsAffected() > 0
		}
		if !changed {
			return errUnchanged
		}
		return nil
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return fmt.Errorf("update group %d of book %v: %w", g.ID, g.Book, err)
	}
	g.Members = members
	return nil
}

// DeleteContactGroup implements store.ContactStore.
func (s *Store) DeleteContactGroup(ctx context.Context, book store.ContactBook, id int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM contact_groups WHERE id = $1 AND domain_id = $2 AND account_id = $3`,
			id, book.DomainID, book.AccountID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		v, err := bumpBook(ctx, tx, book)
		if err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE contacts SET version = $1 WHERE id IN (SELECT contact_id FROM contact_group_members WHERE group_id = $2)`, []any{v, id}},
			{`DELETE FROM contact_group_members WHERE group_id = $1`, []any{id}},
			{`DELETE FROM contact_groups WHERE id = $1`, []any{id}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete group %d of book %v: %w", id, book, err)
	}
	return nil
}

// bookMembers checks a group's name and members (sorted, no repeats) and
// returns them (never nil): ErrInvalid for an empty name or a member
// that is not a contact of the book (one in its trash is).
func bookMembers(ctx context.Context, tx pgx.Tx, book store.ContactBook, name string, members []int64) ([]int64, error) {
	if name == "" {
		return nil, fmt.Errorf("empty group name: %w", store.ErrInvalid)
	}
	if members == nil {
		members = []int64{} // an empty array, not NULL
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE domain_id = $1 AND account_id = $2 AND id = ANY($3)`,
		book.DomainID, book.AccountID, members).Scan(&n); err != nil {
		return nil, err
	}
	if n != len(members) {
		return nil, fmt.Errorf("%d of %d members are not of book %v: %w", len(members)-n, len(members), book, store.ErrInvalid)
	}
	return members, nil
}

const folderCols = `f.id, f.account_id, f.name,
	(SELECT count(*) FROM contacts c WHERE c.folder_id = f.id AND NOT c.trashed)`

func scanFolder(r scanner) (*store.ContactFolder, error) {
	var f store.ContactFolder
	if err := r.Scan(&f.ID, &f.AccountID, &f.Name, &f.Count); err != nil {
		return nil, notFound(err)
	}
	return &f, nil
}

// ContactFolders implements store.ContactStore.
func (s *Store) ContactFolders(ctx context.Context, accountID int64) ([]store.ContactFolder, error) {
	fs, err := queryAll(ctx, s.pool, scanFolder, `SELECT `+folderCols+` FROM contact_folders f
		WHERE f.account_id = $1 ORDER BY f.name, f.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("contact folders of account %d: %w", accountID, err)
	}
	return fs, nil
}

// CreateContactFolder implements store.ContactStore: ErrNotFound for an
// account that does not exist, ErrInvalid for an empty name.
func (s *Store) CreateContactFolder(ctx context.Context, f *store.ContactFolder) error {
	if f.Name == "" {
		return fmt.Errorf("create contact folder: empty name: %w", store.ErrInvalid)
	}
	var id int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE id = $1`, f.AccountID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		err := tx.QueryRow(ctx, `INSERT INTO contact_folders (account_id, name) VALUES ($1,$2) RETURNING id`, f.AccountID, f.Name).Scan(&id)
		if isUnique(err) {
			return fmt.Errorf("folder name %q: %w", f.Name, store.ErrExists)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create contact folder of account %d: %w", f.AccountID, err)
	}
	f.ID, f.Count = id, 0
	return nil
}

// RenameContactFolder implements store.ContactStore.
func (s *Store) RenameContactFolder(ctx context.Context, accountID, id int64, name string) error {
	if name == "" {
		return fmt.Errorf("rename contact folder %d: empty name: %w", id, store.ErrInvalid)
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE contact_folders SET name = $1 WHERE id = $2 AND account_id = $3`, name, id, accountID)
		if isUnique(err) {
			return fmt.Errorf("folder name %q: %w", name, store.ErrExists)
		}
		return affectedOne(res, err)
	})
	if err != nil {
		return fmt.Errorf("rename contact folder %d of account %d: %w", id, accountID, err)
	}
	return nil
}

// DeleteContactFolder implements store.ContactStore: the folder's
// contacts (trashed or not) move to no folder, a change of the book.
func (s *Store) DeleteContactFolder(ctx context.Context, accountID, id int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		var domainID int64
		err := tx.QueryRow(ctx, `SELECT a.domain_id FROM contact_folders f JOIN accounts a ON a.id = f.account_id
			WHERE f.id = $1 AND f.account_id = $2`, id, accountID).Scan(&domainID)
		if err != nil {
			return notFound(err)
		}
		var held int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE folder_id = $1`, id).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			v, err := bumpBook(ctx, tx, store.PersonalBook(domainID, accountID))
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE contacts SET folder_id = NULL, version = $1 WHERE folder_id = $2`, v, id); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `DELETE FROM contact_folders WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete contact folder %d of account %d: %w", id, accountID, err)
	}
	return nil
}
