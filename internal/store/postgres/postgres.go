// Package postgres is the scale-out storage backend: the store.Store
// interfaces on PostgreSQL (jackc/pgx v5 through a pgxpool), shared by
// every Postroom node of a cluster. It owns its schema (schema.go, a
// versioned migration list of its own: nothing is shared with store/sqlite)
// and the SQL of every method.
//
// Invariants:
//   - Tenancy: every query that reads or changes mail names the account
//     (or, for a domain's rows, the domain) it is for; a row of another
//     tenant is store.ErrNotFound, never an error that tells it exists.
//   - UIDs and MODSEQs are allocated by an UPDATE of the mailbox row
//     (... RETURNING) inside the transaction that writes the messages. The
//     row lock it takes is held to commit, so a second writer to the
//     mailbox waits, and commit order equals UID order: a reader never
//     sees UID n+1 without UID n (TestUIDsBecomeVisibleInOrder). A write
//     that locks two mailboxes (copy, move) locks them in id order.
//   - Blob reference counts and usage counters change only inside the
//     transaction that writes the rows that reference them.
//   - Writes run at READ COMMITTED in one transaction each (Store.write);
//     a deadlock or serialization failure rolls back and is retried.
//   - Migrations (schema.go) run at Open, each in a transaction of its own
//     under pg_advisory_xact_lock, so that nodes starting at once apply
//     each migration exactly once.
//
// Times are BIGINT nanoseconds since the epoch (UTC), as in store/sqlite,
// because TIMESTAMPTZ keeps only microseconds and the store gives back the
// time it was given.
//
// Why pgxpool and not database/sql with pgx's stdlib driver: the pool's
// AfterConnect sets search_path on each connection (a schema per test run,
// or per installation), pgx.Tx gives the retry loop the error codes
// directly, and pgx scans BIGINT into uint32/uint64 with range checks; the
// code is no longer for it.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"postroom/internal/metrics"
	"postroom/internal/store"
)

// Options tunes Open. The zero value is the default.
type Options struct {
	// Schema, when set, is the search_path of every pooled connection:
	// the schema holding Postroom's tables (it must exist). Empty: the
	// DSN's or the server's default.
	Schema string
	// MaxConns caps the pool; 0: pgxpool's default (or the DSN's
	// pool_max_conns).
	MaxConns int32
}

// Store is the PostgreSQL implementation of the store interfaces.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at dsn (a libpq URL or key=value string),
// applies the migrations it has not seen yet and returns the store.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse dsn: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.Schema != "" {
		path := pgx.Identifier{opts.Schema}.Sanitize()
		cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
			if _, err := c.Exec(ctx, "SET search_path TO "+path); err != nil {
				return fmt.Errorf("postgres: set search_path %s: %w", path, err)
			}
			return nil
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// migrate applies the migrations not yet recorded in schema_migrations,
// each in its own transaction under an advisory lock that is the same for
// every node using this schema, so two nodes starting at once neither
// apply one twice nor race on creating schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	for {
		applied, err := s.migrateOne(ctx)
		if err != nil || !applied {
			return err
		}
	}
}

// migrateOne applies the next migration, if any, and reports whether it did.
func (s *Store) migrateOne(ctx context.Context) (bool, error) {
	applied := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('postroom migrate ' || current_schema()))`); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("schema_migrations: %w", err)
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
			return fmt.Errorf("read version: %w", err)
		}
		if version > len(migrations) {
			return fmt.Errorf("database schema version %d is newer than this program's %d", version, len(migrations))
		}
		if version == len(migrations) {
			return nil
		}
		if _, err := tx.Exec(ctx, migrations[version]); err != nil {
			return fmt.Errorf("migration %d: %w", version+1, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, version+1); err != nil {
			return fmt.Errorf("record migration %d: %w", version+1, err)
		}
		applied = true
		return nil
	})
	return applied, err
}

// SchemaVersion returns the number of migrations applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// write runs fn in one transaction, retrying it from the start when
// PostgreSQL aborts it for a deadlock or a serialization failure (two
// writers locking rows in different orders), which is safe because fn
// only touches the database. fn must reset any result it collects.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	start := time.Now()
	defer func() { metrics.StoreWrite("postgres", time.Since(start)) }()
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, fn)
		if !retryable(err) {
			return full(err)
		}
	}
	return err
}

// SQLSTATE codes the store acts on (PostgreSQL Appendix A).
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlock             = "40P01"
	codeDiskFull             = "53100"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func retryable(err error) bool {
	c := pgCode(err)
	return c == codeSerializationFailure || c == codeDeadlock
}

func isUnique(err error) bool { return pgCode(err) == codeUniqueViolation }

func isForeignKey(err error) bool { return pgCode(err) == codeForeignKeyViolation }

// full marks a write that failed for want of disk with store.ErrFull.
func full(err error) error {
	if pgCode(err) == codeDiskFull {
		return fmt.Errorf("%w: %w", store.ErrFull, err)
	}
	return err
}

// queryer is what the pool and a transaction share.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

type scanner interface{ Scan(...any) error }

func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// lockRow runs a SELECT 1 ... FOR UPDATE that serialises a check with the
// write that follows it (a limit, a unique name across tables); a row
// that does not exist locks nothing and is not an error here.
func lockRow(ctx context.Context, tx pgx.Tx, query string, args ...any) error {
	var one int
	if err := tx.QueryRow(ctx, query, args...).Scan(&one); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return nil
}

// affectedOne turns "no row changed" into store.ErrNotFound.
func affectedOne(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

func now() int64 { return time.Now().UTC().UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// nanos is t as stored; the zero time is stored as its own UnixNano, as
// store/sqlite does, so that it reads back as the zero time's instant.
func nanos(t time.Time) int64 { return t.UTC().UnixNano() }

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q queryer, scan func(scanner) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// int64s reads one BIGINT column.
func int64s(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	return queryAll(ctx, q, func(row scanner) (*int64, error) {
		var v int64
		return &v, row.Scan(&v)
	}, query, args...)
}

// uidArgs is a UID list as a BIGINT[] parameter (= ANY($n)).
func uidArgs(uids []uint32) []int64 {
	out := make([]int64, len(uids))
	for i, u := range uids {
		out[i] = int64(u)
	}
	return out
}

// lowerTrim is how names (domains, local parts) are stored and looked up.
func lowerTrim(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
