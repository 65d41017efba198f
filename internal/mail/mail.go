// Package mail is the mailbox service: every operation on a user's
// mailboxes, whoever asks (delivery, IMAP, POP3, the webmail, the command
// line), so that parsing, quota, indexing, events, the hooks of later
// features (read receipts, the learning spam filter) and tenancy are
// handled in one place. The adapters read through it too: what a message
// is, which folders an account has, what a search finds.
//
// Files: mail.go (append), append_raw.go (raw bytes in), read.go (reading),
// messages.go and mailboxes.go (changes), folder_name.go (what a folder
// may be called), seen.go (the Read hook), trash.go, spam.go, pop3.go
// (what a user's delete or report means), search.go and criteria.go
// (searching), index_later.go (search terms after the append), inline.go
// (the webmail's inline image capability), drafts.go, reindex.go.
//
// Invariants:
//   - An event is published, and a hook called, only after the store
//     committed.
//   - Every method starts with owner(a) (or checks the actor itself):
//     nothing reaches another account's mail.
package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"postroom/internal/actor"
	"postroom/internal/blob"
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
	Blobs  blob.Store
	Events events.Bus
	// MaxMessageSize is the largest message AppendRaw stores (config
	// max_message_size); 0 is no limit.
	MaxMessageSize int64
	// Hooks are where later features plug in.
	Hooks Hooks

	inlineOnce sync.Once
	inline     []byte // the inline-image key (inline.go)

	indexer indexer // index_later.go
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
// parse (read from the blob when nil, so that no message goes unindexed),
// and neither it nor the bytes it reads may change once Append returned:
// the indexer may still read them (index_later.go).
type AppendRequest struct {
	MailboxID    int64
	BlobKey      string
	Size         int64
	Parsed       *message.Message
	Flags        []string
	InternalDate time.Time // zero: now
	IgnoreQuota  bool
	// SpamVerdict, when set, is the delivery's verdict, recorded with the
	// message (store.NewMessage.SpamVerdict).
	SpamVerdict *store.SpamVerdict
	// Content, when set, is the message's bytes, kept in the database as
	// the blob BlobKey (blob.Key of them) instead of a file: only when
	// KeepsInline(Size) said so (append_raw.go).
	Content []byte
	// Head, when set, is what the stored message has before the bytes
	// Parsed was made of (delivery's trace fields): with it the IMAP meta
	// is computed from memory, not from the file read back (imap_meta.go).
	Head []byte
}

// Append stores a message and announces it.
func (s *Service) Append(ctx context.Context, a actor.Actor, r AppendRequest) (*store.Message, error) {
	nm, err := s.newMessage(a, &r)
	if err != nil {
		return nil, err
	}
	return s.appendNew(ctx, nm, &r)
}

// newMessage makes the row of the message r appends: its parse, preview,
// search terms and IMAP meta. It needs r.BlobKey only when it must read
// the message back (r.Parsed nil, or parsed from other bytes than the
// stored ones).
func (s *Service) newMessage(a actor.Actor, r *AppendRequest) (*store.NewMessage, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	date := r.InternalDate
	if date.IsZero() {
		date = time.Now()
	}
	if r.Parsed == nil && r.Content != nil {
		r.Parsed = message.Parse(r.Content) // not stored yet: nothing to read back
	}
	if r.Parsed == nil && s.Blobs != nil {
		raw, err := s.readBlob(r.BlobKey, r.Size)
		if err != nil {
			return nil, fmt.Errorf("append to mailbox %d: %w", r.MailboxID, err)
		}
		r.Parsed = message.Parse(raw)
		// A new reference to a blob kept in the database (a copy into
		// another account) carries its bytes too: should the last other
		// reference go before this transaction, the row would go with it
		// (files have GC's grace; inline rows do not), and the store puts
		// it back. Where the row is there, nothing is written.
		if s.KeepsInline(int64(len(raw))) && blob.Key(raw) == r.BlobKey {
			r.Content = raw
		}
	}
	nm := &store.NewMessage{
		AccountID:    accountID,
		MailboxID:    r.MailboxID,
		BlobKey:      r.BlobKey,
		Size:         r.Size,
		InternalDate: date,
		Flags:        r.Flags,
		IgnoreQuota:  r.IgnoreQuota,
		SpamVerdict:  r.SpamVerdict,
	}
	if r.Content != nil {
		if !s.KeepsInline(int64(len(r.Content))) {
			return nil, fmt.Errorf("append to mailbox %d: message %s: its bytes cannot be kept in this store's database: %w", r.MailboxID, r.BlobKey, store.ErrInvalid)
		}
		nm.Content = r.Content
	}
	if r.Parsed != nil {
		nm.Envelope = r.Parsed.Envelope()
		nm.References = r.Parsed.References()
		nm.SentDay = message.SentDay(r.Parsed.Header.Get("Date"))
		nm.Preview = r.Parsed.Preview(PreviewLength)
		nm.HasAttachment = r.Parsed.HasAttachment()
		if _, later := s.laterIndex(); later && r.Size <= indexLaterMax {
			nm.IndexLater = true // index_later.go
		} else {
			nm.Index = IndexText(r.Parsed)
		}
	}
	nm.IMAPMeta = s.appendMeta(r) // imap_meta.go
	return nm, nil
}

