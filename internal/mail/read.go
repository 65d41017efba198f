package mail

import (
	"context"
	"errors"
	"fmt"
	"io"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/store"
)

// Reading: what the adapters show. Each read is of the actor's own
// account; another account's mailbox or message is store.ErrNotFound,
// revealing nothing. Reading changes nothing: the user reading a message
// is MarkRead (seen.go).

// Folder is a mailbox with its counts.
type Folder struct {
	store.Mailbox
	Status store.MailboxStatus
}

// Mailboxes lists the actor's mailboxes ordered by name.
func (s *Service) Mailboxes(ctx context.Context, a actor.Actor) ([]store.Mailbox, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	mbs, err := s.Store.Mailboxes(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("mailboxes of account %d: %w", accountID, err)
	}
	return mbs, nil
}

// Folders lists the actor's mailboxes with their counts.
func (s *Service) Folders(ctx context.Context, a actor.Actor) ([]Folder, error) {
	mbs, err := s.Mailboxes(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]Folder, 0, len(mbs))
	for _, mb := range mbs {
		st, err := s.Store.MailboxStatus(ctx, mb.AccountID, mb.ID)
		if err != nil {
			return nil, fmt.Errorf("status of mailbox %d: %w", mb.ID, err)
		}
		out = append(out, Folder{Mailbox: mb, Status: st})
	}
	return out, nil
}

// Mailbox finds one of the actor's mailboxes by id.
func (s *Service) Mailbox(ctx context.Context, a actor.Actor, id int64) (*store.Mailbox, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	mb, err := s.Store.Mailbox(ctx, accountID, id)
	if err != nil {
		return nil, fmt.Errorf("mailbox %d: %w", id, err)
	}
	return mb, nil
}

// MailboxByName finds one of the actor's mailboxes by its full name
// (INBOX in any case), as given or in its NFC form (FolderName).
func (s *Service) MailboxByName(ctx context.Context, a actor.Actor, name string) (*store.Mailbox, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	for _, n := range lookupNames(name) {
		mb, err := s.Store.MailboxByName(ctx, accountID, n)
		if err == nil {
			return mb, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("mailbox %q: %w", name, err)
		}
	}
	return nil, fmt.Errorf("mailbox %q: %w", name, store.ErrNotFound)
}

// MailboxByRole finds the actor's special mailbox of a role.
func (s *Service) MailboxByRole(ctx context.Context, a actor.Actor, role store.Role) (*store.Mailbox, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	mb, err := s.Store.MailboxByRole(ctx, accountID, role)
	if err != nil {
		return nil, fmt.Errorf("%s mailbox of account %d: %w", role, accountID, err)
	}
	return mb, nil
}

// Status counts the messages of one of the actor's mailboxes.
func (s *Service) Status(ctx context.Context, a actor.Actor, mailboxID int64) (store.MailboxStatus, error) {
	accountID, err := owner(a)
	if err != nil {
		return store.MailboxStatus{}, err
	}
	st, err := s.Store.MailboxStatus(ctx, accountID, mailboxID)
	if err != nil {
		return st, fmt.Errorf("status of mailbox %d: %w", mailboxID, err)
	}
	return st, nil
}

// Page lists part of a mailbox newest first, or one row per conversation
// (store.Page), with the count of all.
func (s *Service) Page(ctx context.Context, a actor.Actor, mailboxID int64, p store.Page) ([]store.Message, int, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, 0, err
	}
	msgs, total, err := s.Store.MessagePage(ctx, accountID, mailboxID, p)
	if err != nil {
		return nil, 0, fmt.Errorf("list mailbox %d: %w", mailboxID, err)
	}
	return msgs, total, nil
}

// Thread returns every message of one of the actor's conversations, in
// any mailbox (Trash and Spam too), oldest first.
func (s *Service) Thread(ctx context.Context, a actor.Actor, threadID int64) ([]store.Message, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	msgs, err := s.Store.ThreadMessages(ctx, accountID, threadID)
	if err != nil {
		return nil, fmt.Errorf("thread %d: %w", threadID, err)
	}
	return msgs, nil
}

