package store

import "context"

// PendingBlobStore is a store whose rows may name a message file before
// the file is durable (NewMessage.BlobPending; issue 21): SQLite's. The
// mail service commits a message's row while its file is made durable
// (blob.LaterPutter), and answers its client only once both are done; the
// row's transaction names the key pending, and the mark goes once the
// file is known durable (BlobsDurable). After a crash, the marks left
// name the files that may not have got to disk: the service checks each
// at start (mail.Service.RecoverPendingBlobs) and expunges the messages
// whose file is missing, none of which was acknowledged. PostgreSQL does
// not implement it and refuses NewMessage.BlobPending.
type PendingBlobStore interface {
	// PendingBlobs lists the keys marked pending, each with the messages
	// that name it.
	PendingBlobs(ctx context.Context) ([]PendingBlob, error)
	// BlobsDurable says the files of keys are durable: their marks go
	// with the store's next write (or its closing), not in a transaction
	// of their own.
	BlobsDurable(keys ...string)
	// DropPendingBlobs removes the marks of keys now.
	DropPendingBlobs(ctx context.Context, keys []string) error
}

// PendingBlob is a key marked pending and the messages naming it.
type PendingBlob struct {
	Key      string
	Messages []MessageRef
}

// MessageRef names a message by its mailbox and UID.
type MessageRef struct {
	AccountID int64
	MailboxID int64
	UID       uint32
}
