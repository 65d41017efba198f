package postgres

// Read receipts (store.ReceiptStore). Senders and recipients compare
// case-insensitively (the schema's unique key is on lower(recipient)), as
// store/sqlite's COLLATE NOCASE columns do.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

const receiptColumns = `id, account_id, sender, message_id, subject, sent_at, recipient, internal, status, status_at,
	recipient_account_id, delivered_id, token`

func scanReceipt(r scanner) (*store.Receipt, error) {
	var rc store.Receipt
	var sent, at int64
	if err := r.Scan(&rc.ID, &rc.AccountID, &rc.Sender, &rc.MessageID, &rc.Subject, &sent, &rc.Recipient, &rc.Internal,
		&rc.Status, &at, &rc.RecipientAccountID, &rc.DeliveredID, &rc.Token); err != nil {
		return nil, err
	}
	rc.Sent = fromNanos(sent)
	if at != 0 {
		rc.At = fromNanos(at)
	}
	return &rc, nil
}

// AddReceipts implements store.ReceiptStore.
func (s *Store) AddReceipts(ctx context.Context, rs []store.Receipt) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		for i := range rs {
			r := &rs[i]
			err := tx.QueryRow(ctx, `INSERT INTO receipts (account_id, sender, message_id, subject, sent_at, recipient,
				internal, status, status_at, recipient_account_id, delivered_id, token) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
				ON CONFLICT (account_id, message_id, lower(recipient)) DO UPDATE SET id = receipts.id RETURNING id`,
				r.AccountID, r.Sender, r.MessageID, r.Subject, r.Sent.UnixNano(), r.Recipient, r.Internal,
				string(r.Status), zeroNanos(r.At), r.RecipientAccountID, r.DeliveredID, r.Token).Scan(&r.ID)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add receipts: %w", err)
	}
	return nil
}

// DeleteReceipts implements store.ReceiptStore.
func (s *Store) DeleteReceipts(ctx context.Context, accountID int64, messageID string) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM receipts WHERE account_id = $1 AND message_id = $2`, accountID, messageID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete receipts of %s: %w", messageID, err)
	}
	return nil
}

// LinkReceipt implements store.ReceiptStore.
func (s *Store) LinkReceipt(ctx context.Context, sender, messageID, recipient string, recipientAccountID, deliveredID int64) (bool, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE receipts SET recipient_account_id = $1, delivered_id = $2
			WHERE id = (SELECT id FROM receipts WHERE message_id = $3 AND lower(sender) = lower($4) AND lower(recipient) = lower($5)
			AND delivered_id = 0 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)`, recipientAccountID, deliveredID, messageID, sender, recipient)
		if err != nil {
			return err
		}
		n = res.RowsAffected()
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("link receipt of %s to %s: %w", messageID, recipient, err)
	}
	return n > 0, nil
}

// ReceiptsByDelivered implements store.ReceiptStore.
func (s *Store) ReceiptsByDelivered(ctx context.Context, recipientAccountID int64, deliveredIDs []int64) ([]store.Receipt, error) {
	if len(deliveredIDs) == 0 {
		return nil, nil
	}
	rs, err := queryAll(ctx, s.pool, scanReceipt, `SELECT `+receiptColumns+` FROM receipts
		WHERE recipient_account_id = $1 AND delivered_id = ANY($2) ORDER BY id`, recipientAccountID, deliveredIDs)
	if err != nil {
		return nil, fmt.Errorf("receipts of account %d's copies: %w", recipientAccountID, err)
	}
	return rs, nil
}

// SetReceiptStatus implements store.ReceiptStore.
func (s *Store) SetReceiptStatus(ctx context.Context, id int64, from []store.ReceiptStatus, to store.ReceiptStatus, at time.Time) (bool, error) {
	list := make([]string, len(from))
	for i, st := range from {
		list[i] = string(st)
	}
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE receipts SET status = $1, status_at = $2 WHERE id = $3 AND status = ANY($4)`,
			string(to), zeroNanos(at), id, list)
		if err != nil {
			return err
		}
		n = res.RowsAffected()
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("receipt %d to %s: %w", id, to, err)
	}
	return n > 0, nil
}

// MessageReceipts implements store.ReceiptStore.
func (s *Store) MessageReceipts(ctx context.Context, accountID int64, messageID string) ([]store.Receipt, error) {
	rs, err := queryAll(ctx, s.pool, scanReceipt, `SELECT `+receiptColumns+` FROM receipts
		WHERE account_id = $1 AND message_id = $2 ORDER BY id`, accountID, messageID)
	if err != nil {
		return nil, fmt.Errorf("receipts of %s: %w", messageID, err)
	}
	return rs, nil
}

// ReceiptPage implements store.ReceiptStore.
func (s *Store) ReceiptPage(ctx context.Context, accountID int64, status store.ReceiptStatus, offset, limit int) ([]store.Receipt, int, error) {
	// the page's messages: one row each, with the first time it was sent
	const msgs = `SELECT message_id, MIN(sent_at) AS sent FROM receipts WHERE account_id = $1
		AND ($2 = '' OR message_id IN (SELECT message_id FROM receipts WHERE account_id = $1 AND status = $2))
		GROUP BY message_id`
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM (`+msgs+`) m`, accountID, string(status)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("receipts of account %d: %w", accountID, err)
	}
	rs, err := queryAll(ctx, s.pool, scanReceipt, `SELECT r.`+receiptColumnsPrefixed+` FROM receipts r
		JOIN (`+msgs+` ORDER BY sent DESC, message_id LIMIT $3 OFFSET $4) p ON p.message_id = r.message_id
		WHERE r.account_id = $1 ORDER BY p.sent DESC, p.message_id, r.id`, accountID, string(status), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("receipts of account %d: %w", accountID, err)
	}
	return rs, total, nil
}

const receiptColumnsPrefixed = `id, r.account_id, r.sender, r.message_id, r.subject, r.sent_at, r.recipient, r.internal, r.status,
	r.status_at, r.recipient_account_id, r.delivered_id, r.token`

// ReceiptByToken implements store.ReceiptStore.
func (s *Store) ReceiptByToken(ctx context.Context, token string) (*store.Receipt, error) {
	if token == "" {
		return nil, store.ErrNotFound
	}
	r, err := scanReceipt(s.pool.QueryRow(ctx, `SELECT `+receiptColumns+` FROM receipts WHERE token = $1`, token))
	if err != nil {
		return nil, fmt.Errorf("receipt by token: %w", notFound(err))
	}
	return r, nil
}
