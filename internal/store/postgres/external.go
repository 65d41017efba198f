package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// The lease columns of external_accounts make a claim one UPDATE inside
// the write transaction that read the row: a second node sees the lease
// and leaves the row alone until it ends.

const externalCols = `id, account_id, name, protocol, host, port, security, "user", password, folder, all_folders, leave,
	insecure_tls, every_minutes, enabled, next_run, last_run, last_imported, last_skipped, last_error, last_error_kind,
	failures, lease_owner, lease_until, created_at, updated_at`

// zeroNanos is t as stored, 0 for the zero time.
func zeroNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UTC().UnixNano()
}

// timeOf is zeroNanos read back.
func timeOf(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return fromNanos(n)
}

func scanExternal(r scanner) (*store.ExternalAccount, error) {
	var x store.ExternalAccount
	var all, leave, insecure, enabled bool
	var next, last, until, created, updated int64
	if err := r.Scan(&x.ID, &x.AccountID, &x.Name, &x.Protocol, &x.Host, &x.Port, &x.Security, &x.User, &x.Password,
		&x.Folder, &all, &leave, &insecure, &x.EveryMinutes, &enabled, &next, &last, &x.LastImported, &x.LastSkipped,
		&x.LastError, &x.LastErrorKind, &x.Failures, &x.LeaseOwner, &until, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	x.AllFolders, x.Leave, x.InsecureTLS, x.Enabled = all, leave, insecure, enabled
	x.NextRun, x.LastRun, x.LeaseUntil = timeOf(next), timeOf(last), timeOf(until)
	x.CreatedAt, x.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &x, nil
}

// ExternalAccounts implements store.ExternalAccountStore.
func (s *Store) ExternalAccounts(ctx context.Context, accountID int64) ([]store.ExternalAccount, error) {
	xs, err := queryAll(ctx, s.pool, scanExternal, `SELECT `+externalCols+` FROM external_accounts WHERE account_id=$1 ORDER BY id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("external accounts of account %d: %w", accountID, err)
	}
	return xs, nil
}

// ExternalAccount implements store.ExternalAccountStore.
func (s *Store) ExternalAccount(ctx context.Context, accountID, id int64) (*store.ExternalAccount, error) {
	x, err := scanExternal(s.pool.QueryRow(ctx, `SELECT `+externalCols+` FROM external_accounts WHERE id=$1 AND account_id=$2`, id, accountID))
	if err != nil {
		return nil, fmt.Errorf("external account %d: %w", id, err)
	}
	return x, nil
}

// CreateExternalAccount implements store.ExternalAccountStore.
func (s *Store) CreateExternalAccount(ctx context.Context, x *store.ExternalAccount, limit int) error {
	at := now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		// the account's row lock makes the count and the insert one step
		if err := lockRow(ctx, tx, `SELECT 1 FROM accounts WHERE id=$1 FOR UPDATE`, x.AccountID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM external_accounts WHERE account_id=$1`, x.AccountID).Scan(&n); err != nil {
			return err
		}
		if n >= limit {
			return store.ErrTooMany
		}
		err := tx.QueryRow(ctx, `INSERT INTO external_accounts (account_id, name, protocol, host, port, security, "user", password,
			folder, all_folders, leave, insecure_tls, every_minutes, enabled, next_run, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING id`, x.AccountID, x.Name, x.Protocol, x.Host, x.Port, x.Security, x.User,
			x.Password, x.Folder, x.AllFolders, x.Leave, x.InsecureTLS, x.EveryMinutes,
			x.Enabled, zeroNanos(x.NextRun), at, at).Scan(&x.ID)
		if err != nil {
			return err
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create external account of account %d: %w", x.AccountID, err)
	}
	x.CreatedAt, x.UpdatedAt = fromNanos(at), fromNanos(at)
	return nil
}

// UpdateExternalAccount implements store.ExternalAccountStore.
func (s *Store) UpdateExternalAccount(ctx context.Context, x *store.ExternalAccount) error {
	at := now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `UPDATE external_accounts SET name=$1, protocol=$2, host=$3, port=$4, security=$5, "user"=$6,
			password=$7, folder=$8, all_folders=$9, leave=$10, insecure_tls=$11, every_minutes=$12, enabled=$13, next_run=$14, updated_at=$15
			WHERE id=$16 AND account_id=$17`, x.Name, x.Protocol, x.Host, x.Port, x.Security, x.User, x.Password, x.Folder,
			x.AllFolders, x.Leave, x.InsecureTLS, x.EveryMinutes, x.Enabled,
			zeroNanos(x.NextRun), at, x.ID, x.AccountID))
	})
	if err != nil {
		return fmt.Errorf("update external account %d: %w", x.ID, err)
	}
	x.UpdatedAt = fromNanos(at)
	return nil
}

