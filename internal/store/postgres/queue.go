package postgres

// The outbound queue (store.QueueStore), shared by every node: a worker
// claims due messages with FOR UPDATE SKIP LOCKED and moves their due
// recipients' next try to the end of its lease in the same transaction, so
// that two nodes never send one recipient at once and a dead node's claims
// come due again. Every change to a queued message locks its outbound row
// first.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// Enqueue implements store.QueueStore.
func (s *Store) Enqueue(ctx context.Context, q *store.QueuedMessage) error {
	if q.BlobKey == "" || len(q.Recipients) == 0 {
		return store.ErrInvalid
	}
	created := now()
	if !q.CreatedAt.IsZero() {
		created = nanos(q.CreatedAt)
	}
	sendAt := created
	if !q.SendAt.IsZero() {
		sendAt = nanos(q.SendAt)
	}
	ids := make([]int64, len(q.Recipients))
	var id int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO outbound (account_id, mail_from, blob_key, size, created_at, send_at, utf8, save_sent,
			individually, undo_answered, undo_draft) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
			q.AccountID, q.From, q.BlobKey, q.Size, created, sendAt, q.UTF8, q.SaveSent, q.Individually,
			q.Undo.Answered, q.Undo.Draft).Scan(&id); err != nil {
			return err
		}
		for i, r := range q.Recipients {
			if err := tx.QueryRow(ctx, `INSERT INTO outbound_rcpts (outbound_id, address, next_try) VALUES ($1,$2,$3) RETURNING id`,
				id, r.Address, rcptNext(r, sendAt)).Scan(&ids[i]); err != nil {
				return err
			}
		}
		return addBlobRef(ctx, tx, q.BlobKey, 1)
	})
	if err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	q.ID = id
	q.CreatedAt, q.SendAt = fromNanos(created), fromNanos(sendAt)
	for i := range q.Recipients {
		r := &q.Recipients[i]
		r.ID, r.Status, r.NextTry = ids[i], store.RcptPending, fromNanos(rcptNext(*r, sendAt))
	}
	return nil
}

// rcptNext is a new recipient's first try: its own NextTry, else SendAt.
func rcptNext(r store.QueuedRecipient, sendAt int64) int64 {
	if r.NextTry.IsZero() {
		return sendAt
	}
	return nanos(r.NextTry)
}

const outboundCols = `id, account_id, mail_from, blob_key, size, created_at, send_at, utf8, warned, save_sent, individually,
	undo_answered, undo_draft`

func scanOutbound(row scanner) (*store.QueuedMessage, error) {
	var q store.QueuedMessage
	var created, sendAt int64
	if err := row.Scan(&q.ID, &q.AccountID, &q.From, &q.BlobKey, &q.Size, &created, &sendAt, &q.UTF8, &q.Warned, &q.SaveSent,
		&q.Individually, &q.Undo.Answered, &q.Undo.Draft); err != nil {
		return nil, notFound(err)
	}
	q.CreatedAt, q.SendAt = fromNanos(created), fromNanos(sendAt)
	return &q, nil
}

const rcptCols = `id, address, status, attempts, next_try, last_error`

func scanRcpt(row scanner) (*store.QueuedRecipient, error) {
	var r store.QueuedRecipient
	var next int64
	if err := row.Scan(&r.ID, &r.Address, &r.Status, &r.Attempts, &next, &r.LastError); err != nil {
		return nil, err
	}
	r.NextTry = fromNanos(next)
	return &r, nil
}

