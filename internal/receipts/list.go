package receipts

import (
	"context"
	"fmt"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// PageSize is how many sent messages one page of the list holds.
const PageSize = 50

// Message is one sent message and what is known of each recipient.
type Message struct {
	MessageID  string
	Subject    string
	Sent       time.Time
	Recipients []Recipient
}

// Recipient is one recipient's status; At is zero unless the status was
// set at a known time (read, failed, recalled).
type Recipient struct {
	Address  string
	Internal bool
	Status   store.ReceiptStatus
	At       time.Time
}

// Page is one page of the list.
type Page struct {
	Messages []Message
	Total    int // messages in the whole list (with the filter)
}

// ValidStatus reports whether st names a status ("" is every status).
func ValidStatus(st store.ReceiptStatus) bool {
	switch st {
	case "", store.ReceiptUnread, store.ReceiptRead, store.ReceiptFailed, store.ReceiptUnknown, store.ReceiptRecalled:
		return true
	}
	return false
}

// ErrBadStatus: a filter that names no status.
var ErrBadStatus = fmt.Errorf("receipts: unknown status")

// List returns page (from 1) of the actor's sent messages with receipts,
// newest first; a status keeps those with a recipient in it.
func (s *Service) List(ctx context.Context, a actor.Actor, status store.ReceiptStatus, page int) (*Page, error) {
	accountID, err := own(a)
	if err != nil {
		return nil, err
	}
	if !ValidStatus(status) {
		return nil, ErrBadStatus
	}
	page = max(page, 1)
	rs, total, err := s.Store.ReceiptPage(ctx, accountID, status, (page-1)*PageSize, PageSize)
	if err != nil {
		return nil, err
	}
	p := &Page{Total: total, Messages: []Message{}}
	for _, r := range rs {
		if n := len(p.Messages); n == 0 || p.Messages[n-1].MessageID != r.MessageID {
			p.Messages = append(p.Messages, Message{MessageID: r.MessageID, Subject: r.Subject, Sent: r.Sent})
		}
		m := &p.Messages[len(p.Messages)-1]
		m.Recipients = append(m.Recipients, Recipient{Address: r.Recipient, Internal: r.Internal, Status: r.Status, At: r.At})
	}
	return p, nil
}
