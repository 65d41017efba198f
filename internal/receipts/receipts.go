// Package receipts owns read receipts and recall (E6, S2-8): a record per
// recipient of a message sent with receipts on, its status (unread, read
// with the time of the first open, failed, unknown, recalled), and the
// sender's recall of an internal copy still unread.
//
// Invariants:
//   - A record changes status only from the statuses a change names, in
//     one conditional update (store.ReceiptStore.SetReceiptStatus): of a
//     first open and a recall racing, exactly one wins.
//   - Reads are exact for internal recipients only: their copy is linked
//     at delivery (Delivered) and the mailbox service's Read hook names
//     it; nothing else marks a record read.
//   - Every method names an actor and works on that account's records
//     only: another sender's message is store.ErrNotFound.
package receipts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
)

// ErrForbidden: the actor has no mail of his own (an operator, a token).
var ErrForbidden = errors.New("receipts: not allowed")

// Mailboxes is what recall asks of the mailbox service (internal/mail):
// removing a copy for good, with its events (IMAP IDLE, the webmail).
type Mailboxes interface {
	Expunge(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) ([]uint32, error)
}

// Service is the read receipts service.
type Service struct {
	Store store.Store
	Mail  Mailboxes
	// Now is the service's clock (time.Now when nil): the time of a read,
	// a failure, a recall.
	Now func() time.Time
	Log *slog.Logger
	// Reader and Responder answer requests for a read receipt on the
	// recipient's side (respond.go); nil: none are answered.
	Reader    Mail
	Responder *Responder
	// ImageURL is the public URL of a tracking image (image.go); nil: no
	// message gets one.
	ImageURL func(token string) string
	// Events tells the sender's 수신확인 view that a receipt changed
	// (events.ReceiptChange); nil: no events.
	Events events.Bus
}

// changed publishes that one of the account's receipts changed.
func (s *Service) changed(accountID int64) {
	if s.Events != nil {
		s.Events.Publish(events.Event{Kind: events.ReceiptChange, AccountID: accountID})
	}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func own(a actor.Actor) (int64, error) {
	if id, ok := a.OwnAccount(); ok {
		return id, nil
	}
	return 0, ErrForbidden
}

// Track records the recipients of a message the actor is about to send
// from the envelope sender from: internal ones (hosted here; their copies
// are linked at delivery) unread, external ones unknown. It is called
// before the message goes, so that a copy delivered at once finds its
// record. messageID is without <>.
func (s *Service) Track(ctx context.Context, a actor.Actor, from, messageID, subject string, internal, external []string) error {
	accountID, err := own(a)
	if err != nil {
		return err
	}
	return s.track(ctx, accountID, from, messageID, subject, internal, external, nil)
}

// track stores the records of Track, an external recipient's with his
// tracking image's token from tokens (image.go).
func (s *Service) track(ctx context.Context, accountID int64, from, messageID, subject string, internal, external []string, tokens map[string]string) error {
	sent := s.now()
	var rs []store.Receipt
	add := func(addr string, internal bool) {
		r := store.Receipt{AccountID: accountID, Sender: from, MessageID: messageID, Subject: subject, Sent: sent,
			Recipient: strings.ToLower(addr), Internal: internal, Status: store.ReceiptUnknown}
		if internal {
			r.Status = store.ReceiptUnread
		} else {
			r.Token = tokens[r.Recipient]
		}
		rs = append(rs, r)
	}
	for _, addr := range internal {
		add(addr, true)
	}
	for _, addr := range external {
		add(addr, false)
	}
	if len(rs) == 0 {
		return nil
	}
	if err := s.Store.AddReceipts(ctx, rs); err != nil {
		return fmt.Errorf("track %s: %w", messageID, err)
	}
	return nil
}

// Forget removes the records of a message the actor did not send after
// all (the submission failed, or was undone).
func (s *Service) Forget(ctx context.Context, a actor.Actor, messageID string) error {
	accountID, err := own(a)
	if err != nil {
		return err
	}
	return s.Store.DeleteReceipts(ctx, accountID, messageID)
}

// Delivered links a hosted recipient's copy, just stored, to its record:
// the delivery pipeline's hook for mail that did not come from the
// internet (a sender's own submission, the queue's local delivery). A
// copy without a record (receipts off) changes nothing.
func (s *Service) Delivered(ctx context.Context, from, recipient string, m *store.Message) {
	if m == nil || m.Envelope.MessageID == "" || from == "" {
		return
	}
	if _, err := s.Store.LinkReceipt(ctx, from, m.Envelope.MessageID, strings.ToLower(recipient), m.AccountID, m.ID); err != nil {
		s.log().Warn("receipts: link delivered copy", "message", m.ID, "rcpt", recipient, "err", err)
	}
}

// Read is the mailbox service's Read hook (mail.Hooks.Read): the messages
// the actor has just read for the first time. Each that is a tracked copy
// still unread records the read, now.
func (s *Service) Read(ctx context.Context, a actor.Actor, msgs []store.Message) {
	accountID, err := own(a)
	if err != nil || len(msgs) == 0 {
		return
	}
	ids := make([]int64, len(msgs))
	for i := range msgs {
		ids[i] = msgs[i].ID
	}
	rs, err := s.Store.ReceiptsByDelivered(ctx, accountID, ids)
	if err != nil {
		s.log().Warn("receipts: read", "account", accountID, "err", err)
		return
	}
	at := s.now()
	for _, r := range rs {
		won, err := s.Store.SetReceiptStatus(ctx, r.ID, []store.ReceiptStatus{store.ReceiptUnread}, store.ReceiptRead, at)
		if err != nil {
			s.log().Warn("receipts: read", "receipt", r.ID, "err", err)
		}
		if won {
			s.changed(r.AccountID)
		}
	}
}

// Failed marks the recipients a delivery status notification (RFC 3464)
// reported as failed, for the sender's message: the outbound queue's hook
// when it gives up. A read or recalled record stays as it is.
func (s *Service) Failed(ctx context.Context, senderAccountID int64, messageID string, rcpts []string) {
	if senderAccountID == 0 || messageID == "" {
		return
	}
	rs, err := s.Store.MessageReceipts(ctx, senderAccountID, messageID)
	if err != nil {
		s.log().Warn("receipts: failed", "message", messageID, "err", err)
		return
	}
	at := s.now()
	for _, r := range rs {
		for _, addr := range rcpts {
			if strings.EqualFold(addr, r.Recipient) {
				won, err := s.Store.SetReceiptStatus(ctx, r.ID, []store.ReceiptStatus{store.ReceiptUnread, store.ReceiptUnknown}, store.ReceiptFailed, at)
				if err != nil {
					s.log().Warn("receipts: failed", "receipt", r.ID, "err", err)
				}
				if won {
					s.changed(senderAccountID)
				}
			}
		}
	}
}
