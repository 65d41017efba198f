package session

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"postroom/internal/auth"
	"postroom/internal/events"
	"postroom/internal/imapd/view"
)

// Events reach the selected mailbox's view here: committed changes (by
// this session, others, delivery, the webmail) are hints, read again from
// the store where the event does not carry them (flags), and applied to
// the view, which decides what to tell the client and when.

// readMessages reads the mailbox's messages above after, ascending by
// UID, from the store's columns (no message file is opened).
func (s *Session) readMessages(ctx context.Context, mailboxID int64, after uint32) ([]view.Message, error) {
	idx, err := s.cfg.Mail.MailboxState(ctx, s.who(), mailboxID, after)
	if err != nil {
		return nil, err
	}
	out := make([]view.Message, len(idx))
	for i, m := range idx {
		out[i] = view.Message{UID: m.UID, ModSeq: m.ModSeq, Flags: m.Flags}
	}
	return out, nil
}

// drain applies every event waiting, without blocking.
func (s *Session) drain() error {
	if s.sel == nil {
		return nil
	}
	for {
		select {
		case e, open := <-s.sel.events:
			if !open {
				return nil
			}
			if err := s.apply(e); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// apply feeds one event to the selected mailbox's view. An error is the
// store's (reading flags or the mailbox after an overflow), or
// errLoginEnded once the BYE is sent.
func (s *Session) apply(e events.Event) error {
	s.noteContexts(e)
	sel := s.sel
	switch e.Kind {
	case events.AccountChange:
		return s.recheckQuiet()
	case events.Overflow:
		if err := s.recheckQuiet(); err != nil {
			return err
		}
		if sel == nil {
			return nil
		}
		msgs, err := s.readMessages(s.ctx, sel.mailbox.ID, 0)
		if err != nil {
			return err
		}
		sel.view.Reconcile(msgs)
		s.claimRecent(msgs)
		return nil
	}
	if sel == nil || e.MailboxID != sel.mailbox.ID {
		return nil
	}
	switch e.Kind {
	case events.MessageNew:
		uids := slices.Clone(e.UIDs)
		slices.Sort(uids)
		sel.view.Added(uids...)
		if r := s.cfg.Hubs.Claim(sel.mailbox.ID, uids); len(r) > 0 {
			sel.view.MarkRecent(r...)
		}
	case events.MessageExpunge:
		sel.view.Expunged(e.UIDs...)
	case events.MessageFlags:
		if len(e.UIDs) <= 64 {
			byUID, err := s.cfg.Mail.MessagesByUID(s.ctx, s.who(), sel.mailbox.ID, e.UIDs)
			if err != nil {
				return fmt.Errorf("flags of mailbox %d: %w", sel.mailbox.ID, err)
			}
			for _, u := range e.UIDs {
				if m := byUID[u]; m != nil { // else expunged meanwhile
					sel.view.FlagsChanged(u, m.Flags, m.ModSeq)
				}
			}
			return nil
		}
		// many at once (STORE 1:* elsewhere): the columns of the whole
		// mailbox cost less than as many rows
		msgs, err := s.readMessages(s.ctx, sel.mailbox.ID, 0)
		if err != nil {
			return fmt.Errorf("flags of mailbox %d: %w", sel.mailbox.ID, err)
		}
		changed := make(map[uint32]bool, len(e.UIDs))
		for _, u := range e.UIDs {
			changed[u] = true
		}
		for _, m := range msgs {
			if changed[m.UID] {
				sel.view.FlagsChanged(m.UID, m.Flags, m.ModSeq)
			}
		}
	}
	return nil
}

// claimRecent gives this session \Recent for the messages no other
// session of the process has seen.
func (s *Session) claimRecent(msgs []view.Message) {
	uids := make([]uint32, len(msgs))
	for i, m := range msgs {
		uids[i] = m.UID
	}
	if r := s.cfg.Hubs.Claim(s.sel.mailbox.ID, uids); len(r) > 0 {
		s.sel.view.MarkRecent(r...)
	}
}

// recheckQuiet asks whether the login still holds after an account
// change: an ended login says BYE (errLoginEnded); a store that cannot
// tell now is asked again at the next command.
func (s *Session) recheckQuiet() error {
	if s.acct == nil {
		return nil
	}
	err := s.cfg.Auth.Recheck(s.ctx, s.acct, auth.ProtoIMAP)
	if errors.Is(err, auth.ErrLoginEnded) {
		return s.loginEnded(err)
	}
	return nil
}
