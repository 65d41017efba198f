package settings

import (
	"context"
	"slices"
	"strings"

	"postroom/internal/actor"
)

// BlockSender adds address (or a whole domain, "@example.com") to the
// actor's blocked senders (S5), as the "report spam" dialog's "block this
// sender" does; one already there changes nothing. It returns the whole
// settings. An invalid address is an *InvalidError on
// "spam.blocked_senders", and nothing is saved.
func (s *Service) BlockSender(ctx context.Context, a actor.Actor, address string) (Settings, error) {
	id, err := owner(a)
	if err != nil {
		return Settings{}, err
	}
	entry, err := blockedSender("spam.blocked_senders", address)
	if err != nil {
		return Settings{}, err
	}
	return s.change(ctx, id, func(set *Settings) error {
		if !slices.ContainsFunc(set.Spam.BlockedSenders, func(e string) bool { return strings.EqualFold(e, entry) }) {
			set.Spam.BlockedSenders = append(set.Spam.BlockedSenders, entry)
		}
		return nil
	})
}
