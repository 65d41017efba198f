package sqlite

// Contact groups and personal folders (store.ContactStore). A group's
// change stamps the contacts whose memberships it changed (all its
// members when renamed), since a contact's groups are part of what a
// CardDAV client sees of it; a folder's deletion stamps the contacts it
// held. Renaming a folder changes no contact.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"postroom/internal/store"
)

// groupCols are read by scanGroup; the members listed are those not in
// the trash.
const groupCols = `g.id, g.domain_id, g.account_id, g.name,
	(SELECT group_concat(m.contact_id, ',' ORDER BY m.contact_id) FROM contact_group_members m
		JOIN contacts c ON c.id = m.contact_id WHERE m.group_id = g.id AND c.trashed = 0)`

func scanGroup(r scanner) (*store.ContactGroup, error) {
	var g store.ContactGroup
	var members sql.NullString
	if err := r.Scan(&g.ID, &g.Book.DomainID, &g.Book.AccountID, &g.Name, &members); err != nil {
		return nil, notFound(err)
	}
	var err error
	if g.Members, err = parseIDs(members.String); err != nil {
		return nil, fmt.Errorf("members of group %d: %w", g.ID, err)
	}
	return &g, nil
}

// ContactGroups implements store.ContactStore.
func (s *Store) ContactGroups(ctx context.Context, book store.ContactBook) ([]store.ContactGroup, error) {
	gs, err := queryAll(ctx, s.db, scanGroup, `SELECT `+groupCols+` FROM contact_groups g
		WHERE g.domain_id = ? AND g.account_id = ? ORDER BY g.name, g.id`, book.DomainID, book.AccountID)
	if err != nil {
		return nil, fmt.Errorf("groups of book %v: %w", book, err)
	}
	return gs, nil
}

// ContactGroup implements store.ContactStore.
func (s *Store) ContactGroup(ctx context.Context, book store.ContactBook, id int64) (*store.ContactGroup, error) {
	g, err := scanGroup(s.db.QueryRowContext(ctx, `SELECT `+groupCols+` FROM contact_groups g
		WHERE g.id = ? AND g.domain_id = ? AND g.account_id = ?`, id, book.DomainID, book.AccountID))
	if err != nil {
		return nil, fmt.Errorf("group %d of book %v: %w", id, book, err)
	}
	return g, nil
}

