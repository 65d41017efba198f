package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"postroom/internal/store"
)

// Enqueue implements store.QueueStore.
func (s *Store) Enqueue(ctx context.Context, q *store.QueuedMessage) error {
	if q.BlobKey == "" || len(q.Recipients) == 0 {
		return store.ErrInvalid
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		created := now()
		if !q.CreatedAt.IsZero() {
			created = q.CreatedAt.UTC().UnixNano()
		}
		sendAt := created
		if !q.SendAt.IsZero() {
			sendAt = q.SendAt.UTC().UnixNano()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO outbound (account_id, mail_from, blob_key, size, created_at, send_at, utf8, save_sent, individually,
			undo_answered, undo_draft) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, q.AccountID, q.From, q.BlobKey, q.Size, created, sendAt, boolInt(q.UTF8),
			boolInt(q.SaveSent), boolInt(q.Individually), q.Undo.Answered, q.Undo.Draft)
		if err != nil {
			return err
		}
		q.ID, _ = res.LastInsertId()
		q.CreatedAt, q.SendAt = fromNanos(created), fromNanos(sendAt)
		for i := range q.Recipients {
			r := &q.Recipients[i]
			next := sendAt
			if !r.NextTry.IsZero() {
				next = r.NextTry.UTC().UnixNano()
			}
			r.Status, r.NextTry = store.RcptPending, fromNanos(next)
			res, err := tx.ExecContext(ctx, `INSERT INTO outbound_rcpts (outbound_id, address, next_try) VALUES (?,?,?)`, q.ID, r.Address, next)
			if err != nil {
				return err
			}
			r.ID, _ = res.LastInsertId()
		}
		return addBlobRef(ctx, tx, q.BlobKey, 1)
	})
}

const outboundCols = `id, account_id, mail_from, blob_key, size, created_at, send_at, utf8, warned, save_sent, individually,
	undo_answered, undo_draft`

func scanOutbound(row scanner) (*store.QueuedMessage, error) {
	var q store.QueuedMessage
	var created, sendAt int64
	if err := row.Scan(&q.ID, &q.AccountID, &q.From, &q.BlobKey, &q.Size, &created, &sendAt, &q.UTF8, &q.Warned, &q.SaveSent, &q.Individually,
		&q.Undo.Answered, &q.Undo.Draft); err != nil {
		return nil, notFound(err)
	}
	q.CreatedAt, q.SendAt = fromNanos(created), fromNanos(sendAt)
	return &q, nil
}

func scanRcpt(row scanner) (*store.QueuedRecipient, error) {
	var r store.QueuedRecipient
	var next int64
	if err := row.Scan(&r.ID, &r.Address, &r.Status, &r.Attempts, &next, &r.LastError); err != nil {
		return nil, err
	}
	r.NextTry = fromNanos(next)
	return &r, nil
}

const rcptCols = `id, address, status, attempts, next_try, last_error`

func (s *Store) withRecipients(ctx context.Context, q queryer, msgs []store.QueuedMessage, where string, args ...any) error {
	for i := range msgs {
		rcpts, err := queryAll(ctx, q, scanRcpt, `SELECT `+rcptCols+` FROM outbound_rcpts WHERE outbound_id=?`+where+` ORDER BY id`,
			append([]any{msgs[i].ID}, args...)...)
		if err != nil {
			return err
		}
		msgs[i].Recipients = rcpts
	}
	return nil
}

// Queue implements store.QueueStore.
func (s *Store) Queue(ctx context.Context) ([]store.QueuedMessage, error) {
	msgs, err := queryAll(ctx, s.db, scanOutbound, `SELECT `+outboundCols+` FROM outbound ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	return msgs, s.withRecipients(ctx, s.db, msgs, "")
}

// QueueSummary implements store.QueueStore.
func (s *Store) QueueSummary(ctx context.Context) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM outbound`).Scan(&n, &oldest); err != nil {
		return 0, time.Time{}, fmt.Errorf("queue summary: %w", err)
	}
	if !oldest.Valid {
		return n, time.Time{}, nil
	}
	return n, fromNanos(oldest.Int64), nil
}

// QueuedMessage implements store.QueueStore.
func (s *Store) QueuedMessage(ctx context.Context, id int64) (*store.QueuedMessage, error) {
	q, err := scanOutbound(s.db.QueryRowContext(ctx, `SELECT `+outboundCols+` FROM outbound WHERE id=?`, id))
	if err != nil {
		return nil, err
	}
	msgs := []store.QueuedMessage{*q}
	if err := s.withRecipients(ctx, s.db, msgs, ""); err != nil {
		return nil, err
	}
	return &msgs[0], nil
}

// ClaimDue implements store.QueueStore.
func (s *Store) ClaimDue(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]store.QueuedMessage, error) {
	var msgs []store.QueuedMessage
	err := s.write(ctx, func(tx *sql.Tx) error {
		t := at.UTC().UnixNano()
		var err error
		msgs, err = queryAll(ctx, tx, scanOutbound, `SELECT `+outboundCols+` FROM outbound o WHERE send_at <= ? AND EXISTS
			(SELECT 1 FROM outbound_rcpts r WHERE r.outbound_id = o.id AND r.status = 'pending' AND r.next_try <= ?)
			ORDER BY created_at, id LIMIT ?`, t, t, limit)
		if err != nil {
			return err
		}
		if err := s.withRecipients(ctx, tx, msgs, ` AND status = 'pending' AND next_try <= ?`, t); err != nil {
			return err
		}
		until := at.Add(lease).UTC().UnixNano()
		for _, m := range msgs {
			if _, err := tx.ExecContext(ctx, `UPDATE outbound_rcpts SET next_try=? WHERE outbound_id=? AND status='pending' AND next_try <= ?`,
				until, m.ID, t); err != nil {
				return err
			}
		}
		return nil
	})
	return msgs, err
}

