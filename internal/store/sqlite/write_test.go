package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"postroom/internal/store"
)

// While another process holds the database, a write retries; between
// attempts this process's writer lock is free for its other writers, and
// the retries end when the caller's context does.
func TestWrite_retriesWaitWithoutTheWriterLockAndEndWithTheContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	// two stores on one file are two processes: each has its own writer lock
	a, err := open(path, 20*time.Millisecond, "FULL")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	other, err := open(path, 20*time.Millisecond, "FULL")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- other.write(context.Background(), func(tx *sql.Tx) error {
			if _, err := tx.Exec(`INSERT INTO secrets (name, value) VALUES ('held', x'00')`); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding

	ctx, cancel := context.WithCancel(context.Background())
	waits := 0
	a.wait = func(wctx context.Context, d time.Duration) error {
		waits++
		select {
		case a.writer <- struct{}{}: // free: another writer of this process could go
			<-a.writer
		default:
			t.Errorf("wait %d: the writer lock is held while waiting to retry", waits)
		}
		if waits == 3 {
			cancel()
		}
		return wctx.Err()
	}
	err = a.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO secrets (name, value) VALUES ('mine', x'01')`)
		return err
	})
	if !errors.Is(err, context.Canceled) || waits != 3 {
		t.Fatalf("write while another process holds the database: err %v after %d waits, want context.Canceled after 3", err, waits)
	}

	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	a.wait = nil
	if err := a.write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO secrets (name, value) VALUES ('mine', x'01')`)
		return err
	}); err != nil {
		t.Fatalf("write after the other process let go: %v", err)
	}
}

// A write that fails because the disk is full says so with store.ErrFull
// (SQLite's max_page_count stands in for the disk), so that the adapters
// answer with a temporary failure rather than an internal error.
func TestWrite_diskFullIsErrFull(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.write(context.Background(), func(tx *sql.Tx) error {
		if _, err := tx.Exec(`PRAGMA max_page_count = 1`); err != nil { // at least the pages it has
			return err
		}
		_, err := tx.Exec(`INSERT INTO secrets (name, value) VALUES ('big', zeroblob(1000000))`)
		return err
	})
	if !errors.Is(err, store.ErrFull) {
		t.Fatalf("write beyond the room left: %v, want store.ErrFull", err)
	}
}
