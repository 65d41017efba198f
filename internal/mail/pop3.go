package mail

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// POP3 sees INBOX only (P4), without the messages an earlier POP3 client
// deleted under the "keep" setting; what a POP3 client's delete does is
// the account's choice (Account.POP3Delete).

// Maildrop is the snapshot of INBOX a POP3 session works on (RFC 1939
// §5: message numbers do not change during a session). It watches the
// account's changes until Close, so that RETR reads a message straight
// from the snapshot while it is where the snapshot saw it (pop3_open.go).
type Maildrop struct {
	MailboxID int64
	Messages  []store.ListingEntry // UID order, hidden ones left out

	accountID int64
	watch     maildropWatch
}

// Maildrop reads the actor's POP3 maildrop. The caller Closes it.
func (s *Service) Maildrop(ctx context.Context, a actor.Actor) (*Maildrop, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	in, err := s.Store.MailboxByRole(ctx, accountID, store.RoleInbox)
	if err != nil {
		return nil, fmt.Errorf("maildrop of account %d: %w", accountID, err)
	}
	// Watch before reading: a change committed after the read below is
	// then among the events (a change seen twice only costs a lookup).
	w := s.watchMaildrop(accountID, in.ID)
	list, err := s.Store.Listing(ctx, accountID, in.ID)
	if err != nil {
		w.close()
		return nil, fmt.Errorf("maildrop of account %d: %w", accountID, err)
	}
	d := &Maildrop{MailboxID: in.ID, Messages: list[:0], accountID: accountID, watch: w}
	for _, e := range list {
		if !e.POP3Hidden {
			d.Messages = append(d.Messages, e)
		}
	}
	return d, nil
}

// POP3Delete applies a POP3 client's deletions at QUIT (RFC 1939 §6) as
// the account's setting says, read now (an administrator may have changed
// it during the session): keep hides them from later POP3 sessions only,
// trash moves them to Trash, delete removes them.
func (s *Service) POP3Delete(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	if len(uids) == 0 {
		return nil
	}
	acct, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return fmt.Errorf("POP3 delete: account %d: %w", accountID, err)
	}
	switch acct.POP3Delete {
	case store.POP3Trash:
		_, err = s.moveToRole(ctx, a, mailboxID, store.RoleTrash, uids, nil)
	case store.POP3Delete:
		_, err = s.Expunge(ctx, a, mailboxID, uids)
	default:
		err = s.HideFromPOP3(ctx, a, mailboxID, uids)
	}
	return err
}
