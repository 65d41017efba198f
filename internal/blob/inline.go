package blob

// Small messages kept in the database (issue 21). A message of up to
// InlineMax bytes that IMAP APPEND or SMTP delivery stores is not written
// as a file: its bytes go into the store's own table (SQLite's
// blob_inline), in the transaction that inserts its message row, so that
// storing it costs one fsync (the database's) instead of three. Inline
// reads such blobs first and everything else from the files.
//
// Invariants:
//   - An inline blob exists exactly as long as its key has a reference
//     in the store (a trigger deletes it with its row of the blobs
//     table), so nothing collects it: Walk and GC are the underlying
//     backend's alone, and GC never sees an inline key.
//   - The key of an inline blob is the key the files would give the same
//     bytes (Key), so a blob may be inline, a file, or both, and readers
//     cannot tell.
//   - A message is kept inline only when the backend its readers use
//     reads inline blobs from the very store that writes it (KeepsInline).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"
)

// InlineMax is the largest message kept in the database: 64 KiB, the size
// below which the SMTP server holds a message in memory (smtpd's
// spoolInMemory). Larger messages stay files: a database row is read
// whole, and the database's pages are not where big bodies belong.
const InlineMax = 64 << 10

// Key is the key of data: the lower-case hex SHA-256 of its exact bytes,
// the name FS gives the file of the same content.
func Key(data []byte) string {
	sum := sha256.Sum256(data)
	return keyOf(sum[:])
}

// keyOf spells a SHA-256 sum as a key (Key, FS.Put).
func keyOf(sum []byte) string { return hex.EncodeToString(sum) }

// InlineSource is a store that keeps blobs in its database
// (store.InlineBlobStore; SQLite's blob_inline).
type InlineSource interface {
	// OpenInline returns the bytes of the blob key when the database
	// keeps it; false when it does not.
	OpenInline(ctx context.Context, key string) ([]byte, bool, error)
}

// Inline is a backend that reads the blobs a store keeps in its database
// before those of the backend beneath it, and writes (Put), walks and
// collects only the latter.
type Inline struct {
	Backend
	src InlineSource
}

var _ Backend = (*Inline)(nil)

// NewInline layers src's inline blobs over files.
func NewInline(src InlineSource, files Backend) *Inline {
	return &Inline{Backend: files, src: src}
}

// Files is the backend beneath: where Put writes.
func (l *Inline) Files() Backend { return l.Backend }

// Open implements Store: the inline blob, else the file.
func (l *Inline) Open(key string) (io.ReadSeekCloser, error) {
	if !ValidKey(key) {
		return nil, ErrNotFound
	}
	data, ok, err := l.src.OpenInline(context.Background(), key)
	if err != nil {
		return nil, fmt.Errorf("blob %s in the database: %w", key, err)
	}
	if ok {
		return inlineReader{bytes.NewReader(data)}, nil
	}
	return l.Backend.Open(key)
}

// Exists reports whether the blob is kept inline or as a file. A
// database that cannot answer counts as not having it (check then says
// the blob is missing, which is what its reader would find).
func (l *Inline) Exists(key string) bool {
	if !ValidKey(key) {
		return false
	}
	if _, ok, err := l.src.OpenInline(context.Background(), key); err == nil && ok {
		return true
	}
	return l.Backend.Exists(key)
}

// Walk lists the files only: an inline blob is never collectable (see
// the invariants), so neither GC nor check's list of collectable files
// must see it. Check finds inline blobs through Exists.
func (l *Inline) Walk(fn func(key string, mod time.Time) error) error {
	return l.Backend.Walk(fn)
}

// GC collects files only; see Walk.
func (l *Inline) GC(ctx context.Context, refs Referencer, grace time.Duration) (GCResult, error) {
	return l.Backend.GC(ctx, refs, grace)
}

// KeepsInline reports whether a message of size bytes, appended through
// st, may be kept in the database instead of a file: b (the blob backend
// every reader uses) reads st's inline blobs and the message is no
// larger than InlineMax. A store without inline blobs (PostgreSQL), or a
// backend that would not find them, keeps files.
func KeepsInline(b Store, st any, size int64) bool {
	l, ok := b.(*Inline)
	if !ok || size > InlineMax || size < 0 {
		return false
	}
	src, ok := st.(InlineSource)
	return ok && src == l.src
}

// inlineReader is an inline blob being read: a bytes.Reader, which is
// also an io.ReaderAt (FETCH of a section reads at offsets).
type inlineReader struct{ *bytes.Reader }

func (inlineReader) Close() error { return nil }
