package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// openFile opens a new store and returns it with its file's path.
func openFile(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// The log is truncated on the second call without a write between, never
// while writes go on, and what it held stays in the database.
func TestCheckpointIfIdle_truncatesTheLogOnceWritesStop(t *testing.T) {
	ctx := context.Background()
	s, path := openFile(t)
	if did, err := s.CheckpointIfIdle(ctx); err != nil || did {
		t.Fatalf("nothing written yet: checkpointed %v, %v", did, err)
	}
	big := strings.Repeat("x", 8000)
	put := func(i int) {
		t.Helper()
		if err := s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?)`, fmt.Sprint("k", i), big)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 50 {
		put(i)
	}
	if walSize(t, path) == 0 {
		t.Fatal("50 writes left no log: the test proves nothing")
	}
	if did, err := s.CheckpointIfIdle(ctx); err != nil || did {
		t.Fatalf("first call after writes: checkpointed %v, %v; want not yet", did, err)
	}
	put(50)
	if did, err := s.CheckpointIfIdle(ctx); err != nil || did {
		t.Fatalf("a write since the last call: checkpointed %v, %v; want not yet", did, err)
	}
	if did, err := s.CheckpointIfIdle(ctx); err != nil || !did {
		t.Fatalf("quiet since the last call: checkpointed %v, %v; want done", did, err)
	}
	if n := walSize(t, path); n != 0 {
		t.Fatalf("log is %d bytes after the checkpoint, want 0", n)
	}
	if did, err := s.CheckpointIfIdle(ctx); err != nil || did {
		t.Fatalf("nothing written since the truncation: checkpointed %v, %v", did, err)
	}
	s.Close()

	// what the log held is in the database file alone
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var n int
	if err := s2.db.QueryRow(`SELECT count(*) FROM secrets WHERE name LIKE 'k%' AND length(value) = 8000`).Scan(&n); err != nil || n != 51 {
		t.Fatalf("%d of 51 rows after reopening without the log (%v)", n, err)
	}
}

// A reader holding a snapshot keeps the log: the call returns at once,
// without an error, and the next quiet call truncates it.
func TestCheckpointIfIdle_waitsForNoReader(t *testing.T) {
	ctx := context.Background()
	s, path := openFile(t)
	if err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES ('a', 'b')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.CheckpointIfIdle(ctx) // sees the write
	rd, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := rd.QueryRow(`SELECT count(*) FROM secrets`).Scan(&n); err != nil { // the snapshot begins
		t.Fatal(err)
	}
	if did, err := s.CheckpointIfIdle(ctx); err != nil || did {
		t.Fatalf("with a reader: checkpointed %v, %v; want neither", did, err)
	}
	rd.Rollback()
	if did, err := s.CheckpointIfIdle(ctx); err != nil || !did {
		t.Fatalf("reader gone: checkpointed %v, %v; want done", did, err)
	}
	if n := walSize(t, path); n != 0 {
		t.Fatalf("log is %d bytes, want 0", n)
	}
}

// Every connection keeps its statement journals in memory: the pragma is
// in the DSN, not run once on one connection of the pool.
func TestOpen_statementJournalsInMemoryOnEveryConnection(t *testing.T) {
	s, _ := openFile(t)
	ctx := context.Background()
	var conns []*sql.Conn
	for range 3 {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode int
		if err := c.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&mode); err != nil || mode != 2 {
			t.Errorf("connection %d: temp_store %d (%v), want 2 (memory)", len(conns), mode, err)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

// A new database gives its free pages back when idle, past the 1 MiB it
// keeps: the file shrinks after a large delete.
func TestCheckpointIfIdle_givesFreePagesBack(t *testing.T) {
	ctx := context.Background()
	s, path := openFile(t)
	var mode int
	if err := s.db.QueryRow(`PRAGMA auto_vacuum`).Scan(&mode); err != nil || mode != 2 {
		t.Fatalf("auto_vacuum %d (%v), want 2 (incremental) in a new database", mode, err)
	}
	big := strings.Repeat("x", 8000)
	for i := range 1000 {
		if err := s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?)`, fmt.Sprint("k", i), big)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM secrets WHERE name LIKE 'k%'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// the log copied into the file, which so has its full size; the log
	// itself stays as it is
	if _, err := s.db.Exec(`PRAGMA main.wal_checkpoint(PASSIVE)`); err != nil {
		t.Fatal(err)
	}
	before := fileSize(t, path)
	var free int
	if err := s.db.QueryRow(`PRAGMA freelist_count`).Scan(&free); err != nil || free < 1000 {
		t.Fatalf("%d free pages after deleting 8 MB (%v): the test proves nothing", free, err)
	}
	s.CheckpointIfIdle(ctx) // the log changed: sees it
	if did, err := s.CheckpointIfIdle(ctx); err != nil || !did {
		t.Fatalf("quiet: checkpointed %v, %v", did, err)
	}
	if err := s.db.QueryRow(`PRAGMA freelist_count`).Scan(&free); err != nil || free > freePagesKept {
		t.Fatalf("%d free pages after the idle checkpoint (%v), want at most %d", free, err, freePagesKept)
	}
	if after := fileSize(t, path); after >= before-4<<20 {
		t.Fatalf("database file %d bytes before, %d after: want it smaller by most of the 8 MB freed", before, after)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
