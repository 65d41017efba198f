package postgres

// Mailboxes: an account's folders, their UIDVALIDITY, UIDNEXT and
// HIGHESTMODSEQ (allocated in messages.go under the mailbox row's lock).

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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

// nextUIDValidity allocates a UIDVALIDITY larger than every one handed out
// before in this database (so a mailbox deleted and created again under
// the same name never reuses one; RFC 9051 §2.3.1.1), starting near the
// clock. The counter row is locked by the upsert until commit: mailbox
// creations serialise on it, which they are rare enough to afford.
func nextUIDValidity(ctx context.Context, tx pgx.Tx) (uint32, error) {
	clock := time.Now().Unix()
	if clock >= 1<<32 {
		clock = 0
	}
	var next int64
	err := tx.QueryRow(ctx, `INSERT INTO counters (name, value) VALUES ('uidvalidity', greatest($1::bigint, 1))
		ON CONFLICT (name) DO UPDATE SET value = CASE
			WHEN counters.value + 1 >= 4294967296 THEN 1
			ELSE greatest(counters.value + 1, $1::bigint) END
		RETURNING value`, clock).Scan(&next)
	return uint32(next), err
}

// insertMailbox creates one mailbox; store.ErrExists when the name is taken.
// A savepoint keeps a unique violation from aborting the caller's
// transaction, since callers go on after ErrExists (missing parents).
func insertMailbox(ctx context.Context, tx pgx.Tx, accountID int64, name string, role store.Role) (*store.Mailbox, error) {
	v, err := nextUIDValidity(ctx, tx)
	if err != nil {
		return nil, err
	}
	t := now()
	var id int64
	err = pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
		return sp.QueryRow(ctx, `INSERT INTO mailboxes (account_id, name, role, subscribed, uid_validity, created_at)
			VALUES ($1,$2,$3,true,$4,$5) RETURNING id`, accountID, name, string(role), int64(v), t).Scan(&id)
	})
	if isUnique(err) {
		return nil, store.ErrExists
	}
	if err != nil {
		return nil, err
	}
	return &store.Mailbox{ID: id, AccountID: accountID, Name: name, Role: role, Subscribed: true,
		UIDValidity: v, UIDNext: 1, HighestModSeq: 1, CreatedAt: fromNanos(t)}, nil
}

// Mailboxes implements store.MailboxStore.
func (s *Store) Mailboxes(ctx context.Context, accountID int64) ([]store.Mailbox, error) {
	return queryAll(ctx, s.pool, scanMailbox, `SELECT `+mailboxCols+` FROM mailboxes WHERE account_id=$1 ORDER BY name`, accountID)
}

func getMailbox(ctx context.Context, q queryer, accountID, mailboxID int64) (*store.Mailbox, error) {
	return scanMailbox(q.QueryRow(ctx, `SELECT `+mailboxCols+` FROM mailboxes WHERE account_id=$1 AND id=$2`, accountID, mailboxID))
}

// lockMailbox reads the account's mailbox and locks its row until commit:
// what every change to the mailbox's messages does first.
func lockMailbox(ctx context.Context, tx pgx.Tx, accountID, mailboxID int64) (*store.Mailbox, error) {
	return scanMailbox(tx.QueryRow(ctx, `SELECT `+mailboxCols+` FROM mailboxes WHERE account_id=$1 AND id=$2 FOR UPDATE`, accountID, mailboxID))
}

// Mailbox implements store.MailboxStore.
func (s *Store) Mailbox(ctx context.Context, accountID, mailboxID int64) (*store.Mailbox, error) {
	return getMailbox(ctx, s.pool, accountID, mailboxID)
}

// MailboxByName implements store.MailboxStore.
func (s *Store) MailboxByName(ctx context.Context, accountID int64, name string) (*store.Mailbox, error) {
	return scanMailbox(s.pool.QueryRow(ctx, `SELECT `+mailboxCols+` FROM mailboxes WHERE account_id=$1 AND name=$2`,
		accountID, store.CanonicalMailboxName(name)))
}

