package mail

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Drafts are real messages in the account's Drafts mailbox, flagged \Draft
// (RFC 9051 §2.3.2) and \Seen, so that IMAP clients show and open them
// like their own. Saving again replaces: the new message is committed
// before the old one is expunged, so a failure in between leaves two
// drafts, never none.

// Draft returns one of the account's drafts: a message of its Drafts
// mailbox. store.ErrNotFound for anything else, another account's too.
func (s *Service) Draft(ctx context.Context, a actor.Actor, id int64) (*store.Message, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	m, err := s.Store.Message(ctx, accountID, id)
	if err != nil {
		return nil, fmt.Errorf("draft %d: %w", id, err)
	}
	mb, err := s.Store.MailboxByRole(ctx, accountID, store.RoleDrafts)
	if err != nil {
		return nil, fmt.Errorf("drafts mailbox of account %d: %w", accountID, err)
	}
	if m.MailboxID != mb.ID {
		return nil, fmt.Errorf("message %d is not a draft: %w", id, store.ErrNotFound)
	}
	return m, nil
}

// SaveDraft stores a draft (the blob written already) and, when replaceID
// is not 0, removes the draft it replaces; that one must be a draft of the
// account, checked before anything is stored.
func (s *Service) SaveDraft(ctx context.Context, a actor.Actor, r AppendRequest, replaceID int64) (*store.Message, error) {
	var old *store.Message
	if replaceID != 0 {
		var err error
		if old, err = s.Draft(ctx, a, replaceID); err != nil {
			return nil, err
		}
	}
	r.Flags = append(r.Flags, store.FlagDraft, store.FlagSeen)
	m, err := s.AppendToRole(ctx, a, store.RoleDrafts, r)
	if err != nil {
		return nil, err
	}
	if old != nil {
		if _, err := s.Expunge(ctx, a, old.MailboxID, []uint32{old.UID}); err != nil {
			return m, fmt.Errorf("remove replaced draft %d: %w", old.ID, err)
		}
	}
	return m, nil
}

// DiscardDraft is the user throwing a draft away: it moves to Trash, like
// any deleted message, so that a wrong click can be undone there. Only a
// send (the draft became the sent message) or an explicit permanent delete
// removes a draft for good (DeleteDraft).
func (s *Service) DiscardDraft(ctx context.Context, a actor.Actor, id int64) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	m, err := s.Draft(ctx, a, id)
	if err != nil {
		return err
	}
	trash, err := s.Store.MailboxByRole(ctx, accountID, store.RoleTrash)
	if err != nil {
		return fmt.Errorf("trash mailbox of account %d: %w", accountID, err)
	}
	_, _, err = s.Move(ctx, a, m.MailboxID, trash.ID, []uint32{m.UID})
	return err
}

// DeleteDraft removes one of the account's drafts for good: the draft a
// send replaced, or a permanent delete asked for by name.
func (s *Service) DeleteDraft(ctx context.Context, a actor.Actor, id int64) error {
	m, err := s.Draft(ctx, a, id)
	if err != nil {
		return err
	}
	_, err = s.Expunge(ctx, a, m.MailboxID, []uint32{m.UID})
	return err
}
