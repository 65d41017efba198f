// Package mail is the mailbox service: every change to a user's mailboxes
// (append now; move, copy, flag, expunge, drafts as the protocols arrive)
// goes through it, whoever asks (delivery, IMAP, POP3, web), so that
// parsing, quota, events and tenancy are handled in one place.
//
// Invariant: an event is published only after the store committed.
package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/message"
	"postroom/internal/search"
	"postroom/internal/store"
)

// PreviewLength is how many characters of body text a message keeps for
// list views.
const PreviewLength = 200

// Service is the mailbox service.
type Service struct {
	Store  store.Store
	Events events.Bus
}

// ErrForbidden: the actor has no mailbox to act on (an operator, say).
var ErrForbidden = errors.New("mail: not allowed")

// owner is the account whose mail the actor may change: its own, or the
// one the system acts for. Every method starts here.
func owner(a actor.Actor) (int64, error) {
	switch a.Role {
	case actor.RoleUser, actor.RoleDomainAdmin, actor.RoleSystem:
		if a.AccountID != 0 {
			return a.AccountID, nil
		}
	}
	return 0, ErrForbidden
}

// AppendRequest is one message to store into one of the actor's
// mailboxes. The blob must be written and synced already; Parsed is its
// parse.
type AppendRequest struct {
	MailboxID    int64
	BlobKey      string
	Size         int64
	Parsed       *message.Message
	Flags        []string
	InternalDate time.Time // zero: now
	IgnoreQuota  bool
}

// Append stores a message and announces it.
func (s *Service) Append(ctx context.Context, a actor.Actor, r AppendRequest) (*store.Message, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	date := r.InternalDate
	if date.IsZero() {
		date = time.Now()
	}
	nm := &store.NewMessage{
		AccountID:    accountID,
		MailboxID:    r.MailboxID,
		BlobKey:      r.BlobKey,
		Size:         r.Size,
		InternalDate: date,
		Flags:        r.Flags,
		IgnoreQuota:  r.IgnoreQuota,
	}
	if r.Parsed != nil {
		nm.Envelope = r.Parsed.Envelope()
		nm.References = r.Parsed.References()
		nm.Preview = r.Parsed.Preview(PreviewLength)
		nm.HasAttachment = r.Parsed.HasAttachment()
		nm.Index = IndexText(r.Parsed)
	}
	m, err := s.Store.AppendMessage(ctx, nm)
	if err != nil {
		return nil, fmt.Errorf("append to mailbox %d: %w", r.MailboxID, err)
	}
	if s.Events != nil {
		s.Events.Publish(events.Event{Kind: events.MessageNew, AccountID: m.AccountID, MailboxID: m.MailboxID,
			UIDs: []uint32{m.UID}, ModSeq: m.ModSeq})
	}
	return m, nil
}

// AppendToRole stores a message into the actor's special mailbox of a
// role (the Sent copy of a submitted message, a draft).
func (s *Service) AppendToRole(ctx context.Context, a actor.Actor, role store.Role, r AppendRequest) (*store.Message, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	mb, err := s.Store.MailboxByRole(ctx, accountID, role)
	if err != nil {
		return nil, fmt.Errorf("%s mailbox of account %d: %w", role, accountID, err)
	}
	r.MailboxID = mb.ID
	return s.Append(ctx, a, r)
}

// IndexText makes a message's search terms (E2): decoded subject, the
// names and addresses of senders and recipients, and the body text in
// whatever charset it came; and its has-attachment facet.
func IndexText(m *message.Message) store.IndexText {
	env := m.Envelope()
	addrs := func(lists ...[]store.Address) string {
		var b strings.Builder
		for _, l := range lists {
			for _, a := range l {
				b.WriteString(a.Name + " " + a.Addr + " ")
			}
		}
		return b.String()
	}
	join := func(s string) string { return strings.Join(search.Tokens(s), " ") }
	return store.IndexText{
		Subject: join(env.Subject),
		From:    join(addrs(env.From, env.Sender)),
		To:      join(addrs(env.To, env.Cc, env.Bcc)),
		Body:    join(m.TextPrefix(search.MaxIndexedText)), // bounded: see MaxIndexedText
		// the paperclip and "has attachment" count files, not the pictures
		// an HTML body shows by cid: (message.Files)
		HasAttachment: m.HasAttachment(),
	}
}
