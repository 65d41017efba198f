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
//   - A row's data is the message (coding 0) or, when that is at least an
//     eighth smaller, the message compressed with zstd (coding 1): mail
//     text compresses to about a third, and a 10 KB message then takes
//     one page of the database instead of three.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"

	"postroom/internal/blob"
	"postroom/internal/store"
)

var (
	_ store.InlineBlobStore = (*Store)(nil)
	_ blob.InlineSource     = (*Store)(nil)
)

// The codings of blob_inline.data.
const (
	codingRaw  = 0
	codingZstd = 1
)

// zstdCodec is made on first use: a server that keeps no message inline
// holds none of its tables. EncodeAll and DecodeAll may be called
// concurrently, by as many callers as there are processors; the window
// need not be larger than the largest message kept inline, and the
// decoder refuses to make more than such a message.
var zstdCodec = sync.OnceValues(func() (*zstd.Encoder, *zstd.Decoder) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithWindowSize(blob.InlineMax))
	if err != nil {
		panic(fmt.Sprintf("zstd encoder: %v", err)) // only for options that are invalid
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxMemory(uint64(blob.InlineMax)+1))
	if err != nil {
		panic(fmt.Sprintf("zstd decoder: %v", err))
	}
	return enc, dec
})

// inlineRow is what a row of blob_inline keeps of a message.
type inlineRow struct {
	data   []byte
	coding int
}

// encodeInline returns the row for content: compressed when that saves
// at least an eighth. AppendMessage calls it before its transaction, so
// that the writer does not compress while others wait for it.
func encodeInline(content []byte) inlineRow {
	enc, _ := zstdCodec()
	z := enc.EncodeAll(content, make([]byte, 0, len(content)/2))
	if len(z) <= len(content)-len(content)/8 {
		return inlineRow{z, codingZstd}
	}
	return inlineRow{content, codingRaw}
}

// decodeInline returns the message a row keeps.
func decodeInline(key string, data []byte, coding int) ([]byte, error) {
	switch coding {
	case codingRaw:
		return data, nil
	case codingZstd:
		_, dec := zstdCodec()
		out, err := dec.DecodeAll(data, nil)
		if err != nil {
			return nil, fmt.Errorf("message %s kept in the database: %w", key, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("message %s kept in the database: unknown coding %d", key, coding)
}

// putInline keeps row as the blob key, unless it is kept already (same
// key, same bytes: a second recipient of one message).
func putInline(ctx context.Context, tx *sql.Tx, key string, row inlineRow) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO blob_inline (key, data, coding) VALUES (?, ?, ?)`,
		key, row.data, row.coding); err != nil {
		return fmt.Errorf("message %s kept in the database: %w", key, err)
	}
	return nil
}

// OpenInline implements store.InlineBlobStore.
func (s *Store) OpenInline(ctx context.Context, key string) ([]byte, bool, error) {
	var data []byte
	var coding int
	err := s.db.QueryRowContext(ctx, `SELECT data, coding FROM blob_inline WHERE key = ?`, key).Scan(&data, &coding)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if data, err = decodeInline(key, data, coding); err != nil {
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
