package store

import (
	"context"
	"time"
)

// ListStore keeps a domain's mailing lists (M4): an address of the domain
// that delivers to its members. What a list may hold (address syntax,
// member count, duplicates) is internal/admin's business; the store keeps
// the members as given, in their order.
//
// Every method is scoped by domain: a list of another domain is
// ErrNotFound, as if it did not exist. A domain's lists go with it.
type ListStore interface {
	// Lists lists the domain's lists ordered by local part.
	Lists(ctx context.Context, domainID int64) ([]List, error)
	// List finds one list of the domain by id. ErrNotFound.
	List(ctx context.Context, domainID, id int64) (*List, error)
	// ListByLocalPart finds the domain's list whose address has this
	// local part, compared case-insensitively. ErrNotFound.
	ListByLocalPart(ctx context.Context, domainID int64, local string) (*List, error)
	// CreateList stores l and sets its ID, Domain and times. ErrExists
	// when the local part is taken in the domain by a list or an account
	// (checked in the same transaction), ErrNotFound when the domain does
	// not exist, ErrInvalid for an empty local part.
	CreateList(ctx context.Context, l *List) error
	// UpdateList saves l's LocalPart, Name, Members and MembersOnly.
	// ErrNotFound (another domain's list too), ErrExists as CreateList.
	UpdateList(ctx context.Context, l *List) error
	// DeleteList removes one list of the domain. ErrNotFound.
	DeleteList(ctx context.Context, domainID, id int64) error
}

// List is a mailing list of one domain.
type List struct {
	ID        int64
	DomainID  int64
	Domain    string // domain name, filled on read
	LocalPart string // lower-case
	Name      string // what the console shows
	// Members are full addresses, hosted or on the internet, in the order
	// the administrator gave them.
	Members []string
	// MembersOnly: only members may send to the list.
	MembersOnly bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Address returns the list's full e-mail address.
func (l *List) Address() string { return l.LocalPart + "@" + l.Domain }
