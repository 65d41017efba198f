package send

// Read receipts (E6): a message sent with them on gets its records before
// it goes; a receipt that cannot be recorded does not stop the message.

import (
	"context"

	"postroom/internal/actor"
)

// track records the recipients of a message about to go; false when it
// could not (logged).
func (s *Service) track(ctx context.Context, a actor.Actor, env *Envelope, messageID, subject string) bool {
	internal := make([]string, 0, len(env.Local))
	for _, r := range env.Local {
		internal = append(internal, r.Address)
	}
	if err := s.Receipts.Track(ctx, a, env.From, messageID, subject, internal, env.Remote); err != nil {
		s.log().Warn("send: read receipts not recorded", "message", messageID, "err", err)
		return false
	}
	return true
}

// forget removes the records of a message that did not go.
func (s *Service) forget(ctx context.Context, a actor.Actor, messageID string) {
	if err := s.Receipts.Forget(ctx, a, messageID); err != nil {
		s.log().Warn("send: read receipts of an unsent message kept", "message", messageID, "err", err)
	}
}