// DeleteExternalAccount implements store.ExternalAccountStore (the UIDLs
// go with it: ON DELETE CASCADE).
func (s *Store) DeleteExternalAccount(ctx context.Context, accountID, id int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `DELETE FROM external_accounts WHERE id=$1 AND account_id=$2`, id, accountID))
	})
	if err != nil {
		return fmt.Errorf("delete external account %d: %w", id, err)
	}
	return nil
}

// ClaimExternalAccount implements store.ExternalAccountStore.
func (s *Store) ClaimExternalAccount(ctx context.Context, accountID, id int64, owner string, at time.Time, lease time.Duration) (*store.ExternalAccount, error) {
	var x *store.ExternalAccount
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		x, err = scanExternal(tx.QueryRow(ctx, `SELECT `+externalCols+` FROM external_accounts WHERE id=$1 AND account_id=$2 FOR UPDATE`, id, accountID))
		if err != nil {
			return err
		}
		if x.LeaseOwner != "" && x.LeaseOwner != owner && x.LeaseUntil.After(at) {
			return store.ErrConflict
		}
		x.LeaseOwner, x.LeaseUntil = owner, at.Add(lease).UTC()
		_, err = tx.Exec(ctx, `UPDATE external_accounts SET lease_owner=$1, lease_until=$2 WHERE id=$3`, owner, zeroNanos(x.LeaseUntil), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim external account %d: %w", id, err)
	}
	return x, nil
}

// ClaimDueExternalAccounts implements store.ExternalAccountStore. SKIP
// LOCKED: an account another node is claiming now is left to it.
func (s *Store) ClaimDueExternalAccounts(ctx context.Context, owner string, at time.Time, lease time.Duration, limit int) ([]store.ExternalAccount, error) {
	var xs []store.ExternalAccount
	err := s.write(ctx, func(tx pgx.Tx) error {
		t := zeroNanos(at)
		var err error
		xs, err = queryAll(ctx, tx, scanExternal, `SELECT `+externalCols+` FROM external_accounts
			WHERE enabled AND next_run<>0 AND next_run<=$1 AND lease_until<=$2 ORDER BY next_run, id LIMIT $3
			FOR UPDATE SKIP LOCKED`, t, t, limit)
		if err != nil {
			return err
		}
		until := at.Add(lease).UTC()
		for i := range xs {
			xs[i].LeaseOwner, xs[i].LeaseUntil = owner, until
			if _, err := tx.Exec(ctx, `UPDATE external_accounts SET lease_owner=$1, lease_until=$2 WHERE id=$3`, owner, zeroNanos(until), xs[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim due external accounts: %w", err)
	}
	return xs, nil
}

// FinishExternalFetch implements store.ExternalAccountStore.
func (s *Store) FinishExternalFetch(ctx context.Context, x *store.ExternalAccount, owner string) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE external_accounts SET last_run=$1, last_imported=$2, last_skipped=$3, last_error=$4,
			last_error_kind=$5, failures=$6, next_run=$7, lease_owner='', lease_until=0 WHERE id=$8 AND account_id=$9 AND lease_owner=$10`,
			zeroNanos(x.LastRun), x.LastImported, x.LastSkipped, x.LastError, x.LastErrorKind, x.Failures, zeroNanos(x.NextRun),
			x.ID, x.AccountID, owner)
		if err != nil {
			return err
		}
		if n := res.RowsAffected(); n == 1 {
			return err
		}
		return store.ErrConflict
	})
	if err != nil {
		return fmt.Errorf("finish fetch of external account %d: %w", x.ID, err)
	}
	x.LeaseOwner, x.LeaseUntil = "", time.Time{}
	return nil
}

// ExternalUIDLs implements store.ExternalAccountStore.
func (s *Store) ExternalUIDLs(ctx context.Context, externalID int64) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT uidl FROM external_uidls WHERE external_id=$1`, externalID)
	if err != nil {
		return nil, fmt.Errorf("uidls of external account %d: %w", externalID, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out[u] = true
	}
	return out, rows.Err()
}

// AddExternalUIDL implements store.ExternalAccountStore.
func (s *Store) AddExternalUIDL(ctx context.Context, externalID int64, uidl string, at time.Time) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO external_uidls (external_id, uidl, fetched_at) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`,
			externalID, uidl, zeroNanos(at))
		return err
	})
}

// KeepExternalUIDLs implements store.ExternalAccountStore.
func (s *Store) KeepExternalUIDLs(ctx context.Context, externalID int64, present []string) error {
	keep := make(map[string]bool, len(present))
	for _, u := range present {
		keep[u] = true
	}
	have, err := s.ExternalUIDLs(ctx, externalID)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		for u := range have {
			if keep[u] {
				continue
			}
			if _, err := tx.Exec(ctx, `DELETE FROM external_uidls WHERE external_id=$1 AND uidl=$2`, externalID, u); err != nil {
				return err
			}
		}
		return nil
	})
}
