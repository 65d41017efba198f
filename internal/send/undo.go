package send

// Undo and the "scheduled" view (S2-4, E3-3): a message that waits in the
// queue (the undo delay, a scheduled time) can be taken back until a
// worker starts sending it; it is filed in Drafts again as it was written.
// What an undo puts back rides on the queue row (store.QueuedUndo), and
// the store remembers a send that left the queue, so that any node, after
// any restart, can undo it or say why not.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Undo takes a waiting send of the actor back out of the queue and files
// it in Drafts again (Bcc, attachments and compose state kept); the
// original it marked \Answered is unmarked. It returns the draft's id.
// store.ErrTooLate: it went or is going; store.ErrCancelled: undone
// already; store.ErrNotFound: not the actor's.
//
// The draft is stored before the send is cancelled: should the cancel fail
// (a worker took the message meanwhile) the draft is removed again, and
// should the process die in between, the user has the draft and the
// message went; the message is never lost.
func (s *Service) Undo(ctx context.Context, a actor.Actor, queueID int64) (int64, error) {
	acct, err := s.sender(ctx, a)
	if err != nil {
		return 0, err
	}
	q, err := s.Store.QueuedMessage(ctx, queueID)
	if err == nil && q.AccountID != acct.ID {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		// Not queued for the actor: the store says whether it went or was
		// cancelled (a refused cancel changes nothing; none of the
		// actor's rows has this id, so none can be removed).
		err = s.Store.CancelQueued(ctx, acct.ID, queueID)
		if err == nil {
			err = fmt.Errorf("queued message %d vanished: %w", queueID, store.ErrNotFound)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("undo send %d: %w", queueID, err)
	}
	if !waiting(q) {
		return 0, fmt.Errorf("undo send %d: %w", queueID, store.ErrTooLate)
	}
	raw, err := s.Pipeline.QueuedOriginal(ctx, acct, queueID)
	if err != nil {
		return 0, fmt.Errorf("undo send %d: %w", queueID, err)
	}
	if q.Undo.Draft != "" {
		raw = append([]byte(draftHeader+": "+q.Undo.Draft+"\r\n"), raw...)
	}
	draft, err := s.storeDraft(ctx, a, raw, 0)
	if err != nil {
		return 0, fmt.Errorf("undo send %d: %w", queueID, err)
	}
	if err := s.Store.CancelQueued(ctx, acct.ID, queueID); err != nil {
		// It went (or another undo took it) meanwhile: the draft would be
		// a second copy of what is sent or drafted already.
		if derr := s.Mail.DeleteDraft(ctx, a, draft.ID); derr != nil {
			s.log().Warn("undo: draft of a send that went not removed", "queue", queueID, "draft", draft.ID, "err", derr)
		}
		return 0, fmt.Errorf("undo send %d: %w", queueID, err)
	}
	if q.Undo.Answered != 0 {
		s.unanswer(ctx, a, q.Undo.Answered)
	}
	if s.Receipts != nil && draft.Envelope.MessageID != "" {
		s.forget(ctx, a, draft.Envelope.MessageID) // it did not go: no receipts
	}
	return draft.ID, nil
}

// unanswer takes back the \Answered flag an undone reply had set.
func (s *Service) unanswer(ctx context.Context, a actor.Actor, messageID int64) {
	m, err := s.Mail.Message(ctx, a, messageID)
	if err == nil {
		_, err = s.Mail.StoreFlags(ctx, a, m.MailboxID, []uint32{m.UID}, store.FlagsRemove, []string{store.FlagAnswered})
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log().Warn("undo answered", "id", messageID, "err", err)
	}
}

// waiting reports whether no recipient of a queued message was tried or
// claimed by a worker (whose next try then lies past SendAt).
func waiting(q *store.QueuedMessage) bool {
	for _, r := range q.Recipients {
		if r.Status != store.RcptPending || r.Attempts > 0 || r.NextTry.After(q.SendAt) {
			return false
		}
	}
	return true
}

// Scheduled is a send that waits.
type Scheduled struct {
	ID           int64
	SendAt       time.Time
	Created      time.Time
	Envelope     store.Envelope // subject and recipients, Bcc included
	Individually bool
}

// Scheduled lists the actor's sends still waiting (delayed or scheduled,
// no recipient tried or being tried), soonest first; mail queued to go at
// once (from a mail client) is not listed.
func (s *Service) Scheduled(ctx context.Context, a actor.Actor) ([]Scheduled, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	qs, err := s.Store.AccountQueue(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("queue of account %d: %w", accountID, err)
	}
	out := []Scheduled{}
	for _, q := range qs {
		if !q.SendAt.After(q.CreatedAt) || !waiting(&q) {
			continue
		}
		head, err := s.readBlob(q.BlobKey, 64<<10) // the header is at its start
		if err != nil {
			s.log().Warn("scheduled send unreadable", "id", q.ID, "err", err)
			continue
		}
		out = append(out, Scheduled{ID: q.ID, SendAt: q.SendAt, Created: q.CreatedAt, Envelope: message.Parse(head).Envelope(),
			Individually: q.Individually})
	}
	return out, nil
}