// MailboxByRole implements store.MailboxStore.
func (s *Store) MailboxByRole(ctx context.Context, accountID int64, role store.Role) (*store.Mailbox, error) {
	if role == store.RoleNone {
		return nil, store.ErrNotFound
	}
	return scanMailbox(s.pool.QueryRow(ctx, `SELECT `+mailboxCols+` FROM mailboxes WHERE account_id=$1 AND role=$2 ORDER BY id LIMIT 1`,
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
	err := s.write(ctx, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM accounts WHERE id=$1 FOR SHARE`, accountID).Scan(&id); err != nil {
			return notFound(err)
		}
		if err := createParents(ctx, tx, accountID, name); err != nil {
			return err
		}
		var err error
		if created, err = insertMailbox(ctx, tx, accountID, name, store.RoleNone); err != nil || role == store.RoleNone {
			return err
		}
		// The role moves: the new folder is inserted first, so a name
		// that is taken leaves the old holder as it was.
		if _, err := tx.Exec(ctx, `UPDATE mailboxes SET role='' WHERE account_id=$1 AND role=$2`, accountID, string(role)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE mailboxes SET role=$1 WHERE id=$2`, string(role), created.ID); err != nil {
			return err
		}
		created.Role = role
		return nil
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// createParents creates the missing parents of name, as IMAP CREATE does.
func createParents(ctx context.Context, tx pgx.Tx, accountID int64, name string) error {
	levels := strings.Split(name, store.MailboxDelimiter)
	for i := 1; i < len(levels); i++ {
		parent := strings.Join(levels[:i], store.MailboxDelimiter)
		if _, err := insertMailbox(ctx, tx, accountID, parent, store.RoleNone); err != nil && !errors.Is(err, store.ErrExists) {
			return err
		}
	}
	return nil
}

// childOf matches the children of a mailbox named by its parameter
// (childPrefix); starts_with compares bytes exactly, as mailbox names other
// than INBOX are case-sensitive (RFC 9051 §5.1) and LIKE would read % and _.
const childOf = `starts_with(name, $2)`

func childPrefix(name string) string { return name + store.MailboxDelimiter }

// RenameMailbox implements store.MailboxStore.
func (s *Store) RenameMailbox(ctx context.Context, accountID, mailboxID int64, newName string) error {
	newName = store.CanonicalMailboxName(newName)
	if !store.ValidMailboxName(newName) {
		return store.ErrInvalid
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		mb, err := lockMailbox(ctx, tx, accountID, mailboxID)
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
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM mailboxes WHERE account_id=$1 AND (name=$3 OR `+childOf+`)`,
			accountID, childPrefix(newName), newName).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrExists
		}
		old := mb.Name
		// Children keep their suffix under the new name.
		if _, err := tx.Exec(ctx, `UPDATE mailboxes SET name = $3 || substr(name, $4) WHERE account_id=$1 AND `+childOf,
			accountID, childPrefix(old), newName, len([]rune(old))+1); err != nil {
			return err
		}
		if err := createParents(ctx, tx, accountID, newName); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE mailboxes SET name=$1 WHERE id=$2`, newName, mb.ID)
		return err
	})
}

// DeleteMailbox implements store.MailboxStore.
func (s *Store) DeleteMailbox(ctx context.Context, accountID, mailboxID int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		mb, err := lockMailbox(ctx, tx, accountID, mailboxID)
		if err != nil {
			return err
		}
		if mb.Role != store.RoleNone {
			return store.ErrProtected
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM mailboxes WHERE account_id=$1 AND `+childOf,
			accountID, childPrefix(mb.Name)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrHasChildren
		}
		var bytes, count int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(size),0), count(*) FROM messages WHERE mailbox_id=$1`, mb.ID).Scan(&bytes, &count); err != nil {
			return err
		}
		if _, err := releaseBlobs(ctx, tx, `DELETE FROM messages WHERE mailbox_id=$1 RETURNING blob_key`, mb.ID); err != nil {
			return err
		}
		if err := addUsage(ctx, tx, accountID, -bytes, -count); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM expunged WHERE mailbox_id=$1`,
			`DELETE FROM mailboxes WHERE id=$1`} {
			if _, err := tx.Exec(ctx, q, mb.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetSubscribed implements store.MailboxStore.
func (s *Store) SetSubscribed(ctx context.Context, accountID, mailboxID int64, subscribed bool) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `UPDATE mailboxes SET subscribed=$1 WHERE account_id=$2 AND id=$3`, subscribed, accountID, mailboxID))
	})
}

// MailboxStatus implements store.MailboxStore.
func (s *Store) MailboxStatus(ctx context.Context, accountID, mailboxID int64) (store.MailboxStatus, error) {
	var st store.MailboxStatus
	if _, err := getMailbox(ctx, s.pool, accountID, mailboxID); err != nil {
		return st, err
	}
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE NOT seen), count(*) FILTER (WHERE deleted),
		coalesce(sum(size),0), coalesce(min(uid) FILTER (WHERE NOT seen), 0)
		FROM messages WHERE mailbox_id=$1`, mailboxID).Scan(&st.Messages, &st.Unseen, &st.Deleted, &st.Size, &st.FirstUnseen)
	return st, err
}
