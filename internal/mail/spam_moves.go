package mail

import (
	"context"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// spamMoved tells the Spam hook about messages a person moved into or
// out of his Spam folder some other way than "report spam" (an IMAP
// client's MOVE, a drag in a mail program): into Spam is a report of
// spam; out of it, anywhere but Trash, a report of not spam. A message
// learned so already teaches nothing again (the filter keeps what it
// learned of each message).
func (s *Service) spamMoved(ctx context.Context, a actor.Actor, accountID, srcID, dstID int64, dst []uint32) {
	if s.Hooks.Spam == nil || !byUser(a) || len(dst) == 0 {
		return
	}
	from, err := s.Store.Mailbox(ctx, accountID, srcID)
	if err != nil {
		return
	}
	to, err := s.Store.Mailbox(ctx, accountID, dstID)
	if err != nil {
		return
	}
	var isSpam bool
	switch {
	case to.Role == store.RoleSpam && from.Role != store.RoleSpam:
		isSpam = true
	case from.Role == store.RoleSpam && to.Role != store.RoleSpam && to.Role != store.RoleTrash:
		isSpam = false
	default:
		return
	}
	moved, err := s.messages(ctx, accountID, dstID, dst, 0)
	if err != nil || len(moved) == 0 {
		return
	}
	msgs := make([]store.Message, 0, len(moved))
	for _, m := range moved {
		msgs = append(msgs, *m)
	}
	s.Hooks.Spam(ctx, a, msgs, isSpam)
}
