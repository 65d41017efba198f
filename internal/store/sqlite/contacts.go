package sqlite

// Contacts (store.ContactStore). Invariants:
//   - Every statement names the book: domain_id = ? AND account_id = ?
//     (account_id 0 being the domain's shared book); a row of another book
//     is not found, as if it did not exist.
//   - Every write that changes a book calls bumpBook once, inside its own
//     transaction, and stamps the contacts it changed with the new version;
//     a call that changes nothing leaves the version alone.
//   - Caller's structs (IDs, versions, times) are filled in only after the
//     commit: s.write may run its function again after a busy failure, and
//     a failed call must leave them as they were.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"postroom/internal/store"
)

// contactCols are read by scanContact; groups is the contact's memberships
// in ascending group id order.
const contactCols = `c.id, c.domain_id, c.account_id, coalesce(c.folder_id, 0), c.uid, c.name, c.sort_key, c.search,
	c.data, c.version, c.updated_at, c.trashed, c.deleted_at,
	(SELECT group_concat(m.group_id, ',' ORDER BY m.group_id) FROM contact_group_members m WHERE m.contact_id = c.id)`

func scanContact(r scanner) (*store.ContactRow, error) {
	var c store.ContactRow
	var data string
	var updated, deleted int64
	var trashed int
	var groups sql.NullString
	if err := r.Scan(&c.ID, &c.Book.DomainID, &c.Book.AccountID, &c.Folder, &c.UID, &c.Name, &c.SortKey, &c.Search,
		&data, &c.Version, &updated, &trashed, &deleted, &groups); err != nil {
		return nil, notFound(err)
	}
	c.Data = []byte(data)
	c.Updated = fromNanos(updated)
	if trashed != 0 {
		c.Deleted = fromNanos(deleted)
	}
	var err error
	if c.Groups, err = parseIDs(groups.String); err != nil {
		return nil, fmt.Errorf("groups of contact %d: %w", c.ID, err)
	}
	return &c, nil
}

