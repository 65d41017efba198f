package contacts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Errors of the service. Callers test them with errors.Is; an invalid
// value is an *InvalidError, which also matches ErrInvalid.
var (
	ErrNotFound  = errors.New("contacts: not found")
	ErrForbidden = errors.New("contacts: not allowed")
	ErrConflict  = errors.New("contacts: changed meanwhile")
	ErrExists    = errors.New("contacts: already exists")
	ErrInvalid   = errors.New("contacts: invalid value")
)

// InvalidError names the field at fault ("emails[1].address") and why
// ("invalid_email", "required", "too_long", ...): codes an adapter
// translates.
type InvalidError struct {
	Field, Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("contacts: invalid %s: %s", e.Field, e.Reason)
}

// Is makes every InvalidError match ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, reason string) error { return &InvalidError{Field: field, Reason: reason} }

// Store is what the service reads and writes.
type Store interface {
	store.ContactStore
	// Account reads an account: the domain of an account the server acts
	// for (auto-add on send), which its actor does not carry.
	Account(ctx context.Context, id int64) (*store.Account, error)
}

// Service is the address books' rules. Store is required; Sent and
// Directory feed the compose screen's suggestions (suggest.go) and may
// be nil.
type Service struct {
	Store     Store
	Sent      SentMail
	Directory Directory
	Log       *slog.Logger
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// DefaultPageSize is a list page when the caller asks for none.
const DefaultPageSize = 50

// MaxPageSize bounds a page a caller may ask for (the compose picker
// reads a whole book of a small company at once).
const MaxPageSize = 1000

// Query selects contacts of one book for List.
type Query struct {
	Book          Book
	Folder, Group int64
	Text          string
	Trash         bool
	Page          int // 1-based; 0 is 1
	PageSize      int // 0: DefaultPageSize; -1: every match
}

// Page is one page of contacts and how many match in all.
type Page struct {
	Contacts []Contact
	Total    int
}

// book finds the store's book that a names: its own personal book, or
// its domain's shared one. The operator and the system have none.
func (s *Service) book(ctx context.Context, a actor.Actor, b Book) (store.ContactBook, error) {
	acct, ok := a.OwnAccount()
	if !ok && a.Role == actor.RoleSystem && a.AccountID != 0 {
		acct, ok = a.AccountID, true
	}
	if !ok {
		return store.ContactBook{}, ErrForbidden
	}
	domain := a.DomainID
	if domain == 0 {
		ac, err := s.Store.Account(ctx, acct)
		if err != nil {
			return store.ContactBook{}, fmt.Errorf("account %d: %w", acct, mapErr(err))
		}
		domain = ac.DomainID
	}
	switch b {
	case Personal, "":
		return store.PersonalBook(domain, acct), nil
	case Shared:
		return store.SharedBook(domain), nil
	}
	return store.ContactBook{}, invalid("book", "unknown")
}

// CanWrite reports whether a may change book b: every user his personal
// book; the shared book only a domain administrator (C2, M13).
func (s *Service) CanWrite(a actor.Actor, b Book) bool {
	switch b {
	case Personal, "":
		_, ok := a.OwnAccount()
		return ok || (a.Role == actor.RoleSystem && a.AccountID != 0)
	case Shared:
		return a.Role == actor.RoleDomainAdmin && a.DomainID != 0
	}
	return false
}

// writable is book for a change: ErrForbidden unless CanWrite.
func (s *Service) writable(ctx context.Context, a actor.Actor, b Book) (store.ContactBook, error) {
	sb, err := s.book(ctx, a, b)
	if err != nil {
		return sb, err
	}
	if !s.CanWrite(a, b) {
		return sb, ErrForbidden
	}
	return sb, nil
}

// List reads one page of a book, in Korean name order (collate.go), with
// q.Text matched as the search rules say (partial Hangul, initials, phone
// digits).
func (s *Service) List(ctx context.Context, a actor.Actor, q Query) (*Page, error) {
	sb, err := s.book(ctx, a, q.Book)
	if err != nil {
		return nil, err
	}
	if q.Folder != 0 && q.Book == Shared {
		return nil, invalid("folder", "not_personal")
	}
	size := q.PageSize
	switch {
	case size == 0:
		size = DefaultPageSize
	case size < 0:
		size = 0
	case size > MaxPageSize:
		size = MaxPageSize
	}
	page := max(q.Page, 1)
	rows, total, err := s.Store.Contacts(ctx, store.ContactQuery{
		Book: sb, Folder: q.Folder, Group: q.Group, Trash: q.Trash,
		Text: searchQuery(q.Text), Offset: (page - 1) * size, Limit: size,
	})
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", mapErr(err))
	}
	out := &Page{Contacts: make([]Contact, 0, len(rows)), Total: total}
	for i := range rows {
		c, err := fromRow(&rows[i])
		if err != nil {
			return nil, err
		}
		out.Contacts = append(out.Contacts, *c)
	}
	return out, nil
}