// appendNew stores nm, the row newMessage made of r, and announces it.
func (s *Service) appendNew(ctx context.Context, nm *store.NewMessage, r *AppendRequest) (*store.Message, error) {
	m, err := s.Store.AppendMessage(ctx, nm)
	if err != nil {
		return nil, fmt.Errorf("append to mailbox %d: %w", r.MailboxID, err)
	}
	if nm.IndexLater {
		s.indexer.hold(m.ID, r.Parsed, r.Size) // a new message is its own index row
		s.wakeIndexer()
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
	return store.IndexText{
		Subject: search.Terms(env.Subject),
		From:    search.Terms(addrs(env.From, env.Sender)),
		To:      search.Terms(addrs(env.To, env.Cc, env.Bcc)),
		Body:    indexBody(m),
		// the paperclip and "has attachment" count files, not the pictures
		// an HTML body shows by cid: (message.Files)
		HasAttachment: m.HasAttachment(),
	}
}

// indexBody is the terms of the body text, of no more than its first
// search.MaxIndexedText bytes (the memory of indexing stays bounded); a
// text that may have been cut is marked with search.CutTerm, so that an
// exact search reads it rather than trusting its terms. A text indexed
// whole, in which normalisation changed nothing an exact needle could
// find (search.ExactText), is marked with search.ExactTerm instead: SEARCH
// BODY trusts the index's answer for it (criteria.go; issue 21).
func indexBody(m *message.Message) string {
	text, whole := bodyText(m)
	// Written into one builder, the terms of a large body are not copied
	// again to mark the cut (issue 21).
	var b strings.Builder
	exact := search.WriteTermsExact(&b, text)
	switch {
	case len(text) > search.MaxIndexedText-utf8.UTFMax:
		b.WriteString(" " + search.CutTerm) // after a space even when there are no terms, as always stored
	case whole && exact:
		b.WriteString(" " + search.ExactTerm) // the same
	}
	return b.String()
}

// wholeTextRaw bounds the raw bytes of the text parts of a message whose
// whole text (message.Text) is indexed: decoding them makes a few times
// that much at most, no more than what TextPrefix may decode anyway.
const wholeTextRaw = search.MaxIndexedText

// bodyText is the body text to index, and whether it is the whole of
// what SEARCH matches (message.Text, which criteria.go compares). A body
// whose text parts are small is rendered whole, at the same cost as a
// prefix; of a larger one only a prefix is rendered (TextPrefix), which
// may lack text even when it is short (an HTML part is decoded no further
// than a multiple of the limit), so it is never whole.
func bodyText(m *message.Message) (text string, whole bool) {
	if m.TextRawSize() <= wholeTextRaw {
		return m.Text(), true
	}
	return m.TextPrefix(search.MaxIndexedText), false
}
