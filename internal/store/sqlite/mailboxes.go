package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"postroom/internal/store"
)

const mailboxCols = `id, account_id, name, role, subscribed, uid_validity, uid_next, highest_modseq, created_at`

func scanMailbox(row scanner) (*store.Mailbox, error) {
	var m store.Mailbox
	var role string
	var created int64
	if err := row.Scan(&m.ID, &m.AccountID, &m.Name, &role, &m.Subscribed, &m.UIDValidity, &m.UIDNext, &m.HighestModSeq, &created); err != nil {
		return nil, notFound(err)
	}
	m.Role = store.Role(role)
	m.CreatedAt = fromNanos(created)
	return &m, nil
}

// nextUIDValidity allocates a UIDVALIDITY that is larger than every one
// handed out before (so a mailbox deleted and created again under the same
// name never reuses one; RFC 9051 §2.3.1.1) and starts near the clock.
func nextUIDValidity(ctx context.Context, tx *sql.Tx) (uint32, error) {
	var last int64
	err := tx.QueryRowContext(ctx, `SELECT value FROM counters WHERE name='uidvalidity'`).Scan(&last)
	if err != nil && err != sql.ErrNoRows {
		return 0, err
	}
	next := last + 1
	if t := time.Now().Unix(); t > next && t < 1<<32 {
		next = t
	}
	if next >= 1<<32 {
		next = 1
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ('uidvalidity', ?)
		ON CONFLICT (name) DO UPDATE SET value=excluded.value`, next)
	return uint32(next), err
}

func insertMailbox(ctx context.Context, tx *sql.Tx, accountID int64, name string, role store.Role) (*store.Mailbox, error) {
	v, err := nextUIDValidity(ctx, tx)
	if err != nil {
		return nil, err
	}
	t := now()
	res, err := tx.ExecContext(ctx, `INSERT INTO mailboxes (account_id, name, role, subscribed, uid_validity, created_at) VALUES (?,?,?,1,?,?)`,
		accountID, name, string(role), v, t)
	if isUnique(err) {
		return nil, store.ErrExists
	}
	if err != nil {
		return nil, err
	}
	id, _ := res.LastInsertId()
	return &store.Mailbox{ID: id, AccountID: accountID, Name: name, Role: role, Subscribed: true,
		UIDValidity: v, UIDNext: 1, HighestModSeq: 1, CreatedAt: fromNanos(t)}, nil
}

// Mailboxes implements store.MailboxStore.
func (s *Store) Mailboxes(ctx context.Context, accountID int64) ([]store.Mailbox, error) {
	return queryAll(ctx, s.db, scanMailbox, `SELECT `+mailboxCols+` FROM mailboxes WHERE account_id=? ORDER BY name`, accountID)
}

func getMailbox(ctx context.Context, q queryer, accountID, mailboxID int64) (*store.Mailbox, error) {
	return scanMailbox(q.QueryRowContext(ctx, `SELECT `+mailboxCols+` FROM mailboxes WHERE account_id=? AND id=?`, accountID, mailboxID))
}

// Mailbox implements store.MailboxStore.
func (s *Store) Mailbox(ctx context.Context, accountID, mailboxID int64) (*store.Mailbox, error) {
	return getMailbox(ctx, s.db, accountID, mailboxID)
}

// MailboxByName implements store.MailboxStore.
func (s *Store) MailboxByName(ctx context.Context, accountID int64, name string) (*store.Mailbox, error) {
	return scanMailbox(s.db.QueryRowContext(ctx, `SELECT `+mailboxCols+` FROM mailboxes WHERE account_id=? AND name=?`,
		accountID, store.CanonicalMailboxName(name)))
}

// MailboxByRole implements store.MailboxStore.
func (s *Store) MailboxByRole(ctx context.Context, accountID int64, role store.Role) (*store.Mailbox, error) {
	if role == store.RoleNone {
		return nil, store.ErrNotFound
	}
	return scanMailbox(s.db.QueryRowContext(ctx, `SELECT `+mailboxCols+` FROM mailboxes WHERE account_id=? AND role=? ORDER BY id LIMIT 1`,
		accountID, string(role)))
}

// CreateMailbox implements store.MailboxStore.
func (s *Store) CreateMailbox(ctx context.Context, accountID int64, name string) (*store.Mailbox, error) {
	return s.createMailbox(ctx, accountID, name, store.RoleNone)
}

// CreateSpecialMailbox implements store.MailboxStore.
func (s *Store) CreateSpecialMailbox(ctx context.Context, accountID int64, name string, role store.Role) (*store.Mailbox, error) {
	if role == store.RoleNone || role == store.RoleInbox {
		return nil, store.ErrProtected
	}
	return s.createMailbox(ctx, accountID, name, role)
}

func (s *Store) createMailbox(ctx context.Context, accountID int64, name string, role store.Role) (*store.Mailbox, error) {
	name = store.CanonicalMailboxName(name)
	if !store.ValidMailboxName(name) {
		return nil, store.ErrInvalid
	}
	var created *store.Mailbox
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE id=?`, accountID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		levels := strings.Split(name, store.MailboxDelimiter)
		for i := 1; i < len(levels); i++ {
			parent := strings.Join(levels[:i], store.MailboxDelimiter)
			if _, err := insertMailbox(ctx, tx, accountID, parent, store.RoleNone); err != nil && err != store.ErrExists {
				return err
			}
		}
		var err error
		if created, err = insertMailbox(ctx, tx, accountID, name, store.RoleNone); err != nil || role == store.RoleNone {
			return err
		}
		// the role moves: the new folder is inserted first, so a name
		// that is taken leaves the old holder as it was
		if _, err := tx.ExecContext(ctx, `UPDATE mailboxes SET role='' WHERE account_id=? AND role=?`, accountID, string(role)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mailboxes SET role=? WHERE id=?`, string(role), created.ID); err != nil {
			return err
		}
		created.Role = role
		return nil
	})
	return created, err
}

// RenameMailbox implements store.MailboxStore.
func (s *Store) RenameMailbox(ctx context.Context, accountID, mailboxID int64, newName string) error {
	newName = store.CanonicalMailboxName(newName)
	if !store.ValidMailboxName(newName) {
		return store.ErrInvalid
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		mb, err := getMailbox(ctx, tx, accountID, mailboxID)
		if err != nil {
			return err
		}
		if mb.Role != store.RoleNone || newName == "INBOX" {
			return store.ErrProtected
		}
		if newName == mb.Name {
			return nil
		}
		if strings.HasPrefix(newName, mb.Name+store.MailboxDelimiter) {
			return store.ErrInvalid // into its own child
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM mailboxes WHERE account_id=? AND (name=? OR `+childOf+`)`,
			accountID, newName, childPrefix(newName), childPrefix(newName)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrExists
		}
		// Children first keep their suffix under the new name.
		old := mb.Name
		rows, err := tx.QueryContext(ctx, `SELECT id, name FROM mailboxes WHERE account_id=? AND `+childOf, accountID, childPrefix(old), childPrefix(old))
		if err != nil {
			return err
		}
		type ren struct {
			id   int64
			name string
		}
		var kids []ren
		for rows.Next() {
			var r ren
			if err := rows.Scan(&r.id, &r.name); err != nil {
				rows.Close()
				return err
			}
			kids = append(kids, r)
		}
		rows.Close()
		for _, k := range kids {
			if _, err := tx.ExecContext(ctx, `UPDATE mailboxes SET name=? WHERE id=?`, newName+k.name[len(old):], k.id); err != nil {
				return err
			}
		}
		// Missing parents of the new name are created, as for CREATE.
		levels := strings.Split(newName, store.MailboxDelimiter)
		for i := 1; i < len(levels); i++ {
			parent := strings.Join(levels[:i], store.MailboxDelimiter)
			if _, err := insertMailbox(ctx, tx, accountID, parent, store.RoleNone); err != nil && err != store.ErrExists {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE mailboxes SET name=? WHERE id=?`, newName, mb.ID)
		return err
	})
}

// childOf matches the children of a mailbox; it takes childPrefix twice.
// It compares exactly: LIKE would ignore ASCII case, and mailbox names other
// than INBOX are case-sensitive (RFC 9051 §5.1).
const childOf = `substr(name, 1, length(?)) = ?`

func childPrefix(name string) string { return name + store.MailboxDelimiter }

// DeleteMailbox implements store.MailboxStore.
func (s *Store) DeleteMailbox(ctx context.Context, accountID, mailboxID int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		mb, err := getMailbox(ctx, tx, accountID, mailboxID)
		if err != nil {
			return err
		}
		if mb.Role != store.RoleNone {
			return store.ErrProtected
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM mailboxes WHERE account_id=? AND `+childOf,
			accountID, childPrefix(mb.Name), childPrefix(mb.Name)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrHasChildren
		}
		var bytes, count int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(size),0), count(*) FROM messages WHERE mailbox_id=?`, mb.ID).Scan(&bytes, &count); err != nil {
			return err
		}
		if err := releaseBlobs(ctx, tx, `SELECT blob_key FROM messages WHERE mailbox_id=?`, mb.ID); err != nil {
			return err
		}
		if err := addUsage(ctx, tx, accountID, -bytes, -count); err != nil {
			return err
		}
		indexRows, err := indexIDs(ctx, tx, `mailbox_id=?`, mb.ID)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM messages WHERE mailbox_id=?`, `DELETE FROM expunged WHERE mailbox_id=?`, `DELETE FROM mailboxes WHERE id=?`} {
			if _, err := tx.ExecContext(ctx, q, mb.ID); err != nil {
				return err
			}
		}
		return s.dropIndexRows(ctx, tx, indexRows) // those no copy elsewhere shares
	})
}

// SetSubscribed implements store.MailboxStore.
func (s *Store) SetSubscribed(ctx context.Context, accountID, mailboxID int64, subscribed bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mailboxes SET subscribed=? WHERE account_id=? AND id=?`, boolInt(subscribed), accountID, mailboxID)
		return affectedOne(res, err)
	})
}

// MailboxStatus implements store.MailboxStore.
func (s *Store) MailboxStatus(ctx context.Context, accountID, mailboxID int64) (store.MailboxStatus, error) {
	var st store.MailboxStatus
	if _, err := getMailbox(ctx, s.db, accountID, mailboxID); err != nil {
		return st, err
	}
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(1-seen),0), coalesce(sum(deleted),0), coalesce(sum(size),0),
		coalesce((SELECT min(uid) FROM messages WHERE mailbox_id=?1 AND seen=0), 0)
		FROM messages WHERE mailbox_id=?1`, mailboxID).Scan(&st.Messages, &st.Unseen, &st.Deleted, &st.Size, &st.FirstUnseen)
	return st, err
}
