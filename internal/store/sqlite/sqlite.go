// Package sqlite is the embedded storage backend: one SQLite database in WAL
// mode (modernc.org/sqlite, no cgo) beside the blob directory, and its
// search index in a second file (postroom.index.db, index_file.go), with a
// writer of its own.
//
// Invariants:
//   - Every write runs in one BEGIN IMMEDIATE transaction taken under the
//     process-wide writer lock, so UID and MODSEQ allocation and commit order
//     agree. Other processes sharing the file (the CLI while the server runs)
//     are serialised by SQLite's own lock with a busy timeout, and a busy
//     failure is retried, waiting without the writer lock.
//   - Blob reference counts and usage counters change only inside the same
//     transaction as the rows that reference them.
//   - The search index is written only through its own file's writer
//     (writeIndex), never inside the database's transactions.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"postroom/internal/metrics"
	"postroom/internal/store"
)

// Store is the SQLite implementation of store.Store.
type Store struct {
	db *sql.DB
	// scan is the pool of the statements that read a whole mailbox
	// (scan.go): read-only connections that map the file.
	scan *sql.DB
	// words is the search index's file and its one writer
	// (index_file.go); db and scan read it attached.
	words *sql.DB
	// writer serialises this process's write transactions; a channel and
	// not a mutex so that a caller whose context ends stops waiting.
	writer chan struct{}
	// queue holds the writes waiting for a batch (groupcommit.go).
	queue writeQueue
	// durable holds the pending keys whose files are now durable
	// (pending_blobs.go); the next write drops their marks.
	durable durableKeys
	// batched, when set (tests), is told the size of each batch that
	// committed.
	batched func(n int)
	// wait replaces retryWait's timer in tests.
	wait func(ctx context.Context, d time.Duration) error
	// path is the database file's; idle holds what CheckpointIfIdle saw
	// of its write-ahead log (checkpoint.go).
	path string
	idle idleState
	// idleIndex is the same for the search index's file.
	idleIndex idleState
	// busy and sync are the options the files were opened with.
	busy time.Duration
	sync string
}

var _ store.Store = (*Store)(nil)

// busyTimeout is how long SQLite itself waits for another process's lock
// before an attempt fails busy (and write retries).
const busyTimeout = 10 * time.Second

// Open opens (creating if needed) the database file at path and migrates it.
func Open(path string) (*Store, error) {
	return open(path, busyTimeout, "FULL")
}

// OpenUnsynced is Open without waiting for the disk at each commit: a
// crash of the machine may lose the last commits. For the tests of the
// packages above the store (internal/testbed), whose thousands of small
// databases spent half their time in fsync; the server, the command line
// and the durability tests always use Open.
func OpenUnsynced(path string) (*Store, error) {
	return open(path, busyTimeout, "OFF")
}

// writerOptions are the options of the connections that write a file
// (the database's, the search index's).
func writerOptions(busy time.Duration, sync string) url.Values {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: a commit is on disk before we acknowledge mail (X4).
	q.Add("_pragma", "synchronous("+sync+")")
	// Statement journals (a statement that may fail halfway inside a
	// transaction keeps the pages it changes) in memory, not in a
	// temporary file each: 5 % of an APPEND's CPU (issue 21).
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	return q
}

func open(path string, busy time.Duration, sync string) (*Store, error) {
	q := writerOptions(busy, sync)
	q.Add("_pragma", "foreign_keys(ON)")
	if err := createIncremental(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// the search index's file first: the database's connections attach it
	index, made, err := openIndex(path, busy, sync) // index_file.go
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	dsn := "file:" + path + "?" + q.Encode()
	db, err := openDB(dsn, path) // stmtcache.go
	if err != nil {
		index.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	scan, err := openScan(path, busy)
	if err != nil {
		db.Close()
		index.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, scan: scan, words: index, writer: make(chan struct{}, 1), path: path, busy: busy, sync: sync}
	if err := s.migrate(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	if err := s.moveIndexOut(context.Background(), made); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := s.Optimize(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("optimize %s: %w", path, err)
	}
	return s, nil
}

// createIncremental makes the database file at path, when there is none
// yet, with incremental auto-vacuum: it gives its free pages back to the
// file system when the server is idle (checkpoint.go). The mode is fixed
// when the file's first page is written, so it is set on a connection of
// its own, before any other: as a pragma of every connection it would
// write the first page again at each one opened. A database made before
// keeps its free pages for reuse (only VACUUM, rewriting the whole file,
// could change that).
func createIncremental(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=auto_vacuum(INCREMENTAL)&_pragma=journal_mode(WAL)")
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Ping()
}

// optimizeFrom is the size (by message id) from which Optimize gathers
// statistics.
const optimizeFrom = 5000

// Optimize gathers the table statistics the query planner needs to pick
// the right index on large folders (without them it may read a whole
// account to answer a search by attachment); only missing or stale ones,
// each from a bounded sample, so it is quick at every start and hourly.
//
// A nearly empty database gets none: statistics saying that messages is
// empty would steer every query of the next hour to the wrong plan while
// the table fills (measured: appends slowed from 560 to 100 per second).
func (s *Store) Optimize(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var rows int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM messages`).Scan(&rows); err != nil {
		return err
	}
	if rows < optimizeFrom {
		return nil
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA analysis_limit=1000`); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `PRAGMA main.optimize=0x10002`)
	return err
}

// Close closes the database.
func (s *Store) Close() error {
	// the marks of files known durable go with a last write
	flushed := s.flushDurable(context.Background())
	return errors.Join(flushed, s.scan.Close(), s.db.Close(), s.words.Close())
}

// write runs fn in a write transaction, retrying when another process holds
// the database lock longer than the busy timeout. Between attempts it waits
// without the process's writer lock, so this process's other writers go on
// trying, and it stops waiting when ctx ends.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	start := time.Now()
	defer func() { metrics.StoreWrite("sqlite", time.Since(start)) }()
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		if attempt > 0 {
			if werr := s.retryWait(ctx, time.Duration(attempt)*50*time.Millisecond); werr != nil {
				return werr
			}
		}
		if err = s.writeLocked(ctx, fn); !isBusy(err) {
			return full(err)
		}
	}
	return err
}

// retryWait waits d before the next attempt, or until ctx ends.
func (s *Store) retryWait(ctx context.Context, d time.Duration) error {
	if s.wait != nil {
		return s.wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) writeOnce(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return s.commitDropping(ctx, tx)
}

func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// full marks a write that failed because the disk is full (SQLITE_FULL)
// with store.ErrFull.
func full(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return fmt.Errorf("%w: %w", store.ErrFull, err)
	}
	return err
}

func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

func now() int64 { return time.Now().UTC().UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

type scanner interface{ Scan(...any) error }

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q queryer, scan func(scanner) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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
