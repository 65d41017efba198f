package mail

// RETR and TOP read a maildrop message without a store query while it is
// still where the login's snapshot saw it, and look it up by id once it
// may not be (issue 21: the lookup was a fifth of a RETR's CPU).
//
// Invariant: a message is read from the snapshot only while no event
// since the watch began says that its INBOX UID was expunged (a move out
// of INBOX is an expunge there). Events come after commit, and one that
// may have been missed (Overflow) turns the watch blind: every message is
// then looked up, as all are without an event bus. A message is looked
// up by id, wherever it is now: one moved out of INBOX (by IMAP, the
// webmail) is still the message the client numbered; one expunged is
// refused (store.ErrNotFound).

import (
	"context"
	"fmt"
	"io"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
)

// maildropWatch follows the expunges of the maildrop's mailbox.
type maildropWatch struct {
	mailboxID int64
	ch        <-chan events.Event
	stop      func()
	gone      map[uint32]bool // UIDs expunged from the mailbox since the watch began
	blind     bool            // no events, or some were missed
}

func (s *Service) watchMaildrop(accountID, mailboxID int64) maildropWatch {
	if s.Events == nil {
		return maildropWatch{blind: true}
	}
	ch, stop := s.Events.Subscribe(accountID)
	return maildropWatch{mailboxID: mailboxID, ch: ch, stop: stop}
}

// catchUp reads the events that have arrived, without waiting.
func (w *maildropWatch) catchUp() {
	for w.ch != nil {
		select {
		case e, ok := <-w.ch:
			if !ok {
				w.blind, w.ch = true, nil
				return
			}
			switch {
			case e.Kind == events.Overflow:
				w.blind = true
			case e.Kind == events.MessageExpunge && e.MailboxID == w.mailboxID:
				if w.gone == nil {
					w.gone = map[uint32]bool{}
				}
				for _, uid := range e.UIDs {
					w.gone[uid] = true
				}
			}
		default:
			return
		}
	}
}

func (w *maildropWatch) close() {
	if w.stop != nil {
		w.stop()
		w.stop, w.ch = nil, nil
	}
	w.blind = true
}

// Close ends the maildrop's watch of the account's changes.
func (d *Maildrop) Close() { d.watch.close() }

// POP3Open opens message i (0-based) of the actor's maildrop d and says
// where the message is now (its mailbox and UID: where POP3Retrieved
// marks it read).
func (s *Service) POP3Open(ctx context.Context, a actor.Actor, d *Maildrop, i int) (mailboxID int64, uid uint32, r io.ReadSeekCloser, err error) {
	accountID, err := owner(a)
	if err != nil {
		return 0, 0, nil, err
	}
	if accountID != d.accountID || i < 0 || i >= len(d.Messages) {
		return 0, 0, nil, fmt.Errorf("maildrop message %d: %w", i+1, store.ErrNotFound)
	}
	e := &d.Messages[i]
	d.watch.catchUp()
	if d.watch.blind || d.watch.gone[e.UID] {
		m, err := s.Message(ctx, a, e.ID)
		if err != nil {
			return 0, 0, nil, err
		}
		r, err := s.Open(ctx, a, m)
		if err != nil {
			return 0, 0, nil, err
		}
		return m.MailboxID, m.UID, r, nil
	}
	r, err = s.Blobs.Open(e.BlobKey)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("message %d blob %s: %w", e.ID, e.BlobKey, err)
	}
	return d.MailboxID, e.UID, r, nil
}
