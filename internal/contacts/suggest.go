package contacts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/store"
)

// SentMail is the user's Sent folder, which "recent recipients" are read
// from (internal/mail's Service).
type SentMail interface {
	MailboxByRole(ctx context.Context, a actor.Actor, role store.Role) (*store.Mailbox, error)
	Page(ctx context.Context, a actor.Actor, mailboxID int64, p store.Page) ([]store.Message, int, error)
}

// Directory is the colleagues of the user's domain (internal/admin).
type Directory interface {
	Directory(ctx context.Context, a actor.Actor) ([]admin.Entry, error)
}

// recentScan is how many of the newest Sent messages feed "recent
// recipients": enough for a working month, cheap to read.
const recentScan = 300

// Where a suggestion comes from, in the order compose offers them:
// contacts first, then recent recipients, then the directory.
const (
	SourcePersonal  = "personal"
	SourceShared    = "shared"
	SourceRecent    = "recent"
	SourceDirectory = "directory"
)

// Suggestion is one address the compose screen may offer.
type Suggestion struct {
	Name, Email, Source string
}

// GroupSuggestion is a group the compose screen may offer: choosing it
// adds the first address of each member that has one.
type GroupSuggestion struct {
	ID      int64
	Book    Book
	Name    string
	Members []Suggestion
}

// Suggest answers compose's autocomplete and address picker (E3, C1):
// addresses matching q (every one when q is empty) from the personal
// book, the shared book, the recent recipients and the directory, in that
// order, each address once and never the user's own, at most limit; and
// the groups whose name matches.
func (s *Service) Suggest(ctx context.Context, a actor.Actor, self, q string, limit int) ([]Suggestion, []GroupSuggestion, error) {
	limit = min(max(limit, 1), MaxPageSize)
	want := spell(strings.ToLower(strings.TrimSpace(q)))
	seen := map[string]bool{strings.ToLower(self): true}
	out := []Suggestion{}
	add := func(name, email, source string) {
		key := strings.ToLower(email)
		if email == "" || seen[key] || len(out) >= limit {
			return
		}
		seen[key] = true
		out = append(out, Suggestion{Name: name, Email: email, Source: source})
	}
	matches := func(name, email string) bool {
		return want == "" || strings.Contains(spell(strings.ToLower(name)), want) || strings.Contains(strings.ToLower(email), want)
	}
	for _, b := range []Book{Personal, Shared} {
		page, err := s.List(ctx, a, Query{Book: b, Text: q, PageSize: limit})
		if err != nil {
			return nil, nil, err
		}
		for _, c := range page.Contacts {
			for _, e := range c.Emails {
				add(c.Name, e.Address, string(b))
			}
		}
	}
	recent, err := s.recent(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range recent {
		if matches(r.Name, r.Email) {
			add(r.Name, r.Email, SourceRecent)
		}
	}
	if s.Directory != nil {
		dir, err := s.Directory.Directory(ctx, a)
		if err != nil && !errors.Is(err, admin.ErrForbidden) {
			return nil, nil, fmt.Errorf("directory: %w", err)
		}
		for _, e := range dir {
			if matches(e.Name, e.Address) {
				add(e.Name, e.Address, SourceDirectory)
			}
		}
	}
	groups, err := s.groupSuggestions(ctx, a, want)
	if err != nil {
		return nil, nil, err
	}
	return out, groups, nil
}

// recent is the recipients of the newest sent mail, newest first.
func (s *Service) recent(ctx context.Context, a actor.Actor) ([]Suggestion, error) {
	if s.Sent == nil {
		return nil, nil
	}
	sent, err := s.Sent.MailboxByRole(ctx, a, store.RoleSent)
	if err != nil {
		return nil, nil // no Sent folder: no recent recipients
	}
	msgs, _, err := s.Sent.Page(ctx, a, sent.ID, store.Page{Limit: recentScan})
	if err != nil {
		return nil, fmt.Errorf("recent recipients: %w", err)
	}
	var out []Suggestion
	for _, m := range msgs {
		for _, list := range [][]store.Address{m.Envelope.To, m.Envelope.Cc, m.Envelope.Bcc} {
			for _, ad := range list {
				out = append(out, Suggestion{Name: ad.Name, Email: ad.Addr, Source: SourceRecent})
			}
		}
	}
	return out, nil
}

// groupSuggestions is every group of both books whose spelt name holds
// want, with its members' first addresses.
func (s *Service) groupSuggestions(ctx context.Context, a actor.Actor, want string) ([]GroupSuggestion, error) {
	out := []GroupSuggestion{}
	for _, b := range []Book{Personal, Shared} {
		gs, err := s.Groups(ctx, a, b)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			if want != "" && !strings.Contains(spell(strings.ToLower(g.Name)), want) {
				continue
			}
			page, err := s.List(ctx, a, Query{Book: b, Group: g.ID, PageSize: MaxGroupMembers})
			if err != nil {
				return nil, err
			}
			gsug := GroupSuggestion{ID: g.ID, Book: b, Name: g.Name, Members: []Suggestion{}}
			for _, c := range page.Contacts {
				if len(c.Emails) > 0 {
					gsug.Members = append(gsug.Members, Suggestion{Name: c.Name, Email: c.Emails[0].Address, Source: string(b)})
				}
			}
			out = append(out, gsug)
		}
	}
	return out, nil
}

// AutoAdd adds to a's personal book every recipient whose address is in
// neither of his books (S2-9 "add unknown recipients automatically"),
// named as the message named him. The caller decides whether the user's
// setting asks for it.
func (s *Service) AutoAdd(ctx context.Context, a actor.Actor, self string, rcpts []store.Address) (int, error) {
	sb, err := s.writable(ctx, a, Personal)
	if err != nil {
		return 0, err
	}
	var rows []*store.ContactRow
	seen := map[string]bool{strings.ToLower(self): true}
	for _, r := range rcpts {
		key := strings.ToLower(strings.TrimSpace(r.Addr))
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		known, err := s.known(ctx, a, key)
		if err != nil {
			return 0, err
		}
		if known {
			continue
		}
		c := &Contact{Book: Personal, Name: r.Name, Emails: []Email{{Address: r.Addr}}, UID: newUID()}
		if Normalize(c) != nil {
			continue // an address we could not store is not worth failing a send for
		}
		row, err := toRow(c, sb)
		if err != nil {
			return 0, err
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	if err := s.Store.SaveContacts(ctx, sb, rows); err != nil {
		return 0, fmt.Errorf("add recipients to contacts: %w", mapErr(err))
	}
	return len(rows), nil
}

// known reports whether a's personal or shared book (trash included: a
// contact the user deleted is not to come back by itself) has address.
func (s *Service) known(ctx context.Context, a actor.Actor, address string) (bool, error) {
	for _, b := range []Book{Personal, Shared} {
		for _, trash := range []bool{false, true} {
			page, err := s.List(ctx, a, Query{Book: b, Text: address, Trash: trash, PageSize: MaxPageSize})
			if err != nil {
				return false, err
			}
			for _, c := range page.Contacts {
				for _, e := range c.Emails {
					if strings.EqualFold(e.Address, address) {
						return true, nil
					}
				}
			}
		}
	}
	return false, nil
}
