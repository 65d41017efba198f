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
// the row and deletes the waiting one in one transaction. A row waits or
// is written, never both (CheckConsistency), and a waiting row goes with
// the last message naming it (dropIndexRows), as an index row does.

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

// WriteIndexRows implements store.LaterIndexStore.
func (s *Store) WriteIndexRows(ctx context.Context, rows []store.IndexRow) error {
	if len(rows) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		// the waiting rows first, then the index rows one after the
		// other: FTS5 writes what it holds at a statement's savepoint
		// (index.go), so that rows written between other statements make
		// a segment each
		var still []store.IndexRow
		for _, r := range rows {
			res, err := tx.ExecContext(ctx, `DELETE FROM message_index_waiting WHERE index_id = ? AND account_id = ?`, r.IndexID, r.AccountID)
			if err != nil {
				return fmt.Errorf("search index row %d: %w", r.IndexID, err)
			}
			if n, _ := res.RowsAffected(); n > 0 { // else written by another, or its messages went
				still = append(still, r)
			}
		}
		for _, r := range still {
			if err := s.putIndexRow(ctx, tx, r.IndexID, r.AccountID, r.Index, false); err != nil {
				return err
			}
		}
		return nil
	})
}
