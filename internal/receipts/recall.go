package receipts

// Recall (E6): the sender takes back an internal copy nobody has opened.
// The record is claimed first (unread -> recalled, one conditional
// update), then the copy is expunged through the mailbox service, so an
// IMAP client in IDLE gets the EXPUNGE and the webmail its event; it never
// goes to the recipient's Trash.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Why a recipient's copy could not be recalled.
const (
	Recalled        = "recalled"      // done (or done before)
	WhyRead         = "read"          // the recipient opened it
	WhyExternal     = "external"      // outside our domains: nothing to take back
	WhyFailed       = "failed"        // it was never delivered
	WhyNotDelivered = "not_delivered" // still waiting to go (undo delay, schedule)
	WhyNotRecipient = "not_recipient" // the address is not a recipient of the message
)

// Outcome is what became of one recipient.
type Outcome struct {
	Address string
	Result  string // Recalled or a Why
}

// Recall takes back the actor's message messageID from the recipients
// named (every recipient when none is), one Outcome each.
// store.ErrNotFound when the actor sent no such message with receipts.
func (s *Service) Recall(ctx context.Context, a actor.Actor, messageID string, recipients []string) ([]Outcome, error) {
	accountID, err := own(a)
	if err != nil {
		return nil, err
	}
	rs, err := s.Store.MessageReceipts(ctx, accountID, messageID)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("receipts of %s: %w", messageID, store.ErrNotFound)
	}
	var out []Outcome
	if len(recipients) == 0 {
		for i := range rs {
			out = append(out, Outcome{Address: rs[i].Recipient, Result: s.recallOne(ctx, &rs[i])})
		}
		return out, nil
	}
	for _, addr := range recipients {
		o := Outcome{Address: addr, Result: WhyNotRecipient}
		for i := range rs {
			if strings.EqualFold(rs[i].Recipient, addr) {
				o.Result = s.recallOne(ctx, &rs[i])
			}
		}
		out = append(out, o)
	}
	return out, nil
}

func (s *Service) recallOne(ctx context.Context, r *store.Receipt) string {
	switch {
	case !r.Internal:
		return WhyExternal
	case r.Status == store.ReceiptRecalled:
		return Recalled
	case r.Status == store.ReceiptRead:
		return WhyRead
	case r.Status == store.ReceiptFailed:
		return WhyFailed
	case r.DeliveredID == 0:
		return WhyNotDelivered
	}
	m, err := s.Store.Message(ctx, r.RecipientAccountID, r.DeliveredID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		m = nil // the recipient deleted it unread: nothing left to take back
	case err != nil:
		s.log().Error("recall: find copy", "receipt", r.ID, "err", err)
		return "error"
	case m.HasFlag(store.FlagSeen):
		// \Seen without a read recorded: a filter rule or the recipient's
		// client marked it; it may have been seen, so it stays
		return WhyRead
	}
	won, err := s.Store.SetReceiptStatus(ctx, r.ID, []store.ReceiptStatus{store.ReceiptUnread}, store.ReceiptRecalled, s.now())
	if err != nil {
		s.log().Error("recall: claim", "receipt", r.ID, "err", err)
		return "error"
	}
	if !won { // read (or recalled) just now
		return s.currentWhy(ctx, r)
	}
	s.changed(r.AccountID)
	if m == nil {
		return Recalled
	}
	if _, err := s.Mail.Expunge(ctx, actor.System(m.AccountID, "recall"), m.MailboxID, []uint32{m.UID}); err != nil {
		s.log().Error("recall: expunge copy", "receipt", r.ID, "message", m.ID, "err", err)
		// the copy stays: so must the record's word for it
		if _, err := s.Store.SetReceiptStatus(ctx, r.ID, []store.ReceiptStatus{store.ReceiptRecalled}, store.ReceiptUnread, r.At); err != nil {
			s.log().Error("recall: undo claim", "receipt", r.ID, "err", err)
		}
		return "error"
	}
	s.log().Info("recalled", "receipt", r.ID, "message", m.ID, "rcpt", r.Recipient)
	return Recalled
}

// currentWhy answers for a record whose status changed under a recall.
func (s *Service) currentWhy(ctx context.Context, r *store.Receipt) string {
	rs, err := s.Store.MessageReceipts(ctx, r.AccountID, r.MessageID)
	if err != nil {
		return "error"
	}
	for _, x := range rs {
		if x.ID == r.ID && x.Status == store.ReceiptRecalled {
			return Recalled
		}
	}
	return WhyRead
}
