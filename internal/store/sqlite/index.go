package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"postroom/internal/store"
)

// The search index (message_index) is a contentless FTS5 table (see the
// last migrations): it keeps the terms' positions, not the terms, so it
// answers MATCH, rowid lookups and DELETE, and a row cannot be read
// back or copied. A new message's row may wait for its terms
// (index_later.go). One row serves every copy of a message: the row's rowid
// is messages.index_id, the id of the message first stored, and copies
// (CopyMessages) take their source's index_id. The rows are written and
// deleted here only.

// putIndexRow writes the index row indexID, filed under the account
// (acctTerm), replacing the row there was. Inside a group commit a new
// row is held until the batch's end (indexBatch).
func (s *Store) putIndexRow(ctx context.Context, tx *sql.Tx, indexID, accountID int64, idx store.IndexText, replace bool) error {
	if b := s.indexBatch; b != nil && b.tx == tx && !replace {
		b.held = append(b.held, heldRow{write: b.write, id: indexID, account: accountID, idx: idx})
		return nil
	}
	if err := s.writeHeldRows(ctx, tx); err != nil {
		return err
	}
	return insertIndexRow(ctx, tx, indexID, accountID, idx, replace)
}

func insertIndexRow(ctx context.Context, tx *sql.Tx, indexID, accountID int64, idx store.IndexText, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM message_index WHERE rowid=?`, indexID); err != nil {
			return fmt.Errorf("search index row %d: %w", indexID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO message_index (rowid, subject, from_addr, to_addr, body, acct) VALUES (?,?,?,?,?,?)`,
		indexID, idx.Subject, idx.From, idx.To, idx.Body, acctTerm(accountID)); err != nil {
		return fmt.Errorf("search index row %d: %w", indexID, err)
	}
	return nil
}

// dropIndexRows deletes those of the index rows ids that no message
// names any more: called after messages were deleted, with their
// index_ids. A row a copy still names stays.
func (s *Store) dropIndexRows(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := s.writeHeldRows(ctx, tx); err != nil { // a row held may be among them
		return err
	}
	for _, table := range []string{`message_index WHERE rowid`, `message_index_waiting WHERE index_id`} {
		stmt, err := tx.PrepareContext(ctx, `DELETE FROM `+table+`=?1 AND NOT EXISTS (SELECT 1 FROM messages WHERE index_id=?1)`)
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, id); err != nil {
				return fmt.Errorf("search index row %d: %w", id, err)
			}
		}
	}
	return nil
}

// indexBatch holds the new index rows of a group commit's writes
// (groupcommit.go) until just before its commit. FTS5 writes the terms it
// holds to a new segment of the index whenever a statement opens a
// savepoint, as each write's savepoint and most statements do: rows
// written along the way made a segment each, flushed and later merged
// again. Written together at the end they make one segment a batch: 157
// -> 102 µs of index work per 10 KB message in batches of 8
// (docs/performance.md, issue 21).
//
// A held row belongs to the write that made it: when that write's
// savepoint is rolled back, its rows go too. Rows of earlier writes that
// had to be written inside a later write's savepoint (writeHeldRows,
// before anything else touches the index) are held again if that
// savepoint is rolled back.
type indexBatch struct {
	tx      *sql.Tx
	write   int       // the write whose savepoint is open
	held    []heldRow // not written yet
	written []heldRow // earlier writes' rows written in the open savepoint
}

type heldRow struct {
	write       int
	id, account int64
	idx         store.IndexText
}

// begin opens write i's turn.
func (b *indexBatch) begin(i int) {
	b.write, b.written = i, nil
}

// rolledBack forgets the open write's rows and holds again the earlier
// ones its savepoint took with it.
func (b *indexBatch) rolledBack() {
	kept := slices.DeleteFunc(b.held, func(r heldRow) bool { return r.write == b.write })
	b.held = append(b.written, kept...)
	b.written = nil
}

// writeHeldRows writes the rows held in tx's batch, if any.
func (s *Store) writeHeldRows(ctx context.Context, tx *sql.Tx) error {
	b := s.indexBatch
	if b == nil || b.tx != tx {
		return nil
	}
	for len(b.held) > 0 {
		r := b.held[0]
		b.held = b.held[1:]
		if r.write != b.write {
			// noted before it is written: a failure rolls it back too
			b.written = append(b.written, r)
		}
		if err := insertIndexRow(ctx, tx, r.id, r.account, r.idx, false); err != nil {
			return err
		}
	}
	return nil
}

// indexIDs returns the distinct index rows the messages matching where
// (a condition on messages, with args) name: what dropIndexRows is given
// once they are deleted.
func indexIDs(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]int64, error) {
	ids, err := queryAll(ctx, tx, func(row scanner) (*int64, error) {
		var id int64
		return &id, row.Scan(&id)
	}, `SELECT DISTINCT index_id FROM messages WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("search index rows: %w", err)
	}
	return ids, nil
}
