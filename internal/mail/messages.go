package mail

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
)

// StoreFlags changes flags and announces the messages that changed. A
// user setting \Seen is reading: those messages go to the Read hook.
func (s *Service) StoreFlags(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, op store.FlagOp, flags []string) ([]store.Message, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	unseen, err := s.unseenBefore(ctx, a, accountID, mailboxID, uids, op, flags)
	if err != nil {
		return nil, err
	}
	changed, err := s.Store.StoreFlags(ctx, accountID, mailboxID, uids, op, flags)
	if err != nil {
		return nil, fmt.Errorf("store flags in mailbox %d: %w", mailboxID, err)
	}
	// the Read hook (receipts) before the event: a session that made the
	// change must get its answer out before the event reaches its
	// mailbox's other sessions, or it hears its own change echoed
	s.read(ctx, a, op, flags, unseen, changed)
	if len(changed) > 0 {
		e := events.Event{Kind: events.MessageFlags, AccountID: accountID, MailboxID: mailboxID}
		for _, m := range changed {
			e.UIDs = append(e.UIDs, m.UID)
			e.ModSeq = max(e.ModSeq, m.ModSeq)
		}
		s.publish(e)
	}
	return changed, nil
}

// Copy copies messages into another folder of the account (quota applies).
func (s *Service) Copy(ctx context.Context, a actor.Actor, srcID, dstID int64, uids []uint32) (src, dst []uint32, err error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, nil, err
	}
	src, dst, err = s.Store.CopyMessages(ctx, accountID, srcID, dstID, uids)
	if err != nil {
		return nil, nil, fmt.Errorf("copy from mailbox %d to %d: %w", srcID, dstID, err)
	}
	if len(dst) > 0 {
		s.publish(events.Event{Kind: events.MessageNew, AccountID: accountID, MailboxID: dstID, UIDs: dst})
	}
	return src, dst, nil
}

// Move moves messages into another folder of the account atomically. A
// person's move into or out of Spam teaches the spam filter (spamMoved).
func (s *Service) Move(ctx context.Context, a actor.Actor, srcID, dstID int64, uids []uint32) (src, dst []uint32, err error) {
	return s.move(ctx, a, srcID, dstID, uids, true)
}

// move is Move; report says whether a move into or out of Spam goes to
// the Spam hook ("report spam" tells it itself, with the messages as
// they were before).
func (s *Service) move(ctx context.Context, a actor.Actor, srcID, dstID int64, uids []uint32, report bool) (src, dst []uint32, err error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, nil, err
	}
	src, dst, err = s.Store.MoveMessages(ctx, accountID, srcID, dstID, uids)
	if err != nil {
		return nil, nil, fmt.Errorf("move from mailbox %d to %d: %w", srcID, dstID, err)
	}
	if len(dst) > 0 {
		s.publish(events.Event{Kind: events.MessageExpunge, AccountID: accountID, MailboxID: srcID, UIDs: src})
		s.publish(events.Event{Kind: events.MessageNew, AccountID: accountID, MailboxID: dstID, UIDs: dst})
	}
	if report {
		s.spamMoved(ctx, a, accountID, srcID, dstID, dst)
	}
	return src, dst, nil
}

// Expunge removes messages for good.
func (s *Service) Expunge(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) ([]uint32, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	removed, err := s.Store.Expunge(ctx, accountID, mailboxID, uids)
	if err != nil {
		return nil, fmt.Errorf("expunge mailbox %d: %w", mailboxID, err)
	}
	if len(removed) > 0 {
		s.publish(events.Event{Kind: events.MessageExpunge, AccountID: accountID, MailboxID: mailboxID, UIDs: removed})
	}
	return removed, nil
}

// HideFromPOP3 records a POP3 client's delete under the "keep" setting: the
// messages stay, later POP3 sessions no longer list them. No event: IMAP
// and the webmail see no change.
func (s *Service) HideFromPOP3(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	if err := s.Store.HideFromPOP3(ctx, accountID, mailboxID, uids); err != nil {
		return fmt.Errorf("hide from POP3 in mailbox %d: %w", mailboxID, err)
	}
	return nil
}
