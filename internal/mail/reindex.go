package mail

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Reindex rebuilds the search terms and the has-attachment facet of every
// message of the actor's account (after an upgrade that changed the
// tokenizer or what is indexed) and returns how many it did.
func (s *Service) Reindex(ctx context.Context, a actor.Actor) (int, error) {
	return s.ReindexEach(ctx, a, nil)
}

// ReindexEach is Reindex calling done, when not nil, after each message
// (a command's progress).
func (s *Service) ReindexEach(ctx context.Context, a actor.Actor, done func()) (int, error) {
	accountID, err := owner(a)
	if err != nil {
		return 0, err
	}
	mbs, err := s.Store.Mailboxes(ctx, accountID)
	if err != nil {
		return 0, fmt.Errorf("mailboxes of account %d: %w", accountID, err)
	}
	n := 0
	for _, mb := range mbs {
		// collected first: Messages must not be held open across writes
		var msgs []*store.Message
		if err := s.Store.Messages(ctx, accountID, mb.ID, func(m *store.Message) error { msgs = append(msgs, m); return nil }); err != nil {
			return n, err
		}
		for _, m := range msgs {
			r, err := s.Blobs.Open(m.BlobKey)
			if err != nil {
				return n, fmt.Errorf("message %d: %w", m.ID, err)
			}
			raw, err := blob.ReadAll(r, m.Size)
			r.Close()
			if err != nil {
				return n, fmt.Errorf("message %d: %w", m.ID, err)
			}
			if err := s.Store.SetIndex(ctx, accountID, m.ID, IndexText(message.Parse(raw))); err != nil {
				return n, fmt.Errorf("message %d: %w", m.ID, err)
			}
			n++
			if done != nil {
				done()
			}
		}
	}
	return n, nil
}