// SetRecipientResults implements store.QueueStore.
func (s *Store) SetRecipientResults(ctx context.Context, messageID int64, results []store.QueuedRecipient) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, r := range results {
			res, err := tx.ExecContext(ctx, `UPDATE outbound_rcpts SET status=?, attempts=?, next_try=?, last_error=?
				WHERE id=? AND outbound_id=?`, r.Status, r.Attempts, r.NextTry.UTC().UnixNano(), r.LastError, r.ID, messageID)
			if err := affectedOne(res, err); err != nil {
				return err
			}
		}
		var pending int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outbound_rcpts WHERE outbound_id=? AND status='pending'`, messageID).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return nil
		}
		return deleteOutbound(ctx, tx, messageID, goneSent)
	})
}

// Why a message left the queue, as outbound_gone remembers it.
const (
	goneSent      = "sent"
	goneCancelled = "cancelled"
	goneForgotten = "" // not remembered (the operator's drop)
)

// deleteOutbound removes a queued message and releases its blob. A
// delayed or scheduled one of an account is remembered as gone (see
// store.QueueStore.CancelQueued), and memories older than
// store.QueueGoneKeep are let go here.
func deleteOutbound(ctx context.Context, tx *sql.Tx, id int64, outcome string) error {
	var key string
	var accountID, created, sendAt int64
	if err := tx.QueryRowContext(ctx, `SELECT blob_key, account_id, created_at, send_at FROM outbound WHERE id=?`, id).Scan(&key, &accountID,
		&created, &sendAt); err != nil {
		return notFound(err)
	}
	if outcome != goneForgotten && accountID != 0 && sendAt > created {
		t := now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbound_gone WHERE gone_at < ?`, t-int64(store.QueueGoneKeep)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO outbound_gone (id, account_id, outcome, gone_at) VALUES (?,?,?,?)`,
			id, accountID, outcome, t); err != nil {
			return err
		}
	}
	for _, q := range []string{`DELETE FROM outbound_rcpts WHERE outbound_id=?`, `DELETE FROM outbound WHERE id=?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	if err := addBlobRef(ctx, tx, key, -1); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE refs <= 0`)
	return err
}

// SetWarned implements store.QueueStore.
func (s *Store) SetWarned(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `UPDATE outbound SET warned=1 WHERE id=?`, id))
	})
}

// SentSaved implements store.QueueStore.
func (s *Store) SentSaved(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `UPDATE outbound SET save_sent=0 WHERE id=?`, id))
	})
}

// RetryNow implements store.QueueStore.
func (s *Store) RetryNow(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outbound WHERE id=?`, id).Scan(&n); err != nil || n == 0 {
			return store.ErrNotFound
		}
		_, err := tx.ExecContext(ctx, `UPDATE outbound_rcpts SET next_try=? WHERE outbound_id=? AND status='pending'`, now(), id)
		return err
	})
}

// Dequeue implements store.QueueStore.
func (s *Store) Dequeue(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error { return deleteOutbound(ctx, tx, id, goneForgotten) })
}

// CancelQueued implements store.QueueStore. A claimed recipient is one
// whose next try ClaimDue moved past the message's send time: the check and
// ClaimDue are both write transactions, so one sees the other's result.
func (s *Store) CancelQueued(ctx context.Context, accountID, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var owned, gone int
		err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM outbound_rcpts r WHERE r.outbound_id=o.id AND
			(r.status != 'pending' OR r.attempts > 0 OR r.next_try > o.send_at))), 0) FROM outbound o WHERE id=? AND account_id=?`,
			id, accountID).Scan(&owned, &gone)
		switch {
		case err != nil:
			return err
		case owned == 0:
			return goneError(ctx, tx, accountID, id)
		case gone > 0:
			return store.ErrTooLate
		}
		return deleteOutbound(ctx, tx, id, goneCancelled)
	})
}

// goneError says why the account's message id is not queued: it went,
// it was cancelled, or nothing is known of it (another account's too).
func goneError(ctx context.Context, tx *sql.Tx, accountID, id int64) error {
	var outcome string
	err := tx.QueryRowContext(ctx, `SELECT outcome FROM outbound_gone WHERE id=? AND account_id=?`, id, accountID).Scan(&outcome)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return err
	case outcome == goneCancelled:
		return store.ErrCancelled
	}
	return store.ErrTooLate
}

// AccountQueue implements store.QueueStore.
func (s *Store) AccountQueue(ctx context.Context, accountID int64) ([]store.QueuedMessage, error) {
	msgs, err := queryAll(ctx, s.db, scanOutbound, `SELECT `+outboundCols+` FROM outbound WHERE account_id=? ORDER BY send_at, id`, accountID)
	if err != nil {
		return nil, err
	}
	return msgs, s.withRecipients(ctx, s.db, msgs, "")
}
