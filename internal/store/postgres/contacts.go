package postgres

// Contacts (store.ContactStore). Invariants:
//   - Every statement names the book: domain_id = ? AND account_id = ?
//     (account_id 0 being the domain's shared book); a row of another book
//     is not found, as if it did not exist.
//   - Every write that changes a book calls bumpBook once, inside its own
//     transaction, and stamps the contacts it changed with the new version;
//     a call that changes nothing leaves the version alone.
//   - Caller's structs (IDs, versions, times) are filled in only after the
//     commit: s.write may run its function again after a deadlock, and
//     a failed call must leave them as they were.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// contactCols are read by scanContact; groups is the contact's memberships
// in ascending group id order.
const contactCols = `c.id, c.domain_id, c.account_id, coalesce(c.folder_id, 0), c.uid, c.name, c.sort_key, c.search,
	c.data, c.version, c.updated_at, c.trashed, c.deleted_at,
	(SELECT string_agg(m.group_id::text, ',' ORDER BY m.group_id) FROM contact_group_members m WHERE m.contact_id = c.id)`

func scanContact(r scanner) (*store.ContactRow, error) {
	var c store.ContactRow
	var data string
	var updated, deleted int64
	var trashed bool
	var groups *string
	if err := r.Scan(&c.ID, &c.Book.DomainID, &c.Book.AccountID, &c.Folder, &c.UID, &c.Name, &c.SortKey, &c.Search,
		&data, &c.Version, &updated, &trashed, &deleted, &groups); err != nil {
		return nil, notFound(err)
	}
	c.Data = []byte(data)
	c.Updated = fromNanos(updated)
	if trashed {
		c.Deleted = fromNanos(deleted)
	}
	var err error
	if groups != nil {
		c.Groups, err = parseIDs(*groups)
	}
	if err != nil {
		return nil, fmt.Errorf("groups of contact %d: %w", c.ID, err)
	}
	return &c, nil
}

