package store

import (
	"context"
	"time"
)

// ContactStore keeps address books (C1–C4): contacts, groups and personal
// folders. What a contact says is internal/contacts' business: the store
// keeps it as an opaque document beside the few columns it sorts, finds
// and scopes by (the sort key and search text are the service's, so the
// collation and the matching rules exist once).
//
// Every method is scoped by its ContactBook: a row of another book is
// ErrNotFound, as if it did not exist. Every change to a book (a contact
// saved, trashed, restored or deleted, a group changed) raises the book's
// version by one inside the same transaction and stamps the changed
// contacts with it, so a CardDAV client's ctag and ETags change exactly
// when something it can see did. One call is one change (a batch of
// SaveContacts shares one version); a call that changes nothing leaves
// the version as it was. A group's change stamps the contacts whose
// memberships it changed (every member when it is renamed); a folder's
// deletion, the contacts it held.
type ContactStore interface {
	// Contacts lists one page of the book's contacts matching q, ordered
	// by SortKey then ID, and how many match in all.
	Contacts(ctx context.Context, q ContactQuery) ([]ContactRow, int, error)
	// Contact reads one contact of the book, trashed or not. ErrNotFound.
	Contact(ctx context.Context, book ContactBook, id int64) (*ContactRow, error)
	// ContactByUID reads the book's contact (trashed or not) with this
	// UID. ErrNotFound.
	ContactByUID(ctx context.Context, book ContactBook, uid string) (*ContactRow, error)
	// SaveContacts writes rows in one transaction: a row with ID 0 is
	// created (ID, Version and Updated set on return), one with an ID
	// replaces that contact's Folder, UID, Name, SortKey, Search, Data and
	// group memberships. An update whose Version is not 0 and differs from
	// the stored one fails with ErrConflict; a UID already used by another
	// contact of the book is ErrExists; a folder or group not of the book
	// is ErrInvalid, and so is an empty UID. An ID not of the book, or a
	// book that does not exist (its domain gone, or its account not of
	// its domain), is ErrNotFound. On any error nothing is written.
	SaveContacts(ctx context.Context, book ContactBook, rows []*ContactRow) error
	// TrashContacts moves contacts of the book to its trash (Deleted set;
	// their group memberships are kept for a restore) and RestoreContacts
	// takes them out again. ErrNotFound, nothing changed, if one is not
	// of the book.
	TrashContacts(ctx context.Context, book ContactBook, ids []int64) error
	RestoreContacts(ctx context.Context, book ContactBook, ids []int64) error
	// DeleteContacts removes contacts of the book for good, with their
	// group memberships. ErrNotFound, nothing changed, if one is not of
	// the book.
	DeleteContacts(ctx context.Context, book ContactBook, ids []int64) error
	// ContactBookVersion is the book's change counter (0 for a book never
	// written).
	ContactBookVersion(ctx context.Context, book ContactBook) (int64, error)

	// ContactGroups lists the book's groups by name, each with its members
	// that are not in the trash.
	ContactGroups(ctx context.Context, book ContactBook) ([]ContactGroup, error)
	// ContactGroup reads one group of the book. ErrNotFound.
	ContactGroup(ctx context.Context, book ContactBook, id int64) (*ContactGroup, error)
	// CreateContactGroup stores g with its Members and sets g.ID; an
	// existing name in the book is ErrExists, a member not of the book
	// (or an empty name) ErrInvalid.
	CreateContactGroup(ctx context.Context, g *ContactGroup) error
	// UpdateContactGroup saves g's Name and replaces its members (trashed
	// members stay members). ErrNotFound, ErrExists, ErrInvalid as above.
	UpdateContactGroup(ctx context.Context, g *ContactGroup) error
	// DeleteContactGroup removes a group; its contacts stay. ErrNotFound.
	DeleteContactGroup(ctx context.Context, book ContactBook, id int64) error

	// ContactFolders lists an account's personal folders by name, each
	// with the number of its contacts not in the trash.
	ContactFolders(ctx context.Context, accountID int64) ([]ContactFolder, error)
	// CreateContactFolder stores f and sets f.ID; an existing name of the
	// account is ErrExists, an empty one ErrInvalid.
	CreateContactFolder(ctx context.Context, f *ContactFolder) error
	// RenameContactFolder renames one folder of the account. ErrNotFound,
	// ErrExists.
	RenameContactFolder(ctx context.Context, accountID, id int64, name string) error
	// DeleteContactFolder removes one folder of the account; its contacts
	// stay, in no folder. ErrNotFound.
	DeleteContactFolder(ctx context.Context, accountID, id int64) error
}

// ContactBook names one address book: an account's personal book
// (AccountID set) or its domain's shared book (AccountID 0).
type ContactBook struct {
	DomainID  int64
	AccountID int64
}

// SharedBook is the shared address book of a domain.
func SharedBook(domainID int64) ContactBook { return ContactBook{DomainID: domainID} }

// PersonalBook is an account's own address book.
func PersonalBook(domainID, accountID int64) ContactBook {
	return ContactBook{DomainID: domainID, AccountID: accountID}
}

// ContactQuery selects contacts of one book.
type ContactQuery struct {
	Book ContactBook
	// Folder, when not 0, keeps only that personal folder's contacts;
	// Group, when not 0, only that group's members.
	Folder int64
	Group  int64
	// Trash lists the book's trash instead of its live contacts.
	Trash bool
	// Text, when not empty, keeps the contacts whose Search contains it
	// (a plain substring: the service prepares both sides).
	Text string
	// Offset and Limit page the result; Limit 0 means all.
	Offset, Limit int
}

// ContactRow is one stored contact.
type ContactRow struct {
	ID     int64
	Book   ContactBook
	Folder int64 // 0 for none
	UID    string
	Name   string
	// SortKey orders a book's contacts; Search is the text a query
	// matches in. Both are made by internal/contacts.
	SortKey string
	Search  string
	Data    []byte // JSON, internal/contacts' shape
	// Groups are the groups of the book the contact is a member of, in
	// ascending id order.
	Groups  []int64
	Version int64 // the book's version at the contact's last change
	Updated time.Time
	Deleted time.Time // zero unless in the trash
}

// ContactGroup is one group of a book.
type ContactGroup struct {
	ID      int64
	Book    ContactBook
	Name    string
	Members []int64 // ascending contact ids
}

// ContactFolder is one personal folder of an account.
type ContactFolder struct {
	ID        int64
	AccountID int64
	Name      string
	Count     int
}