// parseIDs reads group_concat's comma-separated ids ("" is none).
func parseIDs(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	ids := make([]int64, 0, len(parts))
	for _, p := range parts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Contacts implements store.ContactStore. The count and the page are two
// statements over the same index; Text is a plain substring (instr, not
// LIKE, so that '%' and '_' in it are only themselves).
func (s *Store) Contacts(ctx context.Context, q store.ContactQuery) ([]store.ContactRow, int, error) {
	where := `c.domain_id = ? AND c.account_id = ? AND c.trashed = ?`
	args := []any{q.Book.DomainID, q.Book.AccountID, boolInt(q.Trash)}
	if q.Folder != 0 {
		where += ` AND c.folder_id = ?`
		args = append(args, q.Folder)
	}
	if q.Group != 0 {
		where += ` AND c.id IN (SELECT contact_id FROM contact_group_members WHERE group_id = ?)`
		args = append(args, q.Group)
	}
	if q.Text != "" {
		where += ` AND instr(c.search, ?) > 0`
		args = append(args, q.Text)
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM contacts c WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count contacts of book %v: %w", q.Book, err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := queryAll(ctx, s.db, scanContact, `SELECT `+contactCols+` FROM contacts c WHERE `+where+
		` ORDER BY c.sort_key, c.id LIMIT ? OFFSET ?`, append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("contacts of book %v: %w", q.Book, err)
	}
	return rows, total, nil
}

// Contact implements store.ContactStore.
func (s *Store) Contact(ctx context.Context, book store.ContactBook, id int64) (*store.ContactRow, error) {
	c, err := scanContact(s.db.QueryRowContext(ctx, `SELECT `+contactCols+` FROM contacts c
		WHERE c.id = ? AND c.domain_id = ? AND c.account_id = ?`, id, book.DomainID, book.AccountID))
	if err != nil {
		return nil, fmt.Errorf("contact %d of book %v: %w", id, book, err)
	}
	return c, nil
}

// ContactByUID implements store.ContactStore.
func (s *Store) ContactByUID(ctx context.Context, book store.ContactBook, uid string) (*store.ContactRow, error) {
	c, err := scanContact(s.db.QueryRowContext(ctx, `SELECT `+contactCols+` FROM contacts c
		WHERE c.domain_id = ? AND c.account_id = ? AND c.uid = ?`, book.DomainID, book.AccountID, uid))
	if err != nil {
		return nil, fmt.Errorf("contact %q of book %v: %w", uid, book, err)
	}
	return c, nil
}

// ContactBookVersion implements store.ContactStore.
func (s *Store) ContactBookVersion(ctx context.Context, book store.ContactBook) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT version FROM contact_books WHERE domain_id = ? AND account_id = ?`,
		book.DomainID, book.AccountID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("version of book %v: %w", book, err)
	}
	return v, nil
}

// savedContact is what SaveContacts gives back to one row after commit.
type savedContact struct {
	id, version int64
	groups      []int64
	deleted     int64 // nanos, 0 if not in the trash
}

// SaveContacts implements store.ContactStore: every row is checked and
// written in one transaction under one new book version.
func (s *Store) SaveContacts(ctx context.Context, book store.ContactBook, rows []*store.ContactRow) error {
	if len(rows) == 0 {
		return nil
	}
	at := now()
	var saved []savedContact
	err := s.write(ctx, func(tx *sql.Tx) error {
		saved = saved[:0]
		if err := bookExists(ctx, tx, book); err != nil {
			return err
		}
		v, err := bumpBook(ctx, tx, book)
		if err != nil {
			return err
		}
		check := &bookChecker{tx: tx, book: book, folders: map[int64]bool{}, groups: map[int64]bool{}}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO contacts (domain_id, account_id, folder_id, uid, name, sort_key, search, data, version, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		addMember, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO contact_group_members (group_id, contact_id) VALUES (?,?)`)
		if err != nil {
			return err
		}
		defer addMember.Close()
		for i, r := range rows {
			if r.UID == "" {
				return fmt.Errorf("row %d: empty UID: %w", i, store.ErrInvalid)
			}
			if err := check.folder(ctx, r.Folder); err != nil {
				return fmt.Errorf("row %d: %w", i, err)
			}
			groups := sortedIDs(r.Groups)
			for _, g := range groups {
				if err := check.group(ctx, g); err != nil {
					return fmt.Errorf("row %d: %w", i, err)
				}
			}
			sc := savedContact{id: r.ID, version: v, groups: groups}
			if r.ID == 0 {
				res, err := ins.ExecContext(ctx, book.DomainID, book.AccountID, nullID(r.Folder), r.UID, r.Name, r.SortKey, r.Search, string(r.Data), v, at)
				if isUnique(err) {
					return fmt.Errorf("row %d: UID %q: %w", i, r.UID, store.ErrExists)
				}
				if err != nil {
					return err
				}
				if sc.id, err = res.LastInsertId(); err != nil {
					return err
				}
			} else {
				var cur int64
				var trashed int
				if err := tx.QueryRowContext(ctx, `SELECT version, trashed, deleted_at FROM contacts WHERE id = ? AND domain_id = ? AND account_id = ?`,
					r.ID, book.DomainID, book.AccountID).Scan(&cur, &trashed, &sc.deleted); err != nil {
					return fmt.Errorf("row %d: contact %d: %w", i, r.ID, notFound(err))
				}
				if r.Version != 0 && r.Version != cur {
					return fmt.Errorf("row %d: contact %d is at version %d, not %d: %w", i, r.ID, cur, r.Version, store.ErrConflict)
				}
				if trashed == 0 {
					sc.deleted = 0
				}
				_, err := tx.ExecContext(ctx, `UPDATE contacts SET folder_id = ?, uid = ?, name = ?, sort_key = ?, search = ?, data = ?, version = ?, updated_at = ?
					WHERE id = ?`, nullID(r.Folder), r.UID, r.Name, r.SortKey, r.Search, string(r.Data), v, at, r.ID)
				if isUnique(err) {
					return fmt.Errorf("row %d: UID %q: %w", i, r.UID, store.ErrExists)
				}
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM contact_group_members WHERE contact_id = ?`, r.ID); err != nil {
					return err
				}
			}
			for _, g := range groups {
				if _, err := addMember.ExecContext(ctx, g, sc.id); err != nil {
					return err
				}
			}
			saved = append(saved, sc)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save %d contacts in book %v: %w", len(rows), book, err)
	}
	for i, r := range rows {
		sc := saved[i]
		r.ID, r.Book, r.Version, r.Groups, r.Updated = sc.id, book, sc.version, sc.groups, fromNanos(at)
		if sc.deleted != 0 {
			r.Deleted = fromNanos(sc.deleted)
		} else {
			r.Deleted = time.Time{}
		}
	}
	return nil
}

// TrashContacts implements store.ContactStore.
func (s *Store) TrashContacts(ctx context.Context, book store.ContactBook, ids []int64) error {
	at := now()
	err := s.changeContacts(ctx, book, ids, `UPDATE contacts SET trashed = 1, deleted_at = ?, version = ? WHERE trashed = 0 AND id IN `,
		func(v int64) []any { return []any{at, v} })
	if err != nil {
		return fmt.Errorf("trash contacts of book %v: %w", book, err)
	}
	return nil
}

// RestoreContacts implements store.ContactStore.
func (s *Store) RestoreContacts(ctx context.Context, book store.ContactBook, ids []int64) error {
	err := s.changeContacts(ctx, book, ids, `UPDATE contacts SET trashed = 0, deleted_at = 0, version = ? WHERE trashed = 1 AND id IN `,
		func(v int64) []any { return []any{v} })
	if err != nil {
		return fmt.Errorf("restore contacts of book %v: %w", book, err)
	}
	return nil
}

// DeleteContacts implements store.ContactStore.
func (s *Store) DeleteContacts(ctx context.Context, book store.ContactBook, ids []int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		list, err := ownContacts(ctx, tx, book, ids)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM contact_group_members WHERE contact_id IN `+idList, list); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE id IN `+idList, list); err != nil {
			return err
		}
		_, err = bumpBook(ctx, tx, book)
		return err
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return fmt.Errorf("delete contacts of book %v: %w", book, err)
	}
	return nil
}

// errUnchanged rolls back a write that found nothing to change, so that
// the book's version stays.
var errUnchanged = errors.New("nothing changed")

// changeContacts checks that every id is a contact of the book, then runs
// update (ending in "id IN ") on them with the args set(version) puts
// first; when no row changed, nothing is written.
func (s *Store) changeContacts(ctx context.Context, book store.ContactBook, ids []int64, update string, set func(v int64) []any) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		list, err := ownContacts(ctx, tx, book, ids)
		if err != nil {
			return err
		}
		v, err := bumpBook(ctx, tx, book)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, update+idList, append(set(v), list)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, errUnchanged)
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// idList is the set of ids in ownContacts' JSON array: one parameter
// however many there are.
const idList = `(SELECT value FROM json_each(?))`

// ownContacts returns ids as a JSON array after checking that each is a
// contact of the book: ErrNotFound if one is not, errUnchanged if there
// are none.
func ownContacts(ctx context.Context, tx *sql.Tx, book store.ContactBook, ids []int64) (string, error) {
	ids = sortedIDs(ids)
	if len(ids) == 0 {
		return "", errUnchanged
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return "", err
	}
	var n int
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE domain_id = ? AND account_id = ? AND id IN `+idList,
		book.DomainID, book.AccountID, string(list)).Scan(&n)
	if err != nil {
		return "", err
	}
	if n != len(ids) {
		return "", fmt.Errorf("%d of %d contacts: %w", len(ids)-n, len(ids), store.ErrNotFound)
	}
	return string(list), nil
}

