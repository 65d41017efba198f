package mail

import (
	"context"
	"errors"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// SpamVerdict is the spam verdict delivery gave the actor's message (the
// "why is this spam?" line, issue 18); nil when it got none: appended by
// a client, imported, or delivered before verdicts were kept. Another
// account's message is store.ErrNotFound.
func (s *Service) SpamVerdict(ctx context.Context, a actor.Actor, id int64) (*store.SpamVerdict, error) {
	m, err := s.Message(ctx, a, id)
	if err != nil {
		return nil, err
	}
	v, err := s.Store.SpamVerdict(ctx, m.AccountID, m.BlobKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("spam verdict of message %d: %w", id, err)
	}
	return &v, nil
}