// Message finds one of the actor's messages by id.
func (s *Service) Message(ctx context.Context, a actor.Actor, id int64) (*store.Message, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	m, err := s.Store.Message(ctx, accountID, id)
	if err != nil {
		return nil, fmt.Errorf("message %d: %w", id, err)
	}
	return m, nil
}

// MessageByUID finds one message of the actor's mailbox by UID.
func (s *Service) MessageByUID(ctx context.Context, a actor.Actor, mailboxID int64, uid uint32) (*store.Message, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	m, err := s.Store.MessageByUID(ctx, accountID, mailboxID, uid)
	if err != nil {
		return nil, fmt.Errorf("message UID %d of mailbox %d: %w", uid, mailboxID, err)
	}
	return m, nil
}

// MessagesByUID reads the messages of the mailbox with the given UIDs;
// those expunged meanwhile are absent from the map.
func (s *Service) MessagesByUID(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (map[uint32]*store.Message, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	return s.messages(ctx, accountID, mailboxID, uids, 0)
}

// messages reads messages by UID: one by one for a few (or for fewer than
// an eighth of the mailbox's total, when the caller knows it), in one walk
// of the mailbox for many.
func (s *Service) messages(ctx context.Context, accountID, mailboxID int64, uids []uint32, total int) (map[uint32]*store.Message, error) {
	out := make(map[uint32]*store.Message, len(uids))
	if len(uids) <= 64 || len(uids) < total/8 {
		for _, u := range uids {
			m, err := s.Store.MessageByUID(ctx, accountID, mailboxID, u)
			if err == nil {
				out[u] = m
			}
		}
		return out, nil
	}
	want := make(map[uint32]bool, len(uids))
	for _, u := range uids {
		want[u] = true
	}
	err := s.Store.Messages(ctx, accountID, mailboxID, func(m *store.Message) error {
		if want[m.UID] {
			out[m.UID] = m
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("messages of mailbox %d: %w", mailboxID, err)
	}
	return out, nil
}

// UIDs lists the UIDs of the actor's mailbox above after, ascending: what
// an IMAP session's view is made of.
func (s *Service) UIDs(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]uint32, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	uids, err := s.Store.MessageUIDs(ctx, accountID, mailboxID, after)
	if err != nil {
		return nil, fmt.Errorf("UIDs of mailbox %d: %w", mailboxID, err)
	}
	return uids, nil
}

// Open opens the bytes of a message the actor read through the service
// (Message, MessageByUID, a page): of its own account only.
func (s *Service) Open(ctx context.Context, a actor.Actor, m *store.Message) (io.ReadSeekCloser, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	if m.AccountID != accountID {
		return nil, fmt.Errorf("message %d: %w", m.ID, store.ErrNotFound)
	}
	r, err := s.Blobs.Open(m.BlobKey)
	if err != nil {
		return nil, fmt.Errorf("message %d blob %s: %w", m.ID, m.BlobKey, err)
	}
	return r, nil
}

// Load returns one of the actor's messages and its bytes. It is not the
// user reading it (MarkRead is).
func (s *Service) Load(ctx context.Context, a actor.Actor, id int64) (*store.Message, []byte, error) {
	m, err := s.Message(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	raw, err := s.Bytes(ctx, a, m)
	if err != nil {
		return nil, nil, err
	}
	return m, raw, nil
}

// Bytes returns the bytes of a message the actor read through the
// service.
func (s *Service) Bytes(ctx context.Context, a actor.Actor, m *store.Message) ([]byte, error) {
	r, err := s.Open(ctx, a, m)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	raw, err := blob.ReadAll(r, m.Size)
	if err != nil {
		return nil, fmt.Errorf("message %d: %w", m.ID, err)
	}
	return raw, nil
}

// readBlob reads a blob the service was handed (an append's) of size
// bytes (0: not known).
func (s *Service) readBlob(key string, size int64) ([]byte, error) {
	r, err := s.Blobs.Open(key)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", key, err)
	}
	defer r.Close()
	return blob.ReadAll(r, size)
}