// parseIDs reads string_agg's comma-separated ids ("" is none).
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
// statements over the same index; Text is a plain substring (strpos,
// not LIKE, so that '%' and '_' in it are only themselves).
func (s *Store) Contacts(ctx context.Context, q store.ContactQuery) ([]store.ContactRow, int, error) {
	where := `c.domain_id = $1 AND c.account_id = $2 AND c.trashed = $3`
	args := []any{q.Book.DomainID, q.Book.AccountID, q.Trash}
	if q.Folder != 0 {
		args = append(args, q.Folder)
		where += ` AND c.folder_id = $` + strconv.Itoa(len(args))
	}
	if q.Group != 0 {
		args = append(args, q.Group)
		where += ` AND c.id IN (SELECT contact_id FROM contact_group_members WHERE group_id = $` + strconv.Itoa(len(args)) + `)`
	}
	if q.Text != "" {
		args = append(args, q.Text)
		where += ` AND strpos(c.search, $` + strconv.Itoa(len(args)) + `) > 0`
	}
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM contacts c WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count contacts of book %v: %w", q.Book, err)
	}
	var limit *int // NULL: LIMIT ALL
	if q.Limit > 0 {
		limit = &q.Limit
	}
	n := len(args)
	rows, err := queryAll(ctx, s.pool, scanContact, `SELECT `+contactCols+` FROM contacts c WHERE `+where+
		` ORDER BY c.sort_key, c.id LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("contacts of book %v: %w", q.Book, err)
	}
	return rows, total, nil
}

// Contact implements store.ContactStore.
func (s *Store) Contact(ctx context.Context, book store.ContactBook, id int64) (*store.ContactRow, error) {
	c, err := scanContact(s.pool.QueryRow(ctx, `SELECT `+contactCols+` FROM contacts c
		WHERE c.id = $1 AND c.domain_id = $2 AND c.account_id = $3`, id, book.DomainID, book.AccountID))
	if err != nil {
		return nil, fmt.Errorf("contact %d of book %v: %w", id, book, err)
	}
	return c, nil
}

// ContactByUID implements store.ContactStore.
func (s *Store) ContactByUID(ctx context.Context, book store.ContactBook, uid string) (*store.ContactRow, error) {
	c, err := scanContact(s.pool.QueryRow(ctx, `SELECT `+contactCols+` FROM contacts c
		WHERE c.domain_id = $1 AND c.account_id = $2 AND c.uid = $3`, book.DomainID, book.AccountID, uid))
	if err != nil {
		return nil, fmt.Errorf("contact %q of book %v: %w", uid, book, err)
	}
	return c, nil
}

// ContactBookVersion implements store.ContactStore.
func (s *Store) ContactBookVersion(ctx context.Context, book store.ContactBook) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT version FROM contact_books WHERE domain_id = $1 AND account_id = $2`,
		book.DomainID, book.AccountID).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err := s.write(ctx, func(tx pgx.Tx) error {
		saved = saved[:0]
		if err := bookExists(ctx, tx, book); err != nil {
			return err
		}
		v, err := bumpBook(ctx, tx, book)
		if err != nil {
			return err
		}
		check := &bookChecker{tx: tx, book: book, folders: map[int64]bool{}, groups: map[int64]bool{}}
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
				err := tx.QueryRow(ctx, `INSERT INTO contacts (domain_id, account_id, folder_id, uid, name, sort_key, search, data, version, updated_at)
					VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
					book.DomainID, book.AccountID, nullID(r.Folder), r.UID, r.Name, r.SortKey, r.Search, string(r.Data), v, at).Scan(&sc.id)
				if isUnique(err) {
					return fmt.Errorf("row %d: UID %q: %w", i, r.UID, store.ErrExists)
				}
				if err != nil {
					return err
				}
			} else {
				var cur int64
				var trashed bool
				if err := tx.QueryRow(ctx, `SELECT version, trashed, deleted_at FROM contacts WHERE id = $1 AND domain_id = $2 AND account_id = $3`,
					r.ID, book.DomainID, book.AccountID).Scan(&cur, &trashed, &sc.deleted); err != nil {
					return fmt.Errorf("row %d: contact %d: %w", i, r.ID, notFound(err))
				}
				if r.Version != 0 && r.Version != cur {
					return fmt.Errorf("row %d: contact %d is at version %d, not %d: %w", i, r.ID, cur, r.Version, store.ErrConflict)
				}
				if !trashed {
					sc.deleted = 0
				}
				_, err := tx.Exec(ctx, `UPDATE contacts SET folder_id = $1, uid = $2, name = $3, sort_key = $4, search = $5, data = $6, version = $7, updated_at = $8
					WHERE id = $9`, nullID(r.Folder), r.UID, r.Name, r.SortKey, r.Search, string(r.Data), v, at, r.ID)
				if isUnique(err) {
					return fmt.Errorf("row %d: UID %q: %w", i, r.UID, store.ErrExists)
				}
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `DELETE FROM contact_group_members WHERE contact_id = $1`, r.ID); err != nil {
					return err
				}
			}
			for _, g := range groups {
				if _, err := tx.Exec(ctx, `INSERT INTO contact_group_members (group_id, contact_id) VALUES ($1,$2)
					ON CONFLICT DO NOTHING`, g, sc.id); err != nil {
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
	err := s.changeContacts(ctx, book, ids, `UPDATE contacts SET trashed = true, deleted_at = $1, version = $2 WHERE NOT trashed AND id = ANY($3)`,
		func(v int64) []any { return []any{at, v} })
	if err != nil {
		return fmt.Errorf("trash contacts of book %v: %w", book, err)
	}
	return nil
}

// RestoreContacts implements store.ContactStore.
func (s *Store) RestoreContacts(ctx context.Context, book store.ContactBook, ids []int64) error {
	err := s.changeContacts(ctx, book, ids, `UPDATE contacts SET trashed = false, deleted_at = 0, version = $1 WHERE trashed AND id = ANY($2)`,
		func(v int64) []any { return []any{v} })
	if err != nil {
		return fmt.Errorf("restore contacts of book %v: %w", book, err)
	}
	return nil
}

// DeleteContacts implements store.ContactStore.
func (s *Store) DeleteContacts(ctx context.Context, book store.ContactBook, ids []int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		list, err := ownContacts(ctx, tx, book, ids)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM contact_group_members WHERE contact_id = ANY($1)`, list); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM contacts WHERE id = ANY($1)`, list); err != nil {
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
// update on them with the args set(version) puts first and the ids (a
// BIGINT[]) last; when no row changed, nothing is written.
func (s *Store) changeContacts(ctx context.Context, book store.ContactBook, ids []int64, update string, set func(v int64) []any) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		list, err := ownContacts(ctx, tx, book, ids)
		if err != nil {
			return err
		}
		v, err := bumpBook(ctx, tx, book)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, update, append(set(v), list)...)
		if err != nil {
			return err
		}
		if res.RowsAffected() == 0 {
			return errUnchanged
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// ownContacts returns ids sorted without repeats after checking that each is a
// contact of the book: ErrNotFound if one is not, errUnchanged if there
// are none.
func ownContacts(ctx context.Context, tx pgx.Tx, book store.ContactBook, ids []int64) ([]int64, error) {
	ids = sortedIDs(ids)
	if len(ids) == 0 {
		return nil, errUnchanged
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE domain_id = $1 AND account_id = $2 AND id = ANY($3)`,
		book.DomainID, book.AccountID, ids).Scan(&n)
	if err != nil {
		return nil, err
	}
	if n != len(ids) {
		return nil, fmt.Errorf("%d of %d contacts: %w", len(ids)-n, len(ids), store.ErrNotFound)
	}
	return ids, nil
}

// bookExists makes a write to a book whose account is not of its domain,
// or whose domain does not exist, ErrNotFound: nothing would ever delete
// its rows.
func bookExists(ctx context.Context, tx pgx.Tx, book store.ContactBook) error {
	var n int
	var err error
	if book.AccountID == 0 {
		err = tx.QueryRow(ctx, `SELECT count(*) FROM domains WHERE id = $1`, book.DomainID).Scan(&n)
	} else {
		err = tx.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE id = $1 AND domain_id = $2`, book.AccountID, book.DomainID).Scan(&n)
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
func bumpBook(ctx context.Context, tx pgx.Tx, book store.ContactBook) (int64, error) {
	var v int64
	err := tx.QueryRow(ctx, `INSERT INTO contact_books (domain_id, account_id, version) VALUES ($1, $2, 1)
		ON CONFLICT (domain_id, account_id) DO UPDATE SET version = contact_books.version + 1 RETURNING version`,
		book.DomainID, book.AccountID).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("raise version of book %v: %w", book, err)
	}
	return v, nil
}

// bookChecker answers whether folders and groups are of one book,
// remembering its answers for the rest of a batch.
type bookChecker struct {
	tx      pgx.Tx
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
		if err := b.tx.QueryRow(ctx, `SELECT count(*) FROM contact_folders WHERE id = $1 AND account_id = $2`, id, b.book.AccountID).Scan(&n); err != nil {
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
		if err := b.tx.QueryRow(ctx, `SELECT count(*) FROM contact_groups WHERE id = $1 AND domain_id = $2 AND account_id = $3`,
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
