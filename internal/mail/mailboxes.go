package mail

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
)

func (s *Service) publish(e events.Event) {
	if s.Events != nil {
		s.Events.Publish(e)
	}
}

// CreateMailbox creates a user folder (and missing parents) whose name
// FolderName allows.
func (s *Service) CreateMailbox(ctx context.Context, a actor.Actor, name string) (*store.Mailbox, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	if name, err = FolderName(name); err != nil {
		return nil, err
	}
	mb, err := s.Store.CreateMailbox(ctx, accountID, name)
	if err != nil {
		return nil, fmt.Errorf("create mailbox %q: %w", name, err)
	}
	s.publish(events.Event{Kind: events.MailboxChange, AccountID: accountID, MailboxID: mb.ID})
	return mb, nil
}

// CreateSpecialMailbox creates a folder that becomes the account's
// special folder of role (Sent, Drafts, Trash, Spam or Archive): mail of
// that kind goes there from now on, and the folder that had the role
// becomes an ordinary one, keeping its messages (IMAP CREATE with USE,
// RFC 6154 §5.3). The inbox cannot move: store.ErrProtected.
func (s *Service) CreateSpecialMailbox(ctx context.Context, a actor.Actor, name string, role store.Role) (*store.Mailbox, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	if name, err = FolderName(name); err != nil {
		return nil, err
	}
	mb, err := s.Store.CreateSpecialMailbox(ctx, accountID, name, role)
	if err != nil {
		return nil, fmt.Errorf("create %s mailbox %q: %w", role, name, err)
	}
	s.publish(events.Event{Kind: events.MailboxChange, AccountID: accountID, MailboxID: mb.ID})
	return mb, nil
}

// RenameMailbox renames a folder with its children, to a name FolderName
// allows. Renaming INBOX moves its messages into a new folder of the new
// name and leaves INBOX empty (RFC 9051 §6.3.6).
func (s *Service) RenameMailbox(ctx context.Context, a actor.Actor, mailboxID int64, newName string) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	if newName, err = FolderName(newName); err != nil {
		return err
	}
	mb, err := s.Store.Mailbox(ctx, accountID, mailboxID)
	if err != nil {
		return fmt.Errorf("rename mailbox %d: %w", mailboxID, err)
	}
	if mb.Role == store.RoleInbox {
		dst, err := s.CreateMailbox(ctx, a, newName)
		if err != nil {
			return err
		}
		uids, err := s.Store.MessageUIDs(ctx, accountID, mb.ID, 0)
		if err != nil {
			return err
		}
		_, _, err = s.Move(ctx, a, mb.ID, dst.ID, uids)
		return err
	}
	if err := s.Store.RenameMailbox(ctx, accountID, mailboxID, newName); err != nil {
		return fmt.Errorf("rename mailbox %q to %q: %w", mb.Name, newName, err)
	}
	s.publish(events.Event{Kind: events.MailboxChange, AccountID: accountID, MailboxID: mailboxID})
	return nil
}

// DeleteMailbox deletes a user folder and its messages.
func (s *Service) DeleteMailbox(ctx context.Context, a actor.Actor, mailboxID int64) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteMailbox(ctx, accountID, mailboxID); err != nil {
		return fmt.Errorf("delete mailbox %d: %w", mailboxID, err)
	}
	s.publish(events.Event{Kind: events.MailboxChange, AccountID: accountID, MailboxID: mailboxID})
	return nil
}

// SetSubscribed changes a folder's subscription.
func (s *Service) SetSubscribed(ctx context.Context, a actor.Actor, mailboxID int64, on bool) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	if err := s.Store.SetSubscribed(ctx, accountID, mailboxID, on); err != nil {
		return fmt.Errorf("subscribe mailbox %d: %w", mailboxID, err)
	}
	s.publish(events.Event{Kind: events.MailboxChange, AccountID: accountID, MailboxID: mailboxID})
	return nil
}
