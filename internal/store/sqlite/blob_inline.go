package sqlite

// Small messages kept in the database (issue 21; store.InlineBlobStore):
// table blob_inline (schema_serving.go), read by blob.Inline before the
// files.
//
// Invariants:
//   - A row is written only in the transaction that takes a reference on
//     its key (AppendMessage: putInline before addBlobRef), so a
//     transaction that fails leaves none.
//   - A row goes with its key's row of blobs (trigger blob_inline_gone),
//     whichever path drops the last reference.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"postroom/internal/blob"
	"postroom/internal/store"
)

var (
	_ store.InlineBlobStore = (*Store)(nil)
	_ blob.InlineSource     = (*Store)(nil)
)

// putInline keeps content as the blob key, unless it is kept already
// (same key, same bytes: a second recipient of one message).
func putInline(ctx context.Context, tx *sql.Tx, key string, content []byte) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO blob_inline (key, data) VALUES (?, ?)`, key, content); err != nil {
		return fmt.Errorf("message %s kept in the database: %w", key, err)
	}
	return nil
}

// OpenInline implements store.InlineBlobStore.
func (s *Store) OpenInline(ctx context.Context, key string) ([]byte, bool, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM blob_inline WHERE key = ?`, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if data == nil {
		data = []byte{} // an empty message is a blob too
	}
	return data, true, nil
}

// FileBlobKeys calls fn for every referenced blob key whose bytes are not
// kept in the database, which a copy of the database does not carry:
// what a backup copies from the blob directory (BlobKeys lists them all).
func (s *Store) FileBlobKeys(ctx context.Context, fn func(key string) error) error {
	return s.eachKey(ctx, fn, `SELECT key FROM blobs b WHERE refs > 0
		AND NOT EXISTS (SELECT 1 FROM blob_inline i WHERE i.key = b.key) ORDER BY key`)
}
