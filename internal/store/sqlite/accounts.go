package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"postroom/internal/store"
)

const accountCols = `a.id, a.domain_id, d.name, a.local_part, a.display_name, a.password_hash, a.quota_bytes,
	a.enabled, a.client_access, a.admin, a.language, a.time_zone, a.pop3_delete, a.created_at, a.used_bytes, a.used_messages`

const accountFrom = ` FROM accounts a JOIN domains d ON d.id = a.domain_id `

func scanAccount(row scanner) (*store.Account, error) {
	var a store.Account
	var created int64
	if err := row.Scan(&a.ID, &a.DomainID, &a.Domain, &a.LocalPart, &a.DisplayName, &a.PasswordHash, &a.QuotaBytes,
		&a.Enabled, &a.ClientAccess, &a.Admin, &a.Language, &a.TimeZone, &a.POP3Delete, &created, &a.Usage.Bytes, &a.Usage.Messages); err != nil {
		return nil, notFound(err)
	}
	a.CreatedAt = fromNanos(created)
	return &a, nil
}

// CreateAccount implements store.AccountStore.
func (s *Store) CreateAccount(ctx context.Context, a *store.Account) error {
	a.LocalPart = strings.ToLower(strings.TrimSpace(a.LocalPart))
	if a.LocalPart == "" || strings.ContainsAny(a.LocalPart, "@ \t\r\n") {
		return store.ErrInvalid
	}
	if a.POP3Delete == "" {
		a.POP3Delete = store.POP3Keep
	}
	if !validPOP3Delete(a.POP3Delete) {
		return store.ErrInvalid
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var lang, tz string
		err := tx.QueryRowContext(ctx, `SELECT name, language, time_zone FROM domains WHERE id=?`, a.DomainID).Scan(&a.Domain, &lang, &tz)
		if err != nil {
			return notFound(err)
		}
		if a.Language == "" {
			a.Language = lang
		}
		if a.TimeZone == "" {
			a.TimeZone = tz
		}
		t := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO accounts (domain_id, local_part, display_name, password_hash, quota_bytes,
			enabled, client_access, admin, language, time_zone, pop3_delete, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
			a.DomainID, a.LocalPart, a.DisplayName, a.PasswordHash, a.QuotaBytes,
			boolInt(a.Enabled), boolInt(a.ClientAccess), boolInt(a.Admin), a.Language, a.TimeZone, a.POP3Delete, t)
		if isUnique(err) {
			return store.ErrExists
		}
		if err != nil {
			return err
		}
		a.ID, _ = res.LastInsertId()
		a.CreatedAt = fromNanos(t)
		a.Usage = store.Usage{}
		for _, mb := range store.DefaultMailboxes {
			if _, err := insertMailbox(ctx, tx, a.ID, mb.Name, mb.Role); err != nil {
				return err
			}
		}
		return nil
	})
}

// Account implements store.AccountStore.
func (s *Store) Account(ctx context.Context, id int64) (*store.Account, error) {
	return scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountCols+accountFrom+`WHERE a.id=?`, id))
}

// AccountByAddress implements store.AccountStore.
func (s *Store) AccountByAddress(ctx context.Context, address string) (*store.Account, error) {
	at := strings.LastIndexByte(address, '@')
	if at <= 0 {
		return nil, store.ErrNotFound
	}
	local, domain := strings.ToLower(address[:at]), strings.ToLower(address[at+1:])
	return scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountCols+accountFrom+`WHERE d.name=? AND a.local_part=?`, domain, local))
}

// Accounts implements store.AccountStore.
func (s *Store) Accounts(ctx context.Context, domainID int64) ([]store.Account, error) {
	return queryAll(ctx, s.db, scanAccount, `SELECT `+accountCols+accountFrom+`WHERE a.domain_id=? ORDER BY a.local_part`, domainID)
}

// UpdateAccount implements store.AccountStore.
func (s *Store) UpdateAccount(ctx context.Context, a *store.Account) error {
	if a.POP3Delete == "" {
		a.POP3Delete = store.POP3Keep
	}
	if !validPOP3Delete(a.POP3Delete) {
		return store.ErrInvalid
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET display_name=?, password_hash=?, quota_bytes=?, enabled=?,
			client_access=?, admin=?, language=?, time_zone=?, pop3_delete=? WHERE id=?`,
			a.DisplayName, a.PasswordHash, a.QuotaBytes, boolInt(a.Enabled), boolInt(a.ClientAccess), boolInt(a.Admin),
			a.Language, a.TimeZone, a.POP3Delete, a.ID)
		return affectedOne(res, err)
	})
}

// SetAccountLocale implements store.AccountStore.
func (s *Store) SetAccountLocale(ctx context.Context, id int64, language, timeZone string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET language=?, time_zone=? WHERE id=?`, language, timeZone, id)
		return affectedOne(res, err)
	})
}

// DeleteAccount implements store.AccountStore.
func (s *Store) DeleteAccount(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error { return s.deleteAccountTx(ctx, tx, id) })
}

func (s *Store) deleteAccountTx(ctx context.Context, tx *sql.Tx, id int64) error {
	var domainID, used int64
	if err := tx.QueryRowContext(ctx, `SELECT domain_id, used_bytes FROM accounts WHERE id=?`, id).Scan(&domainID, &used); err != nil {
		return notFound(err)
	}
	if err := releaseBlobs(ctx, tx, `SELECT blob_key FROM messages WHERE account_id=? UNION ALL SELECT blob_key FROM uploads WHERE account_id=?`, id, id); err != nil {
		return err
	}
	// copies stay within their account, so this frees every row its
	// messages share (index.go)
	indexRows, err := indexIDs(ctx, tx, `account_id=?`, id)
	if err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM uploads WHERE account_id=?`,
		`DELETE FROM web_sessions WHERE account_id=?`,
		`DELETE FROM expunged WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id=?)`,
		`DELETE FROM messages WHERE account_id=?`,
		`DELETE FROM mailboxes WHERE account_id=?`,
		`DELETE FROM accounts WHERE id=?`,
	} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	if err := s.dropIndexRows(ctx, tx, indexRows); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE domains SET used_bytes = used_bytes - ? WHERE id=?`, used, domainID)
	return err
}

// Usage implements store.AccountStore.
func (s *Store) Usage(ctx context.Context, accountID int64) (store.Usage, error) {
	var u store.Usage
	err := s.db.QueryRowContext(ctx, `SELECT used_bytes, used_messages FROM accounts WHERE id=?`, accountID).Scan(&u.Bytes, &u.Messages)
	return u, notFound(err)
}

// LoginEpoch implements store.AccountStore: the login_epoch row, which
// the schema's triggers move.
func (s *Store) LoginEpoch(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT n FROM login_epoch WHERE id=1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("login epoch: %w", err)
	}
	return n, nil
}

func validPOP3Delete(v string) bool {
	return v == store.POP3Keep || v == store.POP3Trash || v == store.POP3Delete
}
