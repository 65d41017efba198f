package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"postroom/internal/store"
)

// Enqueue implements store.QueueStore.
func (s *Store) Enqueue(ctx context.Context, q *store.QueuedMessage) error {
	if q.BlobKey == "" || len(q.Recipients) == 0 {
		return store.ErrInvalid
	}
	rcpts, err := json.Marshal(q.Recipients)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		t := now()
		next := t
		if !q.NextTry.IsZero() {
			next = q.NextTry.UTC().UnixNano()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO queue (account_id, mail_from, recipients, blob_key, size, created_at, next_try)
			VALUES (?,?,?,?,?,?,?)`, q.AccountID, q.From, string(rcpts), q.BlobKey, q.Size, t, next)
		if err != nil {
			return err
		}
		if err := addBlobRef(ctx, tx, q.BlobKey, 1); err != nil {
			return err
		}
		q.ID, _ = res.LastInsertId()
		q.CreatedAt, q.NextTry = fromNanos(t), fromNanos(next)
		return nil
	})
}

// Queue implements store.QueueStore.
func (s *Store) Queue(ctx context.Context) ([]store.QueuedMessage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, account_id, mail_from, recipients, blob_key, size, created_at, next_try, attempts, last_error
		FROM queue ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.QueuedMessage
	for rows.Next() {
		var q store.QueuedMessage
		var rcpts string
		var created, next int64
		if err := rows.Scan(&q.ID, &q.AccountID, &q.From, &rcpts, &q.BlobKey, &q.Size, &created, &next, &q.Attempts, &q.LastError); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(rcpts), &q.Recipients); err != nil {
			return nil, err
		}
		q.CreatedAt, q.NextTry = fromNanos(created), fromNanos(next)
		out = append(out, q)
	}
	return out, rows.Err()
}

// Dequeue implements store.QueueStore.
func (s *Store) Dequeue(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var key string
		if err := tx.QueryRowContext(ctx, `SELECT blob_key FROM queue WHERE id=?`, id).Scan(&key); err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM queue WHERE id=?`, id); err != nil {
			return err
		}
		if err := addBlobRef(ctx, tx, key, -1); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE refs <= 0`)
		return err
	})
}
