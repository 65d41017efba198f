package send

// Reports a user's client sends on his behalf (a read receipt, RFC 8098):
// the normal send path (hosted recipients at once, the internet through
// the queue, the hourly limit), with no copy in Sent.

import (
	"context"

	"postroom/internal/actor"
)

// SendNotice sends raw, written by a service for the actor (its From is
// the actor's address), to the one address to.
func (s *Service) SendNotice(ctx context.Context, a actor.Actor, to string, raw []byte) error {
	acct, err := s.sender(ctx, a)
	if err != nil {
		return err
	}
	env, err := s.NewEnvelope(ctx, a, acct.Address())
	if err != nil {
		return err
	}
	env.Size = int64(len(raw))
	if err := s.AddRecipient(ctx, a, env, to); err != nil {
		return err
	}
	sub := env.submission(Trace{Protocol: "HTTP"})
	sub.NoSentCopy = true
	giveBack, err := s.reserveHourly(ctx, env.sender)
	if err != nil {
		return err
	}
	if _, err := s.Pipeline.Submit(ctx, sub, raw); err != nil {
		giveBack()
		return err
	}
	return nil
}
