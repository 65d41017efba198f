package testbed

import (
	"postroom/internal/blob"
	"postroom/internal/store/sqlite"
)

// InlineSmall gives the bed the blob store the server wires (cmd/postroom's
// withInline): over SQLite, small messages that APPEND and delivery store
// are kept in the database, not as files (blob.Inline, issue 21); over
// PostgreSQL, which keeps none, the files stay as they are. It reports
// whether messages are kept inline. Call it before building services and
// servers from the bed.
func (b *Bed) InlineSmall() bool {
	st, ok := b.Store.(*sqlite.Store)
	if !ok {
		return false
	}
	if _, done := b.Blobs.(*blob.Inline); !done {
		l := blob.NewInline(st, b.Blobs)
		b.Blobs, b.Mail.Blobs = l, l
	}
	return true
}

// Files is the bed's blob directory, beneath the inline blobs when
// InlineSmall put them over it: where a test looks for message files.
func (b *Bed) Files() blob.Backend {
	if l, ok := b.Blobs.(*blob.Inline); ok {
		return l.Files()
	}
	return b.Blobs
}