// bookExists makes a write to a book whose account is not of its domain,
// or whose domain does not exist, ErrNotFound: nothing would ever delete
// its rows.
func bookExists(ctx context.Context, tx *sql.Tx, book store.ContactBook) error {
	var n int
	var err error
	if book.AccountID == 0 {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM domains WHERE id = ?`, book.DomainID).Scan(&n)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE id = ? AND domain_id = ?`, book.AccountID, book.DomainID).Scan(&n)
	}
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("book %v: %w", book, store.ErrNotFound)
	}
	return nil
}

// bumpBook raises the book's version by one and returns it.
func bumpBook(ctx context.Context, tx *sql.Tx, book store.ContactBook) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `INSERT INTO contact_books (domain_id, account_id, version) VALUES (?, ?, 1)
		ON CONFLICT (domain_id, account_id) DO UPDATE SET version = version + 1 RETURNING version`,
		book.DomainID, book.AccountID).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("raise version of book %v: %w", book, err)
	}
	return v, nil
}

// bookChecker answers whether folders and groups are of one book,
// remembering its answers for the rest of a batch.
type bookChecker struct {
	tx      *sql.Tx
	book    store.ContactBook
	folders map[int64]bool
	groups  map[int64]bool
}

// folder is nil for no folder or one of the book's account; ErrInvalid
// for another account's, an unknown one, or any in a shared book.
func (b *bookChecker) folder(ctx context.Context, id int64) error {
	if id == 0 {
		return nil
	}
	ok, seen := b.folders[id]
	if !seen {
		var n int
		if err := b.tx.QueryRowContext(ctx, `SELECT count(*) FROM contact_folders WHERE id = ? AND account_id = ?`, id, b.book.AccountID).Scan(&n); err != nil {
			return err
		}
		ok = n == 1 && b.book.AccountID != 0
		b.folders[id] = ok
	}
	if !ok {
		return fmt.Errorf("folder %d is not of book %v: %w", id, b.book, store.ErrInvalid)
	}
	return nil
}

// group is nil for a group of the book, ErrInvalid otherwise.
func (b *bookChecker) group(ctx context.Context, id int64) error {
	ok, seen := b.groups[id]
	if !seen {
		var n int
		if err := b.tx.QueryRowContext(ctx, `SELECT count(*) FROM contact_groups WHERE id = ? AND domain_id = ? AND account_id = ?`,
			id, b.book.DomainID, b.book.AccountID).Scan(&n); err != nil {
			return err
		}
		ok = n == 1
		b.groups[id] = ok
	}
	if !ok {
		return fmt.Errorf("group %d is not of book %v: %w", id, b.book, store.ErrInvalid)
	}
	return nil
}

// sortedIDs is a sorted copy of ids without repeats (nil for none).
func sortedIDs(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// nullID stores "no folder" as NULL, which the folder's foreign key allows.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
