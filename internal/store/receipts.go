package store

import (
	"context"
	"time"
)

// ReceiptStatus is what the sender knows of one recipient of a message
// sent with read receipts on (E6).
type ReceiptStatus string

const (
	ReceiptUnread   ReceiptStatus = "unread"   // an internal recipient has not opened it
	ReceiptRead     ReceiptStatus = "read"     // opened first at Receipt.At
	ReceiptFailed   ReceiptStatus = "failed"   // a DSN said it could not be delivered
	ReceiptUnknown  ReceiptStatus = "unknown"  // an external recipient: nothing heard
	ReceiptRecalled ReceiptStatus = "recalled" // the sender took it back unread
)

// Receipt is one recipient of one sent message.
type Receipt struct {
	ID        int64
	AccountID int64  // the sender
	Sender    string // the envelope sender it went from
	MessageID string // without <>
	Subject   string
	Sent      time.Time
	Recipient string
	Internal  bool // a hosted address: its copy is linked, its reads are exact
	Status    ReceiptStatus
	At        time.Time // when Status was set (read, failed, recalled); zero otherwise
	// RecipientAccountID and DeliveredID are the recipient's copy, set
	// when it is delivered (0 before, and always for external ones).
	RecipientAccountID int64
	DeliveredID        int64
	// Token names the record in its tracking image's URL (external
	// recipients of a domain with the image on); "" for none.
	Token string
}

// ReceiptStore keeps read receipts (internal/receipts). A record goes with
// its sender's account; the copy it links to keeps its id when moved and
// the id is never reused, so a link to an expunged copy finds nothing.
type ReceiptStore interface {
	// AddReceipts stores the records of one sent message and sets their
	// IDs; a record for the same account, message and recipient is kept
	// as it was.
	AddReceipts(ctx context.Context, rs []Receipt) error
	// DeleteReceipts removes the account's records of a message (a send
	// that did not go).
	DeleteReceipts(ctx context.Context, accountID int64, messageID string) error
	// LinkReceipt ties a delivered copy to the record of the message sent
	// from sender to recipient that has none yet (addresses compared
	// case-insensitively); false when there is no such record.
	LinkReceipt(ctx context.Context, sender, messageID, recipient string, recipientAccountID, deliveredID int64) (bool, error)
	// ReceiptsByDelivered returns the records linked to the copies of the
	// recipient account.
	ReceiptsByDelivered(ctx context.Context, recipientAccountID int64, deliveredIDs []int64) ([]Receipt, error)
	// SetReceiptStatus sets a record's status and time when its status is
	// one of from; false (and no change) when it is not: of two first
	// opens only one is recorded.
	SetReceiptStatus(ctx context.Context, id int64, from []ReceiptStatus, to ReceiptStatus, at time.Time) (bool, error)
	// MessageReceipts returns the account's records of one message in the
	// order they were added; none is not an error.
	MessageReceipts(ctx context.Context, accountID int64, messageID string) ([]Receipt, error)
	// ReceiptPage returns every record of the account's sent messages
	// offset..offset+limit, newest sent first (then by message id);
	// a non-empty status keeps only the messages with a recipient in it.
	// total is the number of such messages.
	ReceiptPage(ctx context.Context, accountID int64, status ReceiptStatus, offset, limit int) (rs []Receipt, total int, err error)
	// ReceiptByToken returns the record whose tracking image token is
	// token; ErrNotFound for none (and for "").
	ReceiptByToken(ctx context.Context, token string) (*Receipt, error)
}
