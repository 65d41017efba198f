package mail

import (
	"context"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// ReportSpam is the user's "report spam": the messages move to Spam and go
// to the Spam hook, where the learning filter will train on them.
// Messages already in Spam stay (and teach nothing new). It returns how
// many moved.
func (s *Service) ReportSpam(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (int, error) {
	return s.judge(ctx, a, mailboxID, uids, true)
}

// NotSpam is the user's "not spam": the messages move back to INBOX and
// go to the Spam hook as wrongly judged.
func (s *Service) NotSpam(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (int, error) {
	return s.judge(ctx, a, mailboxID, uids, false)
}

func (s *Service) judge(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, spam bool) (int, error) {
	role := store.RoleInbox
	if spam {
		role = store.RoleSpam
	}
	var before *[]store.Message
	if s.Hooks.Spam != nil && byUser(a) {
		before = new([]store.Message)
	}
	n, err := s.moveToRole(ctx, a, mailboxID, role, uids, before)
	if err != nil {
		return n, err
	}
	if before != nil && len(*before) > 0 {
		s.Hooks.Spam(ctx, a, *before, spam)
	}
	return n, nil
}
