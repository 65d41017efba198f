package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"postroom/internal/store"
)

// The search index (message_index) is a contentless FTS5 table (see the
// last migrations): it keeps the terms' positions, not the terms, so it
// answers MATCH, rowid lookups and DELETE, and a row cannot be read
// back or copied. A new message's row may wait for its terms
// (index_later.go). One row serves every copy of a message: the row's rowid
// is messages.index_id, the id of the message first stored, and copies
// (CopyMessages) take their source's index_id. The index is a file of its
// own (index_file.go); its rows are written and deleted here and there
// only.

// insertIndexRow writes the index row indexID, filed under the account
// (acctTerm), in place of the row there was (tx is the index file's:
// index_file.go).
func insertIndexRow(ctx context.Context, tx *sql.Tx, indexID, accountID int64, idx store.IndexText) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO message_index (rowid, subject, from_addr, to_addr, body, acct) VALUES (?,?,?,?,?,?)`,
		indexID, idx.Subject, idx.From, idx.To, idx.Body, acctTerm(accountID)); err != nil {
		return fmt.Errorf("search index row %d: %w", indexID, err)
	}
	return nil
}

// dropIndexRows lets those of the index rows ids that no message names
// any more go: called after messages were deleted, with their
// index_ids. A row a copy still names stays. A row waiting for its terms
// goes now; a written one is listed gone, for the indexer to delete from
// the index file (index_file.go).
func (s *Store) dropIndexRows(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `DELETE FROM message_index_waiting WHERE index_id=?1 AND NOT EXISTS (SELECT 1 FROM messages WHERE index_id=?1)`)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	defer stmt.Close()
	for _, id := range ids {
		if _, err := stmt.ExecContext(ctx, id); err != nil {
			return fmt.Errorf("search index row %d: %w", id, err)
		}
		if err := goneIndexRow(ctx, tx, id); err != nil {
			return fmt.Errorf("search index row %d: %w", id, err)
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
