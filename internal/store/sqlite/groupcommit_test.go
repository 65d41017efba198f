package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// queued waits until n writes wait in s's queue.
func queued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s.queue.mu.Lock()
		got := len(s.queue.pending)
		s.queue.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", got, n)
		}
		runtime.Gosched()
	}
}

// batchOf queues n writes (write i runs fn(i, tx)) while the writer lock
// is held, lets them go together, and returns each one's error.
func batchOf(t *testing.T, s *Store, n int, fn func(i int, tx *sql.Tx) error) []error {
	t.Helper()
	s.writer <- struct{}{} // hold the lock while the writes queue
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.write(context.Background(), func(tx *sql.Tx) error { return fn(i, tx) })
		})
	}
	queued(t, s, n)
	<-s.writer
	wg.Wait()
	return errs
}

func openBatching(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func secretNames(t *testing.T, s *Store) map[string]int {
	t.Helper()
	rows, err := s.db.Query(`SELECT name FROM secrets`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]int{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got[n]++
	}
	return got
}

func insertSecret(name string) func(tx *sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO secrets (name, value) VALUES (?, x'00')`, name)
		return err
	}
}

// Writes that queue while the writer lock is held commit together in one
// transaction; the one that fails is undone alone, and its error reaches
// only its caller.
func TestGroupCommit_batchesQueuedWritesAndIsolatesAFailure(t *testing.T) {
	s := openBatching(t)
	var sizes []int
	s.batched = func(n int) { sizes = append(sizes, n) }
	const n = 8
	errs := batchOf(t, s, n, func(i int, tx *sql.Tx) error {
		if err := insertSecret(fmt.Sprintf("w%d", i))(tx); err != nil {
			return err
		}
		if i == 3 {
			return errors.New("write 3 changed its mind")
		}
		return nil
	})
	got := secretNames(t, s)
	for i := range n {
		name := fmt.Sprintf("w%d", i)
		switch {
		case i == 3 && (errs[i] == nil || got[name] != 0):
			t.Errorf("the failed write: err %v, its row stored %d times", errs[i], got[name])
		case i != 3 && (errs[i] != nil || got[name] != 1):
			t.Errorf("write %d: err %v, stored %d times", i, errs[i], got[name])
		}
	}
	if len(sizes) != 1 || sizes[0] != n {
		t.Fatalf("batches committed: %v, want one of %d", sizes, n)
	}
}

// When SQLite rolls a batch's whole transaction back, nothing of it
// committed, and each write runs again in a transaction of its own: every
// write lands once.
func TestGroupCommit_aBrokenTransactionFallsBackToOneWriteEach(t *testing.T) {
	s := openBatching(t)
	const n = 5
	var mu sync.Mutex
	runs := map[int]int{}
	errs := batchOf(t, s, n, func(i int, tx *sql.Tx) error {
		mu.Lock()
		runs[i]++
		first := runs[i] == 1
		mu.Unlock()
		if err := insertSecret(fmt.Sprintf("w%d", i))(tx); err != nil {
			return err
		}
		if i == 2 && first {
			// what SQLite does to the transaction when a
			// statement is interrupted
			_, err := tx.Exec(`ROLLBACK`)
			return err
		}
		return nil
	})
	got := secretNames(t, s)
	for i := range n {
		if name := fmt.Sprintf("w%d", i); errs[i] != nil || got[name] != 1 {
			t.Errorf("write %d: err %v, stored %d times", i, errs[i], got[name])
		}
	}
}

// A write whose caller gives up while it waits in the queue never runs.
func TestGroupCommit_aWithdrawnWriteNeverRuns(t *testing.T) {
	s := openBatching(t)
	s.writer <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.write(ctx, insertSecret("late")) }()
	queued(t, s, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("withdrawn write: %v", err)
	}
	<-s.writer
	if err := s.write(context.Background(), insertSecret("next")); err != nil {
		t.Fatal(err)
	}
	if got := secretNames(t, s); got["late"] != 0 || got["next"] != 1 {
		t.Fatalf("rows %v: want only next", got)
	}
}