// withRecipients fills each message's recipients ($1 its id; where and
// args narrow them, from $2).
func withRecipients(ctx context.Context, q queryer, msgs []store.QueuedMessage, where string, args ...any) error {
	for i := range msgs {
		rcpts, err := queryAll(ctx, q, scanRcpt, `SELECT `+rcptCols+` FROM outbound_rcpts WHERE outbound_id=$1`+where+` ORDER BY id`,
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
	msgs, err := queryAll(ctx, s.pool, scanOutbound, `SELECT `+outboundCols+` FROM outbound ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	return msgs, withRecipients(ctx, s.pool, msgs, "")
}

// QueueSummary implements store.QueueStore.
func (s *Store) QueueSummary(ctx context.Context) (int, time.Time, error) {
	var n int
	var oldest *int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*), min(created_at) FROM outbound`).Scan(&n, &oldest); err != nil {
		return 0, time.Time{}, fmt.Errorf("queue summary: %w", err)
	}
	if oldest == nil {
		return n, time.Time{}, nil
	}
	return n, fromNanos(*oldest), nil
}

// QueuedMessage implements store.QueueStore.
func (s *Store) QueuedMessage(ctx context.Context, id int64) (*store.QueuedMessage, error) {
	q, err := scanOutbound(s.pool.QueryRow(ctx, `SELECT `+outboundCols+` FROM outbound WHERE id=$1`, id))
	if err != nil {
		return nil, err
	}
	msgs := []store.QueuedMessage{*q}
	if err := withRecipients(ctx, s.pool, msgs, ""); err != nil {
		return nil, err
	}
	return &msgs[0], nil
}

// ClaimDue implements store.QueueStore. SKIP LOCKED: a message another
// node is claiming or cancelling right now is left to it, not waited for.
func (s *Store) ClaimDue(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]store.QueuedMessage, error) {
	t, until := nanos(at), nanos(at.Add(lease))
	var msgs []store.QueuedMessage
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		msgs, err = queryAll(ctx, tx, scanOutbound, `SELECT `+outboundCols+` FROM outbound o WHERE send_at <= $1 AND EXISTS
			(SELECT 1 FROM outbound_rcpts r WHERE r.outbound_id = o.id AND r.status = 'pending' AND r.next_try <= $1)
			ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`, t, limit)
		if err != nil {
			return err
		}
		if err := withRecipients(ctx, tx, msgs, ` AND status = 'pending' AND next_try <= $2`, t); err != nil {
			return err
		}
		for _, m := range msgs {
			if _, err := tx.Exec(ctx, `UPDATE outbound_rcpts SET next_try=$1 WHERE outbound_id=$2 AND status='pending' AND next_try <= $3`,
				until, m.ID, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim due: %w", err)
	}
	return msgs, nil
}

// lockOutbound locks a queued message's row; store.ErrNotFound if none.
func lockOutbound(ctx context.Context, tx pgx.Tx, id int64) error {
	var got int64
	return notFound(tx.QueryRow(ctx, `SELECT id FROM outbound WHERE id=$1 FOR UPDATE`, id).Scan(&got))
}

// SetRecipientResults implements store.QueueStore.
func (s *Store) SetRecipientResults(ctx context.Context, messageID int64, results []store.QueuedRecipient) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := lockOutbound(ctx, tx, messageID); err != nil {
			return err
		}
		for _, r := range results {
			if err := affectedOne(tx.Exec(ctx, `UPDATE outbound_rcpts SET status=$1, attempts=$2, next_try=$3, last_error=$4
				WHERE id=$5 AND outbound_id=$6`, r.Status, r.Attempts, nanos(r.NextTry), r.LastError, r.ID, messageID)); err != nil {
				return err
			}
		}
		var pending bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbound_rcpts WHERE outbound_id=$1 AND status='pending')`,
			messageID).Scan(&pending); err != nil || pending {
			return err
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
func deleteOutbound(ctx context.Context, tx pgx.Tx, id int64, outcome string) error {
	var key string
	var accountID, created, sendAt int64
	if err := tx.QueryRow(ctx, `SELECT blob_key, account_id, created_at, send_at FROM outbound WHERE id=$1 FOR UPDATE`, id).
		Scan(&key, &accountID, &created, &sendAt); err != nil {
		return notFound(err)
	}
	if outcome != goneForgotten && accountID != 0 && sendAt > created {
		t := now()
		if _, err := tx.Exec(ctx, `DELETE FROM outbound_gone WHERE gone_at < $1`, t-int64(store.QueueGoneKeep)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO outbound_gone (id, account_id, outcome, gone_at) VALUES ($1,$2,$3,$4)
			ON CONFLICT (id) DO UPDATE SET account_id=EXCLUDED.account_id, outcome=EXCLUDED.outcome, gone_at=EXCLUDED.gone_at`,
			id, accountID, outcome, t); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM outbound_rcpts WHERE outbound_id=$1`, id); err != nil {
		return err
	}
	_, err := releaseBlobs(ctx, tx, `DELETE FROM outbound WHERE id=$1 RETURNING blob_key`, id)
	return err
}

// SetWarned implements store.QueueStore.
func (s *Store) SetWarned(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `UPDATE outbound SET warned=true WHERE id=$1`, id))
	})
}

// SentSaved implements store.QueueStore.
func (s *Store) SentSaved(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return affectedOne(tx.Exec(ctx, `UPDATE outbound SET save_sent=false WHERE id=$1`, id))
	})
}

// RetryNow implements store.QueueStore.
func (s *Store) RetryNow(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := lockOutbound(ctx, tx, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE outbound_rcpts SET next_try=$1 WHERE outbound_id=$2 AND status='pending'`, now(), id)
		return err
	})
}

// Dequeue implements store.QueueStore.
func (s *Store) Dequeue(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx pgx.Tx) error { return deleteOutbound(ctx, tx, id, goneForgotten) })
}

// CancelQueued implements store.QueueStore. A claimed recipient is one
// whose next try ClaimDue moved past the message's send time. The row
// lock orders the two: a claim in progress is waited for and then seen
// (the check is a statement after the lock), and a claim that comes later
// skips the row this holds.
func (s *Store) CancelQueued(ctx context.Context, accountID, id int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var sendAt int64
		err := tx.QueryRow(ctx, `SELECT send_at FROM outbound WHERE id=$1 AND account_id=$2 FOR UPDATE`, id, accountID).Scan(&sendAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return goneError(ctx, tx, accountID, id)
		}
		if err != nil {
			return err
		}
		var gone bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbound_rcpts WHERE outbound_id=$1 AND
			(status <> 'pending' OR attempts > 0 OR next_try > $2))`, id, sendAt).Scan(&gone); err != nil {
			return err
		}
		if gone {
			return store.ErrTooLate
		}
		return deleteOutbound(ctx, tx, id, goneCancelled)
	})
}

// goneError says why the account's message id is not queued: it went,
// it was cancelled, or nothing is known of it (another account's too).
func goneError(ctx context.Context, tx pgx.Tx, accountID, id int64) error {
	var outcome string
	err := tx.QueryRow(ctx, `SELECT outcome FROM outbound_gone WHERE id=$1 AND account_id=$2`, id, accountID).Scan(&outcome)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
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
	msgs, err := queryAll(ctx, s.pool, scanOutbound, `SELECT `+outboundCols+` FROM outbound WHERE account_id=$1 ORDER BY send_at, id`, accountID)
	if err != nil {
		return nil, err
	}
	return msgs, withRecipients(ctx, s.pool, msgs, "")
}
