// Package contacts owns the address books (C1–C4, M13): each user's
// personal book with its folders, the shared book of a domain that every
// user of the domain reads and only its administrators change, groups in
// either, the trash, recent recipients for compose, and the file formats
// contacts travel in (CSV in our layout, the hosted webmail's, Outlook's
// and Google's, by header name in UTF-8 or CP949; vCard 2.1/3.0/4.0).
//
// Adapters (the web API, CardDAV, the command line) call the Service and
// never the store: who may see or change a book is decided here, once.
//
// Invariants:
//   - A personal contact belongs to one account, a shared one to one
//     domain; another account's or domain's contact is not found, by id,
//     by UID or by search, as if it did not exist.
//   - Only a domain administrator of the domain (or the operator) changes
//     the shared book; every user of the domain reads it.
//   - An import either stores every contact of its report or none.
package contacts

import "time"

// Book is which address book a contact or group is in.
type Book string

const (
	Personal Book = "personal"
	Shared   Book = "shared"
)

// Email is one address of a contact; Label is free text ("work",
// "회사", ...), empty when the source had none.
type Email struct {
	Address string
	Label   string
}

// Phone is one telephone number of a contact, as the user wrote it.
type Phone struct {
	Number string
	Label  string // "mobile", "work", "home", "fax" or free text
}

// Contact is one entry of an address book.
type Contact struct {
	ID     int64
	Book   Book
	Folder int64 // a personal folder, 0 for none (shared contacts: 0)
	Name   string
	Emails []Email
	Phones []Phone
	// Company is the organisation, Department its unit, Position the
	// person's title there (직위/직책).
	Company, Department, Position string
	Address                       string // postal, one free-text field
	Memo                          string
	Birthday                      string // "YYYY-MM-DD", or "--MM-DD" without a year
	Groups                        []int64
	// UID is the contact's identity across vCard files and CardDAV; set
	// by the service when empty.
	UID string
	// Version grows at every change; ETags (CardDAV, If-Match) are made
	// from it.
	Version int64
	Updated time.Time
	Deleted time.Time // zero unless the contact is in the trash
}

// Group is a named set of contacts of one book.
type Group struct {
	ID      int64
	Book    Book
	Name    string
	Members []int64
}

// Folder is a personal folder of contacts ([+] under 내 주소록).
type Folder struct {
	ID    int64
	Name  string
	Count int
}
