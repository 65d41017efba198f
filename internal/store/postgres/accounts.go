package postgres

// Accounts: a domain's mail users, their usage counters.

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

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
	a.LocalPart = lowerTrim(a.LocalPart)
	if a.LocalPart == "" || strings.ContainsAny(a.LocalPart, "@ \t\r\n") {
		return store.ErrInvalid
	}
	if a.POP3Delete == "" {
		a.POP3Delete = store.POP3Keep
	}
	if !validPOP3Delete(a.POP3Delete) {
		return store.ErrInvalid
	}
	t := now()
	lang, tz := a.Language, a.TimeZone
	err := s.write(ctx, func(tx pgx.Tx) error {
		var dlang, dtz string
		// FOR SHARE: a DeleteDomain running meanwhile waits for this
		// account (and then deletes it) instead of missing it.
		if err := tx.QueryRow(ctx, `SELECT name, language, time_zone FROM domains WHERE id=$1 FOR SHARE`, a.DomainID).
			Scan(&a.Domain, &dlang, &dtz); err != nil {
			return notFound(err)
		}
		a.Language, a.TimeZone = lang, tz
		if a.Language == "" {
			a.Language = dlang
		}
		if a.TimeZone == "" {
			a.TimeZone = dtz
		}
		err := tx.QueryRow(ctx, `INSERT INTO accounts (domain_id, local_part, display_name, password_hash, quota_bytes,
			enabled, client_access, admin, language, time_zone, pop3_delete, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
			a.DomainID, a.LocalPart, a.DisplayName, a.PasswordHash, a.QuotaBytes,
			a.Enabled, a.ClientAccess, a.Admin, a.Language, a.TimeZone, a.POP3Delete, t).Scan(&a.ID)
		if isUnique(err) {
			return store.ErrExists
		}
		if err != nil {
			return err
		}
		for _, mb := range store.DefaultMailboxes {
			if _, err := insertMailbox(ctx, tx, a.ID, mb.Name, mb.Role); err != nil {
				return fmt.Errorf("mailbox %s: %w", mb.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.CreatedAt = fromNanos(t)
	a.Usage = store.Usage{}
	return nil
}

// Account implements store.AccountStore.
func (s *Store) Account(ctx context.Context, id int64) (*store.Account, error) {
	return scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountCols+accountFrom+`WHERE a.id=$1`, id))
}

// AccountByAddress implements store.AccountStore.
func (s *Store) AccountByAddress(ctx context.Context, address string) (*store.Account, error) {
	at := strings.LastIndexByte(address, '@')
	if at <= 0 {
		return nil, store.ErrNotFound
	}
	local, domain := strings.ToLower(address[:at]), strings.ToLower(address[at+1:])
	return scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountCols+accountFrom+`WHERE d.name=$1 AND a.local_part=$2`, domain, local))
}

// Accounts implements store.AccountStore.
func (s *Store) Accounts(ctx context.Context, domainID int64) ([]store.Account, error) {
	return queryAll(ctx, s.pool, scanAccount, `SELECT `+accountCols+accountFrom+`WHERE a.domain_id=$1 ORDER BY a.local_part`, domainID)
}

// UpdateAccount implements store.AccountStore.
func (s *Store) UpdateAccount(ctx context.Context, a *store.Account) error {
	if a.POP3Delete == "" {
		a.POP3Delete = store.POP3Keep
	}
	if !validPOP3Delete(a.POP3Delete) {
		return store.ErrInvalid
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `UPDATE accounts SET display_name=$1, password_hash=$2, quota_bytes=$3, enabled=$4,
			client_access=$5, admin=$6, language=$7, time_zone=$8, pop3_delete=$9 WHERE id=$10`,
			a.DisplayName, a.PasswordHash, a.QuotaBytes, a.Enabled, a.ClientAccess, a.Admin,
			a.Language, a.TimeZone, a.POP3Delete, a.ID))
	})
}

// SetAccountLocale implements store.AccountStore.
func (s *Store) SetAccountLocale(ctx context.Context, id int64, language, timeZone string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `UPDATE accounts SET language=$1, time_zone=$2 WHERE id=$3`, language, timeZone, id))
	})
}

// DeleteAccount implements store.AccountStore.
func (s *Store) DeleteAccount(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx pgx.Tx) error { return deleteAccountTx(ctx, tx, id) })
}

// deleteAccountTx removes an account with its mail, releasing the blob
// references of its messages and uploads and its share of the domain's
// usage; the account_gone trigger removes its other rows.
func deleteAccountTx(ctx context.Context, tx pgx.Tx, id int64) error {
	// Lock the account's mailboxes, in id order, and then the account: the
	// order an append locks them in, so that no append is halfway into
	// one of them and the two cannot deadlock.
	if _, err := tx.Exec(ctx, `SELECT id FROM mailboxes WHERE account_id=$1 ORDER BY id FOR UPDATE`, id); err != nil {
		return err
	}
	var domainID, used int64
	if err := tx.QueryRow(ctx, `SELECT domain_id, used_bytes FROM accounts WHERE id=$1 FOR UPDATE`, id).Scan(&domainID, &used); err != nil {
		return notFound(err)
	}
	for _, q := range []string{
		`DELETE FROM messages WHERE account_id=$1 RETURNING blob_key`,
		`DELETE FROM uploads WHERE account_id=$1 RETURNING blob_key`,
	} {
		if _, err := releaseBlobs(ctx, tx, q, id); err != nil {
			return fmt.Errorf("delete account %d: %w", id, err)
		}
	}
	for _, q := range []string{
		`DELETE FROM web_sessions WHERE account_id=$1`,
		`DELETE FROM expunged WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id=$1)`,
		`DELETE FROM mailboxes WHERE account_id=$1`,
		`DELETE FROM accounts WHERE id=$1`,
	} {
		if _, err := tx.Exec(ctx, q, id); err != nil {
			return fmt.Errorf("delete account %d: %w", id, err)
		}
	}
	_, err := tx.Exec(ctx, `UPDATE domains SET used_bytes = used_bytes - $1 WHERE id=$2`, used, domainID)
	return err
}

// Usage implements store.AccountStore.
func (s *Store) Usage(ctx context.Context, accountID int64) (store.Usage, error) {
	var u store.Usage
	err := s.pool.QueryRow(ctx, `SELECT used_bytes, used_messages FROM accounts WHERE id=$1`, accountID).Scan(&u.Bytes, &u.Messages)
	return u, notFound(err)
}

// LoginEpoch implements store.AccountStore: the login_epoch row, which
// the schema's triggers move.
func (s *Store) LoginEpoch(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT n FROM login_epoch WHERE id=1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("login epoch: %w", err)
	}
	return n, nil
}

func validPOP3Delete(v string) bool {
	return v == store.POP3Keep || v == store.POP3Trash || v == store.POP3Delete
}
