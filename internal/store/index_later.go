package store

import "context"

// LaterIndexStore is a store that writes a new message's search terms
// after its append (NewMessage.IndexLater; issue 21): SQLite's. The
// message is stored, and its 250 or OK sent, without the terms; its index
// row waits in a list that the mail service's indexer works through
// (mail.Service.RunIndexer), and that every search of the account works
// through first, so that a search never misses a message. PostgreSQL
// does not implement it and refuses NewMessage.IndexLater.
//
// Until its row is written a waiting message is in no search result of
// the store's own (Search, SearchUIDs with text, BodyMatch): callers go
// through the mail service, which waits for it.
type LaterIndexStore interface {
	// IndexWaiting lists up to limit index rows (messages.index_id, a
	// message and its copies) that wait for their terms, of the account,
	// or of every account when accountID is 0, oldest first.
	IndexWaiting(ctx context.Context, accountID int64, limit int) ([]WaitingIndexRow, error)
	// WriteIndexRows writes the terms of those rows that still wait, in
	// one transaction, and takes them off the list; a row whose messages
	// went meanwhile is skipped.
	WriteIndexRows(ctx context.Context, rows []IndexRow) error
	// IndexBacklog counts the index rows of every account that wait for
	// their terms: the operator's view of the indexer's work (all of an
	// installation's messages after a restore, whose backup holds no
	// index).
	IndexBacklog(ctx context.Context) (int, error)
}

// WaitingIndexRow is an index row that waits for its terms: the message
// it is made from.
type WaitingIndexRow struct {
	IndexID   int64
	AccountID int64
	BlobKey   string
	Size      int64
}

// IndexRow is the terms of a waiting index row.
type IndexRow struct {
	IndexID   int64
	AccountID int64
	Index     IndexText
}