// CreateContactGroup implements store.ContactStore.
func (s *Store) CreateContactGroup(ctx context.Context, g *store.ContactGroup) error {
	members := sortedIDs(g.Members)
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
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
		res, err := tx.ExecContext(ctx, `INSERT INTO contact_groups (domain_id, account_id, name) VALUES (?,?,?)`,
			g.Book.DomainID, g.Book.AccountID, g.Name)
		if isUnique(err) {
			return fmt.Errorf("group name %q: %w", g.Name, store.ErrExists)
		}
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_group_members (group_id, contact_id) SELECT ?, value FROM json_each(?)`, id, list); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE contacts SET version = ? WHERE id IN `+idList, v, list)
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM contact_groups WHERE id = ? AND domain_id = ? AND account_id = ?`,
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
			_, err := tx.ExecContext(ctx, `UPDATE contact_groups SET name = ? WHERE id = ?`, g.Name, g.ID)
			if isUnique(err) {
				return fmt.Errorf("group name %q: %w", g.Name, store.ErrExists)
			}
			if err != nil {
				return err
			}
		}
		// The contacts that leave (live members not named), or every
		// member when the name changes, then those that join.
		leaving := `SELECT m.contact_id FROM contact_group_members m JOIN contacts c ON c.id = m.contact_id
			WHERE m.group_id = ? AND c.trashed = 0 AND m.contact_id NOT IN ` + idList
		stamp := `UPDATE contacts SET version = ? WHERE id IN (` + leaving + `)`
		args := []any{v, g.ID, list}
		if renamed {
			stamp = `UPDATE contacts SET version = ? WHERE id IN (SELECT contact_id FROM contact_group_members WHERE group_id = ?)`
			args = args[:2]
		}
		changed := renamed
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{stamp, args},
			{`DELETE FROM contact_group_members WHERE group_id = ? AND contact_id IN (` + leaving + `)`, []any{g.ID, g.ID, list}},
			{`UPDATE contacts SET version = ? WHERE id IN ` + idList + ` AND id NOT IN (SELECT contact_id FROM contact_group_members WHERE group_id = ?)`, []any{v, list, g.ID}},
			{`INSERT OR IGNORE INTO contact_group_members (group_id, contact_id) SELECT ?, value FROM json_each(?)`, []any{g.ID, list}},
		} {
			res, err := tx.ExecContext(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			changed = changed || n > 0
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM contact_groups WHERE id = ? AND domain_id = ? AND account_id = ?`,
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
			{`UPDATE contacts SET version = ? WHERE id IN (SELECT contact_id FROM contact_group_members WHERE group_id = ?)`, []any{v, id}},
			{`DELETE FROM contact_group_members WHERE group_id = ?`, []any{id}},
			{`DELETE FROM contact_groups WHERE id = ?`, []any{id}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
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
// returns them as a JSON array: ErrInvalid for an empty name or a member
// that is not a contact of the book (one in its trash is).
func bookMembers(ctx context.Context, tx *sql.Tx, book store.ContactBook, name string, members []int64) (string, error) {
	if name == "" {
		return "", fmt.Errorf("empty group name: %w", store.ErrInvalid)
	}
	list, err := json.Marshal(members)
	if err != nil {
		return "", err
	}
	if members == nil {
		list = []byte("[]")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE domain_id = ? AND account_id = ? AND id IN `+idList,
		book.DomainID, book.AccountID, string(list)).Scan(&n); err != nil {
		return "", err
	}
	if n != len(members) {
		return "", fmt.Errorf("%d of %d members are not of book %v: %w", len(members)-n, len(members), book, store.ErrInvalid)
	}
	return string(list), nil
}

const folderCols = `f.id, f.account_id, f.name,
	(SELECT count(*) FROM contacts c WHERE c.folder_id = f.id AND c.trashed = 0)`

func scanFolder(r scanner) (*store.ContactFolder, error) {
	var f store.ContactFolder
	if err := r.Scan(&f.ID, &f.AccountID, &f.Name, &f.Count); err != nil {
		return nil, notFound(err)
	}
	return &f, nil
}

// ContactFolders implements store.ContactStore.
func (s *Store) ContactFolders(ctx context.Context, accountID int64) ([]store.ContactFolder, error) {
	fs, err := queryAll(ctx, s.db, scanFolder, `SELECT `+folderCols+` FROM contact_folders f
		WHERE f.account_id = ? ORDER BY f.name, f.id`, accountID)
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE id = ?`, f.AccountID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO contact_folders (account_id, name) VALUES (?,?)`, f.AccountID, f.Name)
		if isUnique(err) {
			return fmt.Errorf("folder name %q: %w", f.Name, store.ErrExists)
		}
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE contact_folders SET name = ? WHERE id = ? AND account_id = ?`, name, id, accountID)
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		var domainID int64
		err := tx.QueryRowContext(ctx, `SELECT a.domain_id FROM contact_folders f JOIN accounts a ON a.id = f.account_id
			WHERE f.id = ? AND f.account_id = ?`, id, accountID).Scan(&domainID)
		if err != nil {
			return notFound(err)
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE folder_id = ?`, id).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			v, err := bumpBook(ctx, tx, store.PersonalBook(domainID, accountID))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contacts SET folder_id = NULL, version = ? WHERE folder_id = ?`, v, id); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM contact_folders WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete contact folder %d of account %d: %w", id, accountID, err)
	}
	return nil
}
