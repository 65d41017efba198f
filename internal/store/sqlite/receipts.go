package sqlite

// Read receipts (store.ReceiptStore).

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"postroom/internal/store"
)

const receiptColumns = `id, account_id, sender, message_id, subject, sent_at, recipient, internal, status, status_at,
	recipient_account_id, delivered_id, token`

func scanReceipt(r scanner) (*store.Receipt, error) {
	var rc store.Receipt
	var sent, at int64
	var internal int
	if err := r.Scan(&rc.ID, &rc.AccountID, &rc.Sender, &rc.MessageID, &rc.Subject, &sent, &rc.Recipient, &internal,
		&rc.Status, &at, &rc.RecipientAccountID, &rc.DeliveredID, &rc.Token); err != nil {
		return nil, err
	}
	rc.Sent, rc.Internal = fromNanos(sent), internal != 0
	if at != 0 {
		rc.At = fromNanos(at)
	}
	return &rc, nil
}

func nanosOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// AddReceipts implements store.ReceiptStore.
func (s *Store) AddReceipts(ctx context.Context, rs []store.Receipt) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		for i := range rs {
			r := &rs[i]
			err := tx.QueryRowContext(ctx, `INSERT INTO receipts (account_id, sender, message_id, subject, sent_at, recipient,
				internal, status, status_at, recipient_account_id, delivered_id, token) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
				ON CONFLICT (account_id, message_id, recipient) DO UPDATE SET id = id RETURNING id`,
				r.AccountID, r.Sender, r.MessageID, r.Subject, r.Sent.UnixNano(), r.Recipient, boolInt(r.Internal),
				string(r.Status), nanosOrZero(r.At), r.RecipientAccountID, r.DeliveredID, r.Token).Scan(&r.ID)
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM receipts WHERE account_id = ? AND message_id = ?`, accountID, messageID)
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE receipts SET recipient_account_id = ?, delivered_id = ?
			WHERE id = (SELECT id FROM receipts WHERE message_id = ? AND sender = ? AND recipient = ? AND delivered_id = 0
			ORDER BY id LIMIT 1)`, recipientAccountID, deliveredID, messageID, sender, recipient)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
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
	list, err := json.Marshal(deliveredIDs)
	if err != nil {
		return nil, err
	}
	rs, err := queryAll(ctx, s.db, scanReceipt, `SELECT `+receiptColumns+` FROM receipts
		WHERE recipient_account_id = ? AND delivered_id IN `+idList+` ORDER BY id`, recipientAccountID, string(list))
	if err != nil {
		return nil, fmt.Errorf("receipts of account %d's copies: %w", recipientAccountID, err)
	}
	return rs, nil
}

// SetReceiptStatus implements store.ReceiptStore.
func (s *Store) SetReceiptStatus(ctx context.Context, id int64, from []store.ReceiptStatus, to store.ReceiptStatus, at time.Time) (bool, error) {
	list, err := json.Marshal(from)
	if err != nil {
		return false, err
	}
	var n int64
	err = s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE receipts SET status = ?, status_at = ? WHERE id = ? AND status IN `+idList,
			string(to), nanosOrZero(at), id, string(list))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("receipt %d to %s: %w", id, to, err)
	}
	return n > 0, nil
}

// MessageReceipts implements store.ReceiptStore.
func (s *Store) MessageReceipts(ctx context.Context, accountID int64, messageID string) ([]store.Receipt, error) {
	rs, err := queryAll(ctx, s.db, scanReceipt, `SELECT `+receiptColumns+` FROM receipts
		WHERE account_id = ? AND message_id = ? ORDER BY id`, accountID, messageID)
	if err != nil {
		return nil, fmt.Errorf("receipts of %s: %w", messageID, err)
	}
	return rs, nil
}

// ReceiptPage implements store.ReceiptStore.
func (s *Store) ReceiptPage(ctx context.Context, accountID int64, status store.ReceiptStatus, offset, limit int) ([]store.Receipt, int, error) {
	// the page's messages: one row each, with the first time it was sent
	const msgs = `SELECT message_id, MIN(sent_at) AS sent FROM receipts WHERE account_id = ?1
		AND (?2 = '' OR message_id IN (SELECT message_id FROM receipts WHERE account_id = ?1 AND status = ?2))
		GROUP BY message_id`
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+msgs+`)`, accountID, string(status)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("receipts of account %d: %w", accountID, err)
	}
	rs, err := queryAll(ctx, s.db, scanReceipt, `SELECT r.`+receiptColumnsPrefixed+` FROM receipts r
		JOIN (`+msgs+` ORDER BY sent DESC, message_id LIMIT ?3 OFFSET ?4) p ON p.message_id = r.message_id
		WHERE r.account_id = ?1 ORDER BY p.sent DESC, p.message_id, r.id`, accountID, string(status), limit, offset)
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
	r, err := scanReceipt(s.db.QueryRowContext(ctx, `SELECT `+receiptColumns+` FROM receipts WHERE token = ?`, token))
	if err != nil {
		return nil, fmt.Errorf("receipt by token: %w", notFound(err))
	}
	return r, nil
}
