package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"postroom/internal/store"
)

// Keys of message files not yet known durable (store.PendingBlobStore,
// issue 21). A message appended with NewMessage.BlobPending marks its key
// in blob_pending in its own transaction. The mark goes once the mail
// service says the file is durable (BlobsDurable), with whatever this
// process writes next: a transaction of its own would cost an fsync per
// message, the very wait the mark lets the service overlap. A crash loses
// only the list in memory; the marks it leaves name durable files too,
// which the check at start finds in place.

var _ store.PendingBlobStore = (*Store)(nil)

// durableKeys are the keys said durable whose marks are not dropped yet.
type durableKeys struct {
	mu   sync.Mutex
	keys []string
}

// take returns the keys and forgets them; give puts back those of a
// transaction that did not commit.
func (d *durableKeys) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := d.keys
	d.keys = nil
	return k
}

// len is how many keys wait for their marks to go.
func (d *durableKeys) len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.keys)
}

func (d *durableKeys) give(keys []string) {
	if len(keys) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.keys = append(d.keys, keys...)
}

// markPending marks key pending, in the transaction of the row naming it.
func markPending(ctx context.Context, tx *sql.Tx, key string) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO blob_pending (key) VALUES (?)`, key); err != nil {
		return fmt.Errorf("mark blob %s pending: %w", key, err)
	}
	return nil
}

// dropPending removes the marks of keys.
func dropPending(ctx context.Context, q queryer, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM blob_pending WHERE key IN (`+placeholders(len(keys))+`)`, args...); err != nil {
		return fmt.Errorf("drop pending blob marks: %w", err)
	}
	return nil
}

// commitDropping drops, in tx, the marks of the keys said durable, and
// commits; the keys are kept for the next write if tx does not commit.
func (s *Store) commitDropping(ctx context.Context, tx *sql.Tx) error {
	keys := s.durable.take()
	if err := dropPending(ctx, tx, keys); err != nil {
		tx.Rollback()
		s.durable.give(keys)
		return err
	}
	if err := tx.Commit(); err != nil {
		s.durable.give(keys)
		return err
	}
	return nil
}

// flushDurable drops the marks of the keys said durable now, in a write
// of their own when there are any.
func (s *Store) flushDurable(ctx context.Context) error {
	if s.durable.len() == 0 {
		return nil
	}
	return s.write(ctx, func(*sql.Tx) error { return nil })
}

// BlobsDurable implements store.PendingBlobStore.
func (s *Store) BlobsDurable(keys ...string) { s.durable.give(keys) }

// DropPendingBlobs implements store.PendingBlobStore.
func (s *Store) DropPendingBlobs(ctx context.Context, keys []string) error {
	return s.write(ctx, func(tx *sql.Tx) error { return dropPending(ctx, tx, keys) })
}

// PendingBlobs implements store.PendingBlobStore.
func (s *Store) PendingBlobs(ctx context.Context) ([]store.PendingBlob, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.key, m.account_id, m.mailbox_id, m.uid
		FROM blob_pending p LEFT JOIN messages m ON m.blob_key = p.key ORDER BY p.key, m.id`)
	if err != nil {
		return nil, fmt.Errorf("pending blobs: %w", err)
	}
	defer rows.Close()
	var out []store.PendingBlob
	for rows.Next() {
		var key string
		var acct, mbox, uid sql.NullInt64
		if err := rows.Scan(&key, &acct, &mbox, &uid); err != nil {
			return nil, fmt.Errorf("pending blobs: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Key != key {
			out = append(out, store.PendingBlob{Key: key})
		}
		if acct.Valid {
			p := &out[len(out)-1]
			p.Messages = append(p.Messages, store.MessageRef{AccountID: acct.Int64, MailboxID: mbox.Int64, UID: uint32(uid.Int64)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending blobs: %w", err)
	}
	return out, nil
}
