// Package storecopy owns copying an installation between backends: a
// single node's SQLite database and message files into a cluster's
// PostgreSQL database and S3 bucket (`postroom migrate`, issue 20), then
// proving the copy equal.
//
// Invariants:
//   - The source is read in one SQLite transaction, taken as the writer
//     (BEGIN IMMEDIATE), so what is copied is one moment of it and no
//     other process writes to it meanwhile.
//   - Every row goes to the target in one PostgreSQL transaction that
//     commits only after the verification passed: a failure at any point
//     leaves the target database as it was (empty). Message files go to
//     the bucket first, each checked against its key; they are content-
//     addressed, so a file left by a failed run is what a second run
//     would write, and it skips them.
//   - A target that holds rows is refused, unless it holds exactly this
//     installation (a run that committed before): that run is verified
//     again and nothing is written.
package storecopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"postroom/internal/blob"
)

// Source is the installation being moved.
type Source struct {
	DB    *sql.DB // store/sqlite's database (Store.DB)
	Blobs blob.Backend
}

// Target is where it goes.
type Target struct {
	Pool  *pgxpool.Pool // store/postgres's pool (Store.Pool), migrated to its schema
	Blobs blob.Backend
}

// Options tunes Copy. The zero value is the default.
type Options struct {
	// Progress, when set, is asked for a reporter of each step ("message
	// files", "rows", ...) and may answer nil.
	Progress func(what string) func(done, total int)
	// Workers is the number of message files sent and read back at once
	// (default 8).
	Workers int
}

// TableCount is one table's rows.
type TableCount struct {
	Name string
	Rows int64
}

// Summary is what a copy did.
type Summary struct {
	Tables    []TableCount // in copy order
	Rows      int64        // over every table
	IndexRows int64        // search index rows made on the target, empty until reindexed (Unindexed)
	Files     int          // message files referenced
	Copied    int          // of which sent now (the others were in the bucket)
	Bytes     int64        // bytes sent now
	Verified  int64        // bytes read back from the bucket
	// AlreadyDone: the target held this installation already (verified
	// again, nothing written).
	AlreadyDone bool
	Elapsed     time.Duration
}

// ErrTargetNotEmpty is returned when the target database holds data that
// is not this installation.
var ErrTargetNotEmpty = errors.New("the target database already holds data")

// lockKey is the advisory lock two migrations into one database contend
// for ("storecop" in ASCII), so that they cannot both find it empty.
const lockKey = 0x73746f7265636f70

