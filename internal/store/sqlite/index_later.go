package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"postroom/internal/store"
)

// Search terms written after the append (store.LaterIndexStore, issue
// 21): a message appended with NewMessage.IndexLater gets a row in
// message_index_waiting instead of its index row; WriteIndexRows writes
// the row in the index file, then deletes the waiting one (index_file.go).
// A row waits or is written, both only between the two commits (or
// after a crash there, until the next pass writes it again), and a
// waiting row goes with the last message naming it (dropIndexRows), as an
// index row does.

var _ store.LaterIndexStore = (*Store)(nil)

// waitForIndex lists the new index row indexID as waiting for its terms.
func waitForIndex(ctx context.Context, tx *sql.Tx, indexID, accountID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO message_index_waiting (index_id, account_id) VALUES (?, ?)`, indexID, accountID); err != nil {
		return fmt.Errorf("search index row %d: %w", indexID, err)
	}
	return nil
}

// IndexWaiting implements store.LaterIndexStore. A row's message is the
// first one naming it that is still there (its source, or a copy once
// the source went).
func (s *Store) IndexWaiting(ctx context.Context, accountID int64, limit int) ([]store.WaitingIndexRow, error) {
	where, args := "", []any{limit}
	if accountID != 0 {
		where, args = "WHERE w.account_id = ?", []any{accountID, limit}
	}
	return queryAll(ctx, s.db, func(row scanner) (*store.WaitingIndexRow, error) {
		var r store.WaitingIndexRow
		return &r, row.Scan(&r.IndexID, &r.AccountID, &r.BlobKey, &r.Size)
	}, `SELECT w.index_id, w.account_id, m.blob_key, m.size FROM message_index_waiting w
		JOIN messages m ON m.id = (SELECT min(id) FROM messages WHERE index_id = w.index_id)
		`+where+` ORDER BY w.index_id LIMIT ?`, args...)
}

// IndexBacklog implements store.LaterIndexStore.
func (s *Store) IndexBacklog(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM message_index_waiting`).Scan(&n); err != nil {
		return 0, fmt.Errorf("search index backlog: %w", err)
	}
	return n, nil
}

// WriteIndexRows implements store.LaterIndexStore: the rows are written
// in the index file, then the database stops listing them as waiting
// (index_file.go). A row whose messages went meanwhile is listed gone
// again, for the next pass to delete. Each call first deletes the rows
// listed gone.
func (s *Store) WriteIndexRows(ctx context.Context, rows []store.IndexRow) error {
	if err := s.dropGoneIndexRows(ctx); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	// FTS5 writes what it holds at a statement's savepoint (as each
	// statement of a transaction opens one): rows written one after the
	// other, in one transaction, make one segment of the index
	if err := s.writeIndex(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			if err := insertIndexRow(ctx, tx, r.IndexID, r.AccountID, r.Index); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			res, err := tx.ExecContext(ctx, `DELETE FROM message_index_waiting WHERE index_id = ? AND account_id = ?`, r.IndexID, r.AccountID)
			if err != nil {
				return fmt.Errorf("search index row %d: %w", r.IndexID, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				continue
			}
			// written by another process, or its messages went
			if err := goneIndexRow(ctx, tx, r.IndexID); err != nil {
				return fmt.Errorf("search index row %d: %w", r.IndexID, err)
			}
		}
		return nil
	})
}
