package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// The write-ahead log holds every commit until a checkpoint copies it into
// the database file; SQLite checkpoints on its own when the log passes
// 1,000 pages, but it never gives the file's space back, so a server that
// took a burst of mail keeps about 4 MB of log on disk (more when readers
// held checkpoints back) for as long as it then sits quiet: a quarter of
// the disk of a 1,500-message account (docs/performance.md, issue 21).
// CheckpointIfIdle copies the log into the database and truncates it once
// commits have stopped. Its pages would be copied by the next automatic
// checkpoint anyway; only the moment is earlier.
//
// Whether commits stopped is read from the log file itself, not counted
// in this process: a commit that changed nothing (the delivery queue asks
// every second whether a message is due) leaves the log alone and should
// not keep it, and a command writing from another process should.

// idleState is the log as the last call saw it.
type idleState struct {
	mu   sync.Mutex
	size int64
	mod  time.Time
}

// CheckpointIfIdle truncates the write-ahead log if it holds anything and
// is as the previous call saw it (no commit in between), and tells whether
// it did; before, it gives the database's free pages back
// (giveBackFreePages). Called every few seconds (cmd/postroom), it truncates the log
// between one and two periods after the last commit. A checkpoint that
// readers hold back is left to the next call: it waits for no one. The
// search index's file (index_file.go) is checkpointed the same way, on
// its own; the result is the database's.
func (s *Store) CheckpointIfIdle(ctx context.Context) (bool, error) {
	done, err := checkpointIfIdle(ctx, s.path, &s.idle, func(ctx context.Context) (*sql.Conn, func(), error) {
		select { // this process's writers wait for it, rather than meet it busy
		case s.writer <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		conn, err := s.db.Conn(ctx)
		if err != nil {
			<-s.writer
			return nil, nil, err
		}
		return conn, func() { <-s.writer }, nil
	})
	if err != nil {
		return done, err
	}
	// the index file's writer is its one connection: taking it waits for it
	_, err = checkpointIfIdle(ctx, indexPath(s.path), &s.idleIndex, func(ctx context.Context) (*sql.Conn, func(), error) {
		conn, err := s.words.Conn(ctx)
		return conn, func() {}, err
	})
	return done, err
}

// checkpointIfIdle is CheckpointIfIdle for the file at path, idle what
// the previous call saw of its log, and take the connection to do it on
// (with what to do once it is closed).
func checkpointIfIdle(ctx context.Context, path string, idle *idleState, take func(context.Context) (*sql.Conn, func(), error)) (bool, error) {
	idle.mu.Lock()
	defer idle.mu.Unlock()
	fi, err := os.Stat(path + "-wal")
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	quiet := fi.Size() == idle.size && fi.ModTime().Equal(idle.mod)
	idle.size, idle.mod = fi.Size(), fi.ModTime()
	if !quiet || fi.Size() == 0 {
		return false, nil
	}
	conn, release, err := take(ctx)
	if err != nil {
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	defer release()
	defer conn.Close()
	// Without a wait: held back by a reader, the checkpoint returns at
	// once, busy.
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout=0`); err != nil {
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	defer conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA busy_timeout=%d`, busyTimeout.Milliseconds()))
	if err := giveBackFreePages(ctx, conn); err != nil {
		if isBusy(err) {
			return false, nil
		}
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	var busy, logPages, copied int
	if err := conn.QueryRowContext(ctx, `PRAGMA main.wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &copied); err != nil {
		if isBusy(err) {
			return false, nil
		}
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	return busy == 0, nil
}

// freePagesKept is how many free pages the database keeps for its next
// writes (1 MiB); past it, an idle server gives the rest back.
const freePagesKept = 256

// giveBackFreePages truncates the database file of its free pages past
// freePagesKept, in a database made with incremental auto-vacuum (the
// search index's merges and expunges free pages by the megabyte: a
// tenth of the file after the comparison's load, docs/performance.md).
func giveBackFreePages(ctx context.Context, conn *sql.Conn) error {
	var mode, free int
	if err := conn.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return err
	}
	if mode != 2 { // INCREMENTAL
		return nil
	}
	if err := conn.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
		return err
	}
	if free <= freePagesKept {
		return nil
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`PRAGMA incremental_vacuum(%d)`, free-freePagesKept))
	if err != nil {
		return err
	}
	for rows.Next() { // each step frees a page
	}
	rows.Close()
	return rows.Err()
}
