package contacts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// MaxGroupMembers bounds one group: a whole company of the size we host.
const MaxGroupMembers = 10000

// Groups lists the groups of book b, by name, with their members that are
// not in the trash.
func (s *Service) Groups(ctx context.Context, a actor.Actor, b Book) ([]Group, error) {
	sb, err := s.book(ctx, a, b)
	if err != nil {
		return nil, err
	}
	gs, err := s.Store.ContactGroups(ctx, sb)
	if err != nil {
		return nil, fmt.Errorf("groups: %w", mapErr(err))
	}
	out := make([]Group, 0, len(gs))
	for _, g := range gs {
		out = append(out, fromGroup(&g))
	}
	return out, nil
}

// Group reads one group a sees (his personal book's or his shared
// book's).
func (s *Service) Group(ctx context.Context, a actor.Actor, id int64) (*Group, error) {
	_, g, err := s.findGroup(ctx, a, id)
	if err != nil {
		return nil, err
	}
	out := fromGroup(g)
	return &out, nil
}

func (s *Service) findGroup(ctx context.Context, a actor.Actor, id int64) (store.ContactBook, *store.ContactGroup, error) {
	for _, b := range []Book{Personal, Shared} {
		sb, err := s.book(ctx, a, b)
		if err != nil {
			return sb, nil, err
		}
		g, err := s.Store.ContactGroup(ctx, sb, id)
		if err == nil {
			return sb, g, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return sb, nil, fmt.Errorf("group %d: %w", id, err)
		}
	}
	return store.ContactBook{}, nil, ErrNotFound
}

// CreateGroup stores g in g.Book (Personal when empty) and sets its ID.
// A name the book has already is ErrExists; a member not of the book is
// invalid.
func (s *Service) CreateGroup(ctx context.Context, a actor.Actor, g *Group) error {
	if g.Book == "" {
		g.Book = Personal
	}
	sb, err := s.writable(ctx, a, g.Book)
	if err != nil {
		return err
	}
	if err := checkGroup(g); err != nil {
		return err
	}
	sg := &store.ContactGroup{Book: sb, Name: g.Name, Members: g.Members}
	if err := s.Store.CreateContactGroup(ctx, sg); err != nil {
		return fmt.Errorf("create group %q: %w", g.Name, mapMemberErr(err))
	}
	g.ID = sg.ID
	return nil
}

// UpdateGroup renames the group g.ID and replaces its members.
func (s *Service) UpdateGroup(ctx context.Context, a actor.Actor, g *Group) error {
	sb, old, err := s.findGroup(ctx, a, g.ID)
	if err != nil {
		return err
	}
	g.Book = bookOf(sb)
	if !s.CanWrite(a, g.Book) {
		return ErrForbidden
	}
	if err := checkGroup(g); err != nil {
		return err
	}
	sg := &store.ContactGroup{ID: old.ID, Book: sb, Name: g.Name, Members: g.Members}
	if err := s.Store.UpdateContactGroup(ctx, sg); err != nil {
		return fmt.Errorf("update group %d: %w", g.ID, mapMemberErr(err))
	}
	return nil
}

// DeleteGroup removes a group; its contacts stay.
func (s *Service) DeleteGroup(ctx context.Context, a actor.Actor, id int64) error {
	sb, _, err := s.findGroup(ctx, a, id)
	if err != nil {
		return err
	}
	if !s.CanWrite(a, bookOf(sb)) {
		return ErrForbidden
	}
	if err := s.Store.DeleteContactGroup(ctx, sb, id); err != nil {
		return fmt.Errorf("delete group %d: %w", id, mapErr(err))
	}
	return nil
}

func checkGroup(g *Group) error {
	g.Name = strings.TrimSpace(g.Name)
	switch {
	case g.Name == "":
		return invalid("name", "required")
	case tooLong(g.Name, MaxShortField):
		return invalid("name", "too_long")
	case len(g.Members) > MaxGroupMembers:
		return invalid("members", "too_many")
	}
	return nil
}

func mapMemberErr(err error) error {
	if errors.Is(err, store.ErrInvalid) {
		return &InvalidError{Field: "members", Reason: "not_in_book"}
	}
	return mapErr(err)
}

func bookOf(sb store.ContactBook) Book {
	if sb.AccountID == 0 {
		return Shared
	}
	return Personal
}

func fromGroup(g *store.ContactGroup) Group {
	m := g.Members
	if m == nil {
		m = []int64{}
	}
	return Group{ID: g.ID, Book: bookOf(g.Book), Name: g.Name, Members: m}
}

// Folders lists a's personal folders, by name, with their counts.
func (s *Service) Folders(ctx context.Context, a actor.Actor) ([]Folder, error) {
	sb, err := s.book(ctx, a, Personal)
	if err != nil {
		return nil, err
	}
	fs, err := s.Store.ContactFolders(ctx, sb.AccountID)
	if err != nil {
		return nil, fmt.Errorf("contact folders: %w", mapErr(err))
	}
	out := make([]Folder, 0, len(fs))
	for _, f := range fs {
		out = append(out, Folder{ID: f.ID, Name: f.Name, Count: f.Count})
	}
	return out, nil
}

// CreateFolder adds a personal folder ([+] under 내 주소록).
func (s *Service) CreateFolder(ctx context.Context, a actor.Actor, name string) (*Folder, error) {
	sb, err := s.writable(ctx, a, Personal)
	if err != nil {
		return nil, err
	}
	name, err = folderName(name)
	if err != nil {
		return nil, err
	}
	f := &store.ContactFolder{AccountID: sb.AccountID, Name: name}
	if err := s.Store.CreateContactFolder(ctx, f); err != nil {
		return nil, fmt.Errorf("create contact folder %q: %w", name, mapErr(err))
	}
	return &Folder{ID: f.ID, Name: f.Name}, nil
}

// RenameFolder renames one of a's folders.
func (s *Service) RenameFolder(ctx context.Context, a actor.Actor, id int64, name string) error {
	sb, err := s.writable(ctx, a, Personal)
	if err != nil {
		return err
	}
	name, err = folderName(name)
	if err != nil {
		return err
	}
	if err := s.Store.RenameContactFolder(ctx, sb.AccountID, id, name); err != nil {
		return fmt.Errorf("rename contact folder %d: %w", id, mapErr(err))
	}
	return nil
}

// DeleteFolder removes one of a's folders; its contacts stay, in none.
func (s *Service) DeleteFolder(ctx context.Context, a actor.Actor, id int64) error {
	sb, err := s.writable(ctx, a, Personal)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteContactFolder(ctx, sb.AccountID, id); err != nil {
		return fmt.Errorf("delete contact folder %d: %w", id, mapErr(err))
	}
	return nil
}

func folderName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", invalid("name", "required")
	case tooLong(name, MaxShortField):
		return "", invalid("name", "too_long")
	}
	return name, nil
}