// Copy moves src into dst and verifies the copy.
func Copy(ctx context.Context, src Source, dst Target, opts Options) (Summary, error) {
	start := time.Now()
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	progress := func(what string) func(done, total int) {
		if opts.Progress == nil {
			return nil
		}
		return opts.Progress(what)
	}
	var sum Summary

	conn, err := src.DB.Conn(ctx)
	if err != nil {
		return sum, fmt.Errorf("source: %w", err)
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE (store/sqlite's _txlock)
	if err != nil {
		return sum, fmt.Errorf("source: lock the database: %w", err)
	}
	defer stx.Rollback() // read only: nothing to keep

	// First a look at the target, in a transaction of its own: what to
	// copy, and whether it is empty. No transaction stays open on the
	// target while the message files go up, which may take hours.
	tables, held, err := look(ctx, stx, dst.Pool, &sum)
	if err != nil {
		return sum, err
	}
	keys, err := sourceKeys(ctx, stx)
	if err != nil {
		return sum, err
	}
	sum.Files = len(keys)
	if len(held) > 0 {
		// A run that committed before, or someone else's data: only the
		// first verifies equal.
		err := pgx.BeginFunc(ctx, dst.Pool, func(dtx pgx.Tx) error {
			return verify(ctx, stx, dtx, dst, tables, sum.Rows, opts.Workers, progress, &sum)
		})
		if err != nil {
			return sum, fmt.Errorf("%w (%s), and it is not this installation (%v); migrate needs an empty database",
				ErrTargetNotEmpty, strings.Join(held, ", "), err)
		}
		sum.AlreadyDone = true
		sum.Elapsed = time.Since(start)
		return sum, nil
	}

	fc, err := copyBlobs(ctx, src.Blobs, dst.Blobs, keys, opts.Workers, progress("message files"))
	if err != nil {
		return sum, err
	}
	sum.Copied, sum.Bytes = int(fc.copied.Load()), fc.bytes.Load()

	dtx, err := dst.Pool.Begin(ctx)
	if err != nil {
		return sum, fmt.Errorf("target: %w", err)
	}
	defer dtx.Rollback(context.WithoutCancel(ctx))
	if _, err := dtx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockKey)); err != nil {
		return sum, fmt.Errorf("target: lock: %w", err)
	}
	// under the lock: nobody wrote to the target since the look
	if held, err := holding(ctx, dtx, tables); err != nil || len(held) > 0 {
		if err == nil {
			err = fmt.Errorf("%w (%s): written to while the message files were copied", ErrTargetNotEmpty, strings.Join(held, ", "))
		}
		return sum, err
	}
	tick := counter(progress("rows"), sum.Rows)
	for _, t := range tables {
		if _, err := copyTable(ctx, stx, dtx, t, tick); err != nil {
			return sum, err
		}
	}
	if sum.IndexRows, err = copyIndex(ctx, dtx); err != nil {
		return sum, err
	}
	if err := setSequences(ctx, stx, dtx, tables); err != nil {
		return sum, err
	}
	if err := verify(ctx, stx, dtx, dst, tables, sum.Rows, opts.Workers, progress, &sum); err != nil {
		return sum, err
	}
	if err := dtx.Commit(ctx); err != nil {
		return sum, fmt.Errorf("target: commit: %w", err)
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// look plans the copy, counts the source's rows into sum, and names the
// target's tables that already hold rows.
func look(ctx context.Context, stx *sql.Tx, pool *pgxpool.Pool, sum *Summary) ([]*table, []string, error) {
	dtx, err := pool.Begin(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("target: %w", err)
	}
	defer dtx.Rollback(context.WithoutCancel(ctx))
	tables, err := plan(ctx, stx, dtx)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range tables {
		if err := stx.QueryRowContext(ctx, "SELECT count(*) FROM "+t.ident()).Scan(&t.rows); err != nil {
			return nil, nil, fmt.Errorf("source: table %s: %w", t.name, err)
		}
		sum.Rows += t.rows
		sum.Tables = append(sum.Tables, TableCount{t.name, t.rows})
	}
	held, err := holding(ctx, dtx, tables)
	return tables, held, err
}

// verify checks the target against the source: counts, every row, and
// every referenced message file read back.
func verify(ctx context.Context, stx *sql.Tx, dtx pgx.Tx, dst Target, tables []*table, total int64, workers int,
	progress func(string) func(int, int), sum *Summary) error {
	if err := verifyCounts(ctx, stx, dtx, tables); err != nil {
		return err
	}
	if err := verifyRows(ctx, stx, dtx, tables, counter(progress("verify rows"), total)); err != nil {
		return err
	}
	keys, err := referencedKeys(ctx, dtx)
	if err != nil {
		return err
	}
	if len(keys) != sum.Files {
		return fmt.Errorf("verify: %d message files referenced in the source, %d in the target", sum.Files, len(keys))
	}
	sum.Verified, err = verifyBlobs(ctx, dst.Blobs, keys, workers, progress("verify message files"))
	return err
}

// counter turns a done/total reporter into a tick per row.
func counter(p func(done, total int), total int64) func() {
	if p == nil {
		return nil
	}
	var done int
	if total == 0 {
		p(0, 0)
	}
	return func() {
		done++
		p(done, int(total))
	}
}

// holding names the target's tables that have rows, with their counts.
func holding(ctx context.Context, dtx pgx.Tx, tables []*table) ([]string, error) {
	var held []string
	for _, t := range tables {
		var n int64
		if err := dtx.QueryRow(ctx, "SELECT count(*) FROM "+t.ident()).Scan(&n); err != nil {
			return nil, fmt.Errorf("target: table %s: %w", t.name, err)
		}
		if n > 0 {
			held = append(held, fmt.Sprintf("%s: %d rows", t.name, n))
		}
	}
	return held, nil
}

// sourceKeys lists the message files the source references: what its
// reference counts hold, and what its rows name (the two agree in a
// consistent store; the union costs nothing and misses nothing).
func sourceKeys(ctx context.Context, stx *sql.Tx) ([]string, error) {
	rows, err := stx.QueryContext(ctx, `SELECT key FROM blobs WHERE refs > 0
		UNION SELECT blob_key FROM messages UNION SELECT blob_key FROM outbound UNION SELECT blob_key FROM uploads
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("source: message files: %w", err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("source: message files: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}
