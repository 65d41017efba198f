package order

import (
	"strings"
	"time"
)

// Msg is what SORT and THREAD need of one message, as the store keeps it.
// The IMAP layer fills it from store.Message (and the References the store
// keeps); nothing here reads a message file.
type Msg struct {
	Seq     uint32    // message sequence number in the session's view
	UID     uint32    // UID of the message
	Arrival time.Time // INTERNALDATE (ARRIVAL, RFC 5256 §3)
	// Date is the Date header in UTC; zero when absent or unparsable, and
	// then the sent date is Arrival (RFC 5256 §2.2).
	Date time.Time
	Size int64 // RFC822.SIZE

	// Subject is the Subject header: raw text with RFC 2047 encoded words,
	// or already decoded (decoding decoded text changes nothing unless it
	// spells an encoded word itself).
	Subject string

	From, To, Cc Address // first address of each field; zero when absent

	// MessageID is the Message-ID, with or without angle brackets; empty
	// when absent (the message then gets an id of its own, RFC 5256 §4).
	MessageID string
	// References lists the msg-ids of the References header, oldest first.
	References []string
	// InReplyTo is the In-Reply-To header's msg-ids (space-separated, as
	// store.Envelope keeps them); only the first is used, and only when
	// References holds no valid id (RFC 5256 §4 step 1).
	InReplyTo string
}

// Address is the first address of a From, To or Cc header.
type Address struct {
	Name    string // display name (RFC 2047 allowed, decoded here)
	Mailbox string // local part: IMAP addr-mailbox
	Host    string // domain: IMAP addr-host
}

// AddressOf splits a stored address ("local@domain", as store.Address.Addr
// keeps it) at its last "@" into an Address with the display name name.
func AddressOf(name, addr string) Address {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return Address{Name: name, Mailbox: addr[:i], Host: addr[i+1:]}
	}
	return Address{Name: name, Mailbox: addr}
}

// sentDate is the sent date of RFC 5256 §2.2: the Date header adjusted to
// UTC, or INTERNALDATE when the header is missing or unparsable.
func (m *Msg) sentDate() time.Time {
	if m.Date.IsZero() {
		return m.Arrival
	}
	return m.Date
}

// id returns the sequence number or the UID, as the command asked.
func (m *Msg) id(byUID bool) uint32 {
	if byUID {
		return m.UID
	}
	return m.Seq
}

// msgID returns a msg-id without its angle brackets and surrounding white
// space, so that "<a@b>" and "a@b" (the store's form) are the same id.
// Ids are otherwise compared byte for byte: RFC 5256 §4 step 1 says
// Message-ID comparisons are case-sensitive.
func msgID(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "<")
	s = strings.TrimSuffix(s, ">")
	return strings.TrimSpace(s)
}