// Get reads one contact a may see: of his personal book or his domain's
// shared one, in the trash or not.
func (s *Service) Get(ctx context.Context, a actor.Actor, id int64) (*Contact, error) {
	_, row, err := s.find(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return fromRow(row)
}

// find looks for id in a's personal book, then his shared book.
func (s *Service) find(ctx context.Context, a actor.Actor, id int64) (Book, *store.ContactRow, error) {
	for _, b := range []Book{Personal, Shared} {
		sb, err := s.book(ctx, a, b)
		if err != nil {
			return "", nil, err
		}
		row, err := s.Store.Contact(ctx, sb, id)
		if err == nil {
			return b, row, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return "", nil, fmt.Errorf("contact %d: %w", id, err)
		}
	}
	return "", nil, ErrNotFound
}

// ByUID reads the contact of book with this UID (CardDAV's resource
// names).
func (s *Service) ByUID(ctx context.Context, a actor.Actor, b Book, uid string) (*Contact, error) {
	sb, err := s.book(ctx, a, b)
	if err != nil {
		return nil, err
	}
	row, err := s.Store.ContactByUID(ctx, sb, uid)
	if err != nil {
		return nil, fmt.Errorf("contact %q: %w", uid, mapErr(err))
	}
	return fromRow(row)
}

// BookVersion is the change counter of a book (a CardDAV ctag).
func (s *Service) BookVersion(ctx context.Context, a actor.Actor, b Book) (int64, error) {
	sb, err := s.book(ctx, a, b)
	if err != nil {
		return 0, err
	}
	v, err := s.Store.ContactBookVersion(ctx, sb)
	if err != nil {
		return 0, fmt.Errorf("version of book: %w", mapErr(err))
	}
	return v, nil
}

// Create stores c in c.Book (Personal when empty) and sets its ID, UID,
// Version and Updated. c.Groups and c.Folder must be of the same book.
func (s *Service) Create(ctx context.Context, a actor.Actor, c *Contact) error {
	if c.Book == "" {
		c.Book = Personal
	}
	sb, err := s.writable(ctx, a, c.Book)
	if err != nil {
		return err
	}
	if err := Normalize(c); err != nil {
		return err
	}
	if c.UID == "" {
		c.UID = newUID()
	}
	row, err := toRow(c, sb)
	if err != nil {
		return err
	}
	row.ID, row.Version = 0, 0
	if err := s.Store.SaveContacts(ctx, sb, []*store.ContactRow{row}); err != nil {
		return fmt.Errorf("create contact: %w", mapErr(err))
	}
	c.ID, c.Version, c.Updated = row.ID, row.Version, row.Updated
	return nil
}

// Update saves c over the contact with c.ID, in the book it is in (a
// contact does not change book); nil Groups keeps its groups. When c.Version is not 0 it must still
// be the stored one (ErrConflict): CardDAV's If-Match, and two editors
// of one shared contact.
func (s *Service) Update(ctx context.Context, a actor.Actor, c *Contact) error {
	b, old, err := s.find(ctx, a, c.ID)
	if err != nil {
		return err
	}
	sb, err := s.writable(ctx, a, b)
	if err != nil {
		return err
	}
	c.Book = b
	if err := Normalize(c); err != nil {
		return err
	}
	if c.UID == "" {
		c.UID = old.UID
	}
	if c.Groups == nil {
		// A writer that knows nothing of groups (a CardDAV client) keeps
		// the contact in its groups; an empty list takes it out of all.
		c.Groups = old.Groups
	}
	row, err := toRow(c, sb)
	if err != nil {
		return err
	}
	if err := s.Store.SaveContacts(ctx, sb, []*store.ContactRow{row}); err != nil {
		return fmt.Errorf("update contact %d: %w", c.ID, mapErr(err))
	}
	c.Version, c.Updated, c.Deleted = row.Version, row.Updated, old.Deleted
	return nil
}

// Trash moves contacts to their book's trash, Restore takes them out and
// Delete removes them for good. ids may mix both books a sees; either
// all change or none (ErrNotFound for an id a cannot see, ErrForbidden
// for one of a book he may not change).
func (s *Service) Trash(ctx context.Context, a actor.Actor, ids ...int64) error {
	return s.each(ctx, a, ids, s.Store.TrashContacts)
}

// Restore: see Trash.
func (s *Service) Restore(ctx context.Context, a actor.Actor, ids ...int64) error {
	return s.each(ctx, a, ids, s.Store.RestoreContacts)
}

// Delete: see Trash.
func (s *Service) Delete(ctx context.Context, a actor.Actor, ids ...int64) error {
	return s.each(ctx, a, ids, s.Store.DeleteContacts)
}

func (s *Service) each(ctx context.Context, a actor.Actor, ids []int64, do func(context.Context, store.ContactBook, []int64) error) error {
	byBook := map[Book][]int64{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for _, id := range ids {
		b, _, err := s.find(ctx, a, id)
		if err != nil {
			return err
		}
		if !s.CanWrite(a, b) {
			return ErrForbidden
		}
		byBook[b] = append(byBook[b], id)
	}
	for _, b := range []Book{Personal, Shared} {
		if len(byBook[b]) == 0 {
			continue
		}
		sb, err := s.book(ctx, a, b)
		if err != nil {
			return err
		}
		if err := do(ctx, sb, byBook[b]); err != nil {
			return fmt.Errorf("contacts %v: %w", byBook[b], mapErr(err))
		}
	}
	return nil
}

// Move puts personal contacts into folder (0: none).
func (s *Service) Move(ctx context.Context, a actor.Actor, folder int64, ids ...int64) error {
	sb, err := s.writable(ctx, a, Personal)
	if err != nil {
		return err
	}
	rows := make([]*store.ContactRow, 0, len(ids))
	for _, id := range ids {
		row, err := s.Store.Contact(ctx, sb, id)
		if err != nil {
			return fmt.Errorf("contact %d: %w", id, mapErr(err))
		}
		row.Folder, row.Version = folder, 0
		rows = append(rows, row)
	}
	if err := s.Store.SaveContacts(ctx, sb, rows); err != nil {
		return fmt.Errorf("move contacts: %w", mapErr(err))
	}
	return nil
}

// mapErr turns the store's errors into the service's.
func mapErr(err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w (%v)", ErrNotFound, err)
	case errors.Is(err, store.ErrConflict):
		return fmt.Errorf("%w (%v)", ErrConflict, err)
	case errors.Is(err, store.ErrExists):
		return fmt.Errorf("%w (%v)", ErrExists, err)
	case errors.Is(err, store.ErrInvalid):
		return &InvalidError{Field: "folder_or_group", Reason: "not_in_book"}
	}
	return err
}

// document is what the store keeps of a contact as Data: everything but
// the columns it has of its own.
type document struct {
	Emails     []Email `json:"emails,omitempty"`
	Phones     []Phone `json:"phones,omitempty"`
	Company    string  `json:"company,omitempty"`
	Department string  `json:"department,omitempty"`
	Position   string  `json:"position,omitempty"`
	Address    string  `json:"address,omitempty"`
	Memo       string  `json:"memo,omitempty"`
	Birthday   string  `json:"birthday,omitempty"`
}

func toRow(c *Contact, sb store.ContactBook) (*store.ContactRow, error) {
	data, err := json.Marshal(document{
		Emails: c.Emails, Phones: c.Phones, Company: c.Company, Department: c.Department,
		Position: c.Position, Address: c.Address, Memo: c.Memo, Birthday: c.Birthday,
	})
	if err != nil {
		return nil, fmt.Errorf("encode contact: %w", err)
	}
	folder := c.Folder
	if c.Book == Shared {
		folder = 0
	}
	return &store.ContactRow{
		ID: c.ID, Book: sb, Folder: folder, UID: c.UID, Name: c.Name,
		SortKey: sortKey(c), Search: searchText(c), Data: data,
		Groups: c.Groups, Version: c.Version,
	}, nil
}

func fromRow(r *store.ContactRow) (*Contact, error) {
	var d document
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return nil, fmt.Errorf("decode contact %d: %w", r.ID, err)
	}
	b := Personal
	if r.Book.AccountID == 0 {
		b = Shared
	}
	groups := r.Groups
	if groups == nil {
		groups = []int64{}
	}
	return &Contact{
		ID: r.ID, Book: b, Folder: r.Folder, Name: r.Name,
		Emails: d.Emails, Phones: d.Phones, Company: d.Company, Department: d.Department,
		Position: d.Position, Address: d.Address, Memo: d.Memo, Birthday: d.Birthday,
		Groups: groups, UID: r.UID, Version: r.Version, Updated: r.Updated, Deleted: r.Deleted,
	}, nil
}
