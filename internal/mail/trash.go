package mail

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Delete is the user's delete: messages go to Trash, where a wrong click
// can be undone; in Trash or Spam they go for good, since there is no
// further place to keep them (the webmail asks before). It returns how
// many messages were moved or removed.
func (s *Service) Delete(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (int, error) {
	accountID, err := owner(a)
	if err != nil {
		return 0, err
	}
	mb, err := s.Store.Mailbox(ctx, accountID, mailboxID)
	if err != nil {
		return 0, fmt.Errorf("delete from mailbox %d: %w", mailboxID, err)
	}
	if mb.Role == store.RoleTrash || mb.Role == store.RoleSpam {
		removed, err := s.Expunge(ctx, a, mailboxID, uids)
		return len(removed), err
	}
	return s.moveToRole(ctx, a, mailboxID, store.RoleTrash, uids, nil)
}

// moveToRole moves messages into the account's special mailbox of a role;
// those already there stay. before, when not nil, gets the messages as
// they were, read before the move (for a hook).
func (s *Service) moveToRole(ctx context.Context, a actor.Actor, mailboxID int64, role store.Role, uids []uint32, before *[]store.Message) (int, error) {
	accountID, err := owner(a)
	if err != nil {
		return 0, err
	}
	dst, err := s.Store.MailboxByRole(ctx, accountID, role)
	if err != nil {
		return 0, fmt.Errorf("%s mailbox of account %d: %w", role, accountID, err)
	}
	if dst.ID == mailboxID {
		return 0, nil
	}
	var msgs map[uint32]*store.Message
	if before != nil {
		if msgs, err = s.messages(ctx, accountID, mailboxID, uids, 0); err != nil {
			return 0, err
		}
	}
	src, _, err := s.move(ctx, a, mailboxID, dst.ID, uids, before == nil)
	if err != nil {
		return 0, err
	}
	if before != nil {
		for _, u := range src {
			if m := msgs[u]; m != nil {
				*before = append(*before, *m)
			}
		}
	}
	return len(src), nil
}
