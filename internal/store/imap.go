package store

import (
	"context"
	"time"
)

// IMAPIndexStore is what a protocol needs to answer whole-mailbox commands
// (UID FETCH 1:* FLAGS, SEARCH, SORT, THREAD, CONDSTORE and QRESYNC
// resyncs) from columns, without decoding every message's envelope or
// reading any message file. Every method is scoped by account: a mailbox
// of another account is ErrNotFound.
type IMAPIndexStore interface {
	// MailboxIndex lists the mailbox's messages with a UID above after
	// (all for 0), in UID order, with only the per-message state.
	MailboxIndex(ctx context.Context, accountID, mailboxID int64, after uint32) ([]MessageIndex, error)
	// MailboxIndexFiltered is MailboxIndex narrowed by f: it lists at
	// least every message that satisfies f, and may list others (SEARCH
	// matches the rows exactly afterwards).
	MailboxIndexFiltered(ctx context.Context, accountID, mailboxID int64, after uint32, f IndexFilter) ([]MessageIndex, error)
	// MailboxState is MailboxIndex with only UID, ModSeq and Flags set:
	// what a session needs to select a mailbox, read for the whole
	// mailbox at every SELECT.
	MailboxState(ctx context.Context, accountID, mailboxID int64, after uint32) ([]MessageIndex, error)
	// ChangedSince lists the mailbox's messages whose MODSEQ is above
	// modseq, in UID order (CONDSTORE's CHANGEDSINCE, QRESYNC).
	ChangedSince(ctx context.Context, accountID, mailboxID int64, modseq uint64) ([]MessageIndex, error)
	// EnvelopeIndex lists the mailbox's messages with a UID above after
	// (all for 0) in UID order with what
	// SEARCH, SORT and THREAD compare (dates, subject, addresses,
	// message-ids), read from columns and the stored envelope without
	// the rest of the row.
	EnvelopeIndex(ctx context.Context, accountID, mailboxID int64, after uint32) ([]EnvelopeEntry, error)
	// EnvelopeIndexContaining is EnvelopeIndex narrowed by texts: it
	// lists at least every message whose Subject, or the Name or the Addr
	// of one of its addresses, holds each of texts, compared in lower
	// case (strings.ToLower), and may list others; a text the backend
	// cannot narrow by is ignored. SEARCH reads these rows for the
	// SUBJECT/FROM/TO/CC/BCC keys that EnvelopeMatch does not answer
	// (under NOT or OR, or a value it refuses) and matches them exactly.
	EnvelopeIndexContaining(ctx context.Context, accountID, mailboxID int64, after uint32, texts []string) ([]EnvelopeEntry, error)
	// StoreFlagsUnchangedSince is StoreFlags with CONDSTORE's
	// UNCHANGEDSINCE (RFC 7162 §3.1.3): in one transaction, the messages
	// whose MODSEQ is above unchangedSince are left alone and returned as
	// modified (ascending); the others change as StoreFlags changes them,
	// all with one new MODSEQ, and are returned as changed.
	StoreFlagsUnchangedSince(ctx context.Context, accountID, mailboxID int64, uids []uint32, op FlagOp, flags []string,
		unchangedSince uint64) (changed []Message, modified []uint32, err error)
}

// IndexFilter narrows MailboxIndexFiltered; the zero value narrows
// nothing.
type IndexFilter struct {
	Seen, Unseen bool      // with \Seen, without it (both: none)
	Since        time.Time // internal date at or after this instant
	Before       time.Time // internal date before this instant
}

// MessageIndex is the per-message state of a mailbox listing: what FLAGS,
// MODSEQ, RFC822.SIZE, INTERNALDATE, SAVEDATE and the object ids need.
type MessageIndex struct {
	ID           int64 // stable through moves, never reused: EMAILID
	UID          uint32
	ModSeq       uint64
	Flags        []string // sorted, as stored
	Size         int64
	InternalDate time.Time
	// SaveDate is when the message was put into this mailbox (appended,
	// delivered, copied or moved: RFC 8514); messages stored before it
	// was kept have their internal date.
	SaveDate time.Time
	ThreadID int64
	BlobKey  string // for a search that must read the message
}

// HasFlag reports whether the entry carries flag (case-insensitive, as
// Message.HasFlag).
func (m *MessageIndex) HasFlag(flag string) bool {
	for _, f := range m.Flags {
		if equalFold(f, flag) {
			return true
		}
	}
	return false
}

// EnvelopeEntry is a message of an EnvelopeIndex.
type EnvelopeEntry struct {
	MessageIndex
	// Date is the Date header (UTC), zero when absent or unreadable.
	Date time.Time
	// SentDay is the Date header's calendar day as written in the header,
	// in its own zone (YYYYMMDD; 0 when unknown): what SENTON, SENTSINCE
	// and SENTBEFORE compare (RFC 3501 §6.4.4). Messages stored before it
	// was kept have the day of Date in UTC.
	SentDay int
	// DateText is the Date header as written (bounded), empty for
	// messages stored before it was kept.
	DateText          string
	Subject           string // decoded
	From, To, Cc, Bcc []Address
	MessageID         string // without angle brackets
	InReplyTo         string // msg-ids without angle brackets, space-separated
	References        []string
}

// MaxStoredReferences is how many Message-IDs of References a message
// keeps for THREAD=REFERENCES: the most recent ones (the parent is last).
const MaxStoredReferences = 50

// MaxDateText bounds Envelope.DateText.
const MaxDateText = 200

// SentDayOf returns t's calendar day in t's own location as YYYYMMDD, 0
// for the zero time.
func SentDayOf(t time.Time) int {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// SortDate is what SORT's DATE compares (RFC 5256 §3): the Date header,
// or the internal date when it has none.
func (e *EnvelopeEntry) SortDate() time.Time {
	if !e.Date.IsZero() {
		return e.Date
	}
	return e.InternalDate
}
