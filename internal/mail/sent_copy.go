package mail

// One Sent copy per message (S2 "save sent mail"): SMTP submission keeps
// a copy in the sender's Sent mailbox (deliver.Pipeline.Submit), and most
// mail clients (Outlook, Thunderbird, iOS Mail) then APPEND their own
// copy of the same message to Sent over IMAP. The rule, as Gmail has it:
// an APPEND to the Sent mailbox of a message whose Message-ID is already
// there, stored at most SentCopyWindow ago, stores nothing and answers
// with the copy that is there (its UID for APPENDUID). The user's "save
// sent mail" off keeps no server copy at all (the client's stays the
// only one); a client that saves none gets the server's.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"postroom/internal/message"
	"postroom/internal/store"
)

// SentCopyWindow is how long after a send a client's own Sent copy is
// recognised as the same message: clients save right after sending (or
// when they come back online).
const SentCopyWindow = 24 * time.Hour

// sentCopy returns the copy already in Sent of the message parsed, or
// nil when the append must store it.
func (s *Service) sentCopy(ctx context.Context, accountID int64, mb *store.Mailbox, parsed *message.Message) (*store.Message, error) {
	if mb.Role != store.RoleSent {
		return nil, nil
	}
	id := parsed.Envelope().MessageID
	if id == "" {
		return nil, nil
	}
	m, err := s.Store.SentCopy(ctx, accountID, mb.ID, id, time.Now().Add(-SentCopyWindow))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("append: the Sent copy of %s: %w", id, err)
	}
	return m, nil
}
