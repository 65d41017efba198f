package admin

import (
	"context"

	"postroom/internal/actor"
)

// ActFor is how an administrator acts on an account's mail (the command
// line's folder commands, a mailbox copy): after checking that the actor
// manages the account, the actor the mail service takes for it — the
// system, never the user, so nothing done counts as the user's reading.
func (s *Service) ActFor(ctx context.Context, p actor.Actor, address string) (actor.Actor, error) {
	a, err := s.account(ctx, p, address)
	if err != nil {
		return actor.Actor{}, err
	}
	who := p.Name
	if who == "" {
		who = string(p.Role)
	}
	return actor.System(a.ID, who), nil
}
