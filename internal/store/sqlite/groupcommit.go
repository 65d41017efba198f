package sqlite

// Group commit (issue 21): with synchronous=FULL every commit waits for
// the disk, and SQLite has one writer at a time, so concurrent deliveries
// used to queue for one fsync each. A write now waits in a queue; whoever
// takes the writer lock runs everything queued at that moment in one
// transaction, each write inside its own savepoint, and commits once.
// Nothing waits on a timer: the writes that arrive while one batch is on
// its way to the disk make the next batch.
//
// Invariants:
//   - A write returns only after the transaction holding it committed (or
//     with its own error, its changes rolled back to its savepoint).
//   - A write's error never undoes another's: its savepoint is rolled
//     back and the batch goes on.
//   - When the transaction itself fails (SQLite may roll a whole
//     transaction back, for instance when a statement is interrupted
//     because its caller's context ended, or the disk is full), nothing
//     of the batch committed, and every write of it runs again in a
//     transaction of its own, as a write did before batching. A write's
//     function is therefore run more than once at times; the retries of
//     write already required that.

import (
	"context"
	"database/sql"
	"slices"
	"sync"
)

// maxBatch bounds the writes of one transaction: a long batch holds the
// lock long, and its writers see their commit late.
const maxBatch = 64

// pendingWrite is one write waiting in the queue.
type pendingWrite struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error // buffered: the leader never waits for the writer
}

// writeQueue holds the writes waiting for the writer lock.
type writeQueue struct {
	mu      sync.Mutex
	pending []*pendingWrite
}

func (q *writeQueue) push(w *pendingWrite) {
	q.mu.Lock()
	q.pending = append(q.pending, w)
	q.mu.Unlock()
}

// take removes and returns up to maxBatch writes, oldest first.
func (q *writeQueue) take() []*pendingWrite {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.pending), maxBatch)
	batch := slices.Clone(q.pending[:n])
	q.pending = slices.Delete(q.pending, 0, n)
	return batch
}

// withdraw removes w if no leader has taken it yet.
func (q *writeQueue) withdraw(w *pendingWrite) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := slices.Index(q.pending, w)
	if i < 0 {
		return false
	}
	q.pending = slices.Delete(q.pending, i, i+1)
	return true
}

// writeLocked is one attempt of write: fn is queued, and runs in the
// batch of whichever caller holds the writer lock next (possibly this
// one).
func (s *Store) writeLocked(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &pendingWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.queue.push(w)
	for {
		select {
		case err := <-w.done:
			return err
		case s.writer <- struct{}{}:
			s.runBatch(s.queue.take())
			<-s.writer
		case <-ctx.Done():
			if s.queue.withdraw(w) {
				return ctx.Err()
			}
			return <-w.done // a leader has it: its outcome comes
		}
	}
}

// runBatch runs batch under the writer lock and tells each write its
// outcome.
func (s *Store) runBatch(batch []*pendingWrite) {
	live := batch[:0]
	for _, w := range batch {
		if err := w.ctx.Err(); err != nil {
			w.done <- err
			continue
		}
		live = append(live, w)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		live[0].done <- s.writeOnce(live[0].ctx, live[0].fn)
		return
	}
	errs, err := s.writeBatch(live)
	if err != nil {
		if isBusy(err) {
			// another process holds the database: each write's own
			// retries (write) wait for it
			for _, w := range live {
				w.done <- err
			}
			return
		}
		for _, w := range live {
			w.done <- s.writeOnce(w.ctx, w.fn)
		}
		return
	}
	for i, w := range live {
		w.done <- errs[i]
	}
}

// writeBatch runs the writes in one transaction, each in a savepoint,
// and returns each one's error; a non-nil error means the transaction
// did not commit.
func (s *Store) writeBatch(batch []*pendingWrite) ([]error, error) {
	// the transaction outlives any one writer's context; each
	// function's statements still use its own
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(batch))
	for i, w := range batch {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT batched`); err != nil {
			tx.Rollback()
			return nil, err
		}
		if errs[i] = w.fn(tx); errs[i] != nil {
			// fails when SQLite rolled the whole transaction back
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO batched`); err != nil {
				tx.Rollback()
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE batched`); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	if err := s.commitDropping(ctx, tx); err != nil {
		return nil, err
	}
	if s.batched != nil {
		s.batched(len(batch))
	}
	return errs, nil
}
