package store

import "context"

// InlineBlobStore is a store that keeps small messages in its own
// database (NewMessage.Content; issue 21): SQLite's blob_inline. An
// inline blob lives exactly as long as its key has a reference (the
// BlobRefs count): it goes with the last message, queued message or
// upload that names it. PostgreSQL does not implement it and refuses
// NewMessage.Content: the cluster's messages are the bucket's objects.
//
// blob.Inline reads through it (blob.InlineSource), before the files.
type InlineBlobStore interface {
	// OpenInline returns the bytes of the blob key when the database
	// keeps them; false when it does not (a file, or no such blob).
	OpenInline(ctx context.Context, key string) ([]byte, bool, error)
}
