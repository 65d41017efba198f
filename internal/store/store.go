// Package store owns Postroom's domain types (domains, accounts, mailboxes,
// messages, the outbound queue) and the storage interface every backend
// implements. It holds no SQL: backends live in store/sqlite (and later
// store/postgres), and both must pass the conformance suite in store/storetest.
//
// Invariants every backend keeps:
//   - UIDs and MODSEQs are allocated inside the transaction that writes the
//     rows, so commit order equals UID order within a mailbox.
//   - A message row holds one reference on its blob; the blob reference count
//     and the account's usage counters change in the same transaction as the
//     message rows. Nothing outside the store adjusts them.
//   - Every query that reads or changes mail is scoped by account.
package store

import (
	"context"
	"errors"
	"io"
	"time"

	"postroom/internal/search"
)

// Errors returned by every backend. Callers test them with errors.Is.
var (
	ErrNotFound  = errors.New("store: not found")
	ErrExists    = errors.New("store: already exists")
	ErrOverQuota = errors.New("store: over quota")
	// ErrProtected is returned when deleting or renaming a special-use mailbox.
	ErrProtected = errors.New("store: special mailbox cannot be changed")
	// ErrHasChildren is returned when deleting a mailbox that has children.
	ErrHasChildren = errors.New("store: mailbox has children")
	// ErrInvalid is returned for values the store refuses (empty names and the like).
	ErrInvalid = errors.New("store: invalid value")
	// ErrTooLate is returned when cancelling a queued message that has
	// been tried, is being sent or has gone.
	ErrTooLate = errors.New("store: already sent or being sent")
	// ErrCancelled is returned when cancelling a queued message that was
	// cancelled already.
	ErrCancelled = errors.New("store: already cancelled")
	// ErrFull is wrapped in the error of a change that failed for want of
	// room (the disk holding the database is full): nothing was changed,
	// and the caller's answer is a temporary failure, not a bug.
	ErrFull = errors.New("store: storage full")
)

// Store is the whole storage port. Backends are safe for concurrent use by
// many goroutines and, for the embedded backend, by several processes sharing
// one data directory (the CLI changes accounts while the server runs).
type Store interface {
	DomainStore
	AccountStore
	MailboxStore
	MessageStore
	QueueStore
	UploadStore
	WebSessionStore
	EventLog
	LimitStore
	SecretStore
	SettingsStore
	PasswordResetStore
	PasswordStore
	SentCopyStore
	AccessLog
	ClientPolicyStore
	BlobRefs
	AutoReplyStore
	FilterStore
	JobStore
	ContactStore
	DepartmentStore
	APITokenStore
	AuditStore
	BayesStore
	SpamVerdictStore
	LoginLinkStore
	ListStore
	SecurityStore
	MailboxCopyStore
	ExternalAccountStore
	ReceiptStore
	IMAPIndexStore
	EnvelopeMatchStore
	BodyMatchStore
	IMAPMetaStore
	CertCacheStore
	io.Closer
}

// DomainStore manages hosted domains and system operators.
type DomainStore interface {
	// CreateDomain stores d and sets d.ID. The name is stored lower-case.
	// ErrExists if the name is taken.
	CreateDomain(ctx context.Context, d *Domain) error
	// Domain finds a domain by name (case-insensitive). ErrNotFound.
	Domain(ctx context.Context, name string) (*Domain, error)
	// DomainByID finds a domain by id. ErrNotFound.
	DomainByID(ctx context.Context, id int64) (*Domain, error)
	// Domains lists all domains ordered by name.
	Domains(ctx context.Context) ([]Domain, error)
	// UpdateDomain saves Language, TimeZone, QuotaBytes, Suspended,
	// MaxUsers and the spam lists.
	UpdateDomain(ctx context.Context, d *Domain) error
	// DeleteDomain deletes the domain with all its accounts and their mail
	// (blob references released). ErrNotFound.
	DeleteDomain(ctx context.Context, id int64) error

	// AddDKIMKey stores a signing key of the domain and sets its ID.
	AddDKIMKey(ctx context.Context, k *DKIMKey) error
	// DKIMKeys lists the domain's signing keys, oldest first.
	DKIMKeys(ctx context.Context, domainID int64) ([]DKIMKey, error)

	// CreateOperator stores a system operator. ErrExists.
	CreateOperator(ctx context.Context, o *Operator) error
	// Operator finds an operator by login name. ErrNotFound.
	Operator(ctx context.Context, name string) (*Operator, error)
	// Operators lists all operators.
	Operators(ctx context.Context) ([]Operator, error)
}

// AccountStore manages user accounts.
type AccountStore interface {
	// CreateAccount stores a, sets a.ID and a.CreatedAt, and creates the
	// special mailboxes (DefaultMailboxes) in the same transaction.
	// ErrNotFound if a.DomainID does not exist, ErrExists if the address is
	// taken in that domain.
	CreateAccount(ctx context.Context, a *Account) error
	// Account finds an account by id. ErrNotFound.
	Account(ctx context.Context, id int64) (*Account, error)
	// AccountByAddress finds an account by its full address, compared
	// case-insensitively. ErrNotFound.
	AccountByAddress(ctx context.Context, address string) (*Account, error)
	// Accounts lists a domain's accounts ordered by local part, with usage.
	Accounts(ctx context.Context, domainID int64) ([]Account, error)
	// UpdateAccount saves every mutable field of a (not the address, domain,
	// or usage counters). ErrNotFound.
	UpdateAccount(ctx context.Context, a *Account) error
	// SetAccountLocale saves only the account's language and time zone (the
	// user's own settings), so that it cannot undo an administrator's
	// change made meanwhile. ErrNotFound.
	SetAccountLocale(ctx context.Context, id int64, language, timeZone string) error
	// DeleteAccount deletes the account and all its mail. ErrNotFound.
	DeleteAccount(ctx context.Context, id int64) error
	// Usage returns the bytes and message count stored by the account,
	// maintained transactionally with the messages.
	Usage(ctx context.Context, accountID int64) (Usage, error)
	// LoginEpoch returns a number that moves, in the same transaction,
	// whenever something a held login depends on changes: an account's
	// password, its enabled or mail-client switch, its removal, a
	// domain's hold or removal (triggers in the schema, so that no code
	// path can forget it). A session rechecks its login in full only
	// when the number moved (auth.Authenticator.Recheck).
	LoginEpoch(ctx context.Context) (int64, error)
}

// MailboxStore manages mail folders. Names are full paths with "/" between
// levels ("Projects/2026/견적"); "INBOX" is the inbox, matched
// case-insensitively as IMAP requires.
type MailboxStore interface {
	// Mailboxes lists an account's mailboxes ordered by name.
	Mailboxes(ctx context.Context, accountID int64) ([]Mailbox, error)
	// Mailbox finds a mailbox by id within the account. ErrNotFound.
	Mailbox(ctx context.Context, accountID, mailboxID int64) (*Mailbox, error)
	// MailboxByName finds a mailbox by full name within the account. ErrNotFound.
	MailboxByName(ctx context.Context, accountID int64, name string) (*Mailbox, error)
	// MailboxByRole finds the account's special mailbox of a role. ErrNotFound.
	MailboxByRole(ctx context.Context, accountID int64, role Role) (*Mailbox, error)
	// CreateMailbox creates a user folder, creating missing parents too.
	// It allocates a fresh UIDVALIDITY. ErrExists, ErrInvalid for an empty
	// name or an empty path element.
	CreateMailbox(ctx context.Context, accountID int64, name string) (*Mailbox, error)
	// CreateSpecialMailbox creates a folder as CreateMailbox does that
	// takes role over from the account's mailbox that had it, which
	// becomes an ordinary folder, in one transaction (IMAP CREATE with
	// USE, RFC 6154 §5.3). ErrProtected for RoleInbox or RoleNone.
	CreateSpecialMailbox(ctx context.Context, accountID int64, name string, role Role) (*Mailbox, error)
	// RenameMailbox renames a mailbox and its children. Renaming INBOX is
	// refused with ErrProtected (IMAP's INBOX-rename move is a mail-service
	// operation). ErrExists if the new name is taken.
	RenameMailbox(ctx context.Context, accountID, mailboxID int64, newName string) error
	// DeleteMailbox deletes a user folder and its messages. ErrProtected for
	// special mailboxes, ErrHasChildren if it has children.
	DeleteMailbox(ctx context.Context, accountID, mailboxID int64) error
	// SetSubscribed changes the subscription flag.
	SetSubscribed(ctx context.Context, accountID, mailboxID int64, subscribed bool) error
	// MailboxStatus counts the messages of a mailbox.
	MailboxStatus(ctx context.Context, accountID, mailboxID int64) (MailboxStatus, error)
}

// MessageStore manages messages. Every method is scoped by account; a
// mailbox or message of another account is ErrNotFound.
type MessageStore interface {
	// AppendMessage stores a message whose blob is already written and
	// synced. In one transaction it allocates the UID and MODSEQ, takes a
	// blob reference, updates usage and checks quota (ErrOverQuota when the
	// account's or the domain's quota would be exceeded and !m.IgnoreQuota).
	//
	// It threads the message: the thread of the account's oldest message
	// whose Message-ID is in References; failing that, if the message had
	// References or its subject a reply marker (BaseSubject), the thread of
	// the account's newest message with the same non-empty base subject
	// received at most ThreadSubjectWindow before it, in any mailbox;
	// failing that, a thread of its own (ThreadID = its ID).
	AppendMessage(ctx context.Context, m *NewMessage) (*Message, error)
	// Message finds one message by id within the account. ErrNotFound.
	Message(ctx context.Context, accountID, messageID int64) (*Message, error)
	// MessageByUID finds one message by UID within a mailbox. ErrNotFound.
	MessageByUID(ctx context.Context, accountID, mailboxID int64, uid uint32) (*Message, error)
	// Messages calls fn for each message of the mailbox in UID order, without
	// loading everything into memory. Returning a non-nil error from fn stops
	// the walk and is returned. fn may call the store (to set \Seen during
	// a FETCH, say): backends must not hold a transaction or lock across
	// calls of fn.
	Messages(ctx context.Context, accountID, mailboxID int64, fn func(*Message) error) error
	// StoreFlags changes the flags of the messages with the given UIDs and
	// returns them as changed, all with one new MODSEQ taken for the call
	// (RFC 7162 §3.1: a MODSEQ per operation); a call that changes
	// nothing takes none. Unknown UIDs are skipped.
	StoreFlags(ctx context.Context, accountID, mailboxID int64, uids []uint32, op FlagOp, flags []string) ([]Message, error)
	// CopyMessages copies messages into dst with new UIDs, taking new blob
	// references and checking quota. It returns the source and new UIDs in
	// matching order.
	CopyMessages(ctx context.Context, accountID, srcID, dstID int64, uids []uint32) (src, dst []uint32, err error)
	// MoveMessages moves messages into dst atomically (new UIDs in dst,
	// expunge log entries in src); quota unchanged.
	MoveMessages(ctx context.Context, accountID, srcID, dstID int64, uids []uint32) (src, dst []uint32, err error)
	// Expunge removes messages, records them in the expunge log, releases
	// blob references and usage. It returns the UIDs removed, ascending.
	Expunge(ctx context.Context, accountID, mailboxID int64, uids []uint32) ([]uint32, error)
	// SetIndex replaces a message's search terms and its has-attachment
	// facet (re-indexing: old rows get what new ones get). ErrNotFound.
	SetIndex(ctx context.Context, accountID, messageID int64, idx IndexText) error
	// Search finds the account's messages matching q, newest first, with the
	// total and the count per mailbox (E2).
	Search(ctx context.Context, accountID int64, q SearchQuery) (*SearchResult, error)
	// SearchUIDs lists the UIDs of the mailbox's messages matching q
	// (its text, dates and attachment filter; not its MailboxID or page),
	// ascending: what the purge of old mail reads instead of every message
	// (IMAP SEARCH BODY asks BodyMatch).
	SearchUIDs(ctx context.Context, accountID, mailboxID int64, q SearchQuery) ([]uint32, error)
	// MessagePage lists a mailbox's messages newest first (by internal date,
	// then UID) for list views, and counts all that match. With p.Threads it
	// lists one row per thread instead, the thread's newest message in the
	// mailbox (among those matching p.UnseenOnly), with ThreadCount and
	// ThreadUnseen set; the count is then of threads.
	MessagePage(ctx context.Context, accountID, mailboxID int64, p Page) ([]Message, int, error)
	// ThreadMessages returns every message of the account's thread, in any
	// mailbox (Trash and Spam too), oldest first (internal date, then id).
	// ErrNotFound when the account has no message in that thread.
	ThreadMessages(ctx context.Context, accountID, threadID int64) ([]Message, error)
	// Listing returns the id, UID, size, blob and POP3 state of every
	// message of the mailbox in UID order, without the rest of the row (a
	// POP3 maildrop of 100k messages).
	Listing(ctx context.Context, accountID, mailboxID int64) ([]ListingEntry, error)
	// HideFromPOP3 marks messages as deleted by a POP3 client without
	// removing them (the "keep" setting). Unknown UIDs are skipped.
	HideFromPOP3(ctx context.Context, accountID, mailboxID int64, uids []uint32) error
	// MessageUIDs lists the UIDs of the mailbox greater than after, ascending
	// (all of them for after = 0): what an IMAP session's view is built from.
	MessageUIDs(ctx context.Context, accountID, mailboxID int64, after uint32) ([]uint32, error)
	// ExpungedSince lists UIDs expunged from the mailbox with a MODSEQ
	// greater than modseq, ascending (what QRESYNC's VANISHED needs).
	ExpungedSince(ctx context.Context, accountID, mailboxID int64, modseq uint64) ([]uint32, error)
}

// IndexText is a message's search terms by field: each the space-joined
// tokens of internal/search (Tokens), made once at delivery or append.
type IndexText struct {
	Subject string
	From    string // From and Sender
	To      string // To, Cc and Bcc
	Body    string
	// HasAttachment is the has-attachment facet, for SetIndex to rewrite
	// Message.HasAttachment (AppendMessage takes NewMessage.HasAttachment).
	HasAttachment bool
}

// SearchQuery selects messages for search. Empty queries match anything.
type SearchQuery struct {
	Text                    search.Query // any field
	From, To, Subject, Body search.Query // one field each
	MailboxID               int64        // 0: every mailbox
	Since, Before           time.Time    // internal date, Before exclusive
	HasAttachment           bool
	Offset, Limit           int
}

// SearchResult is a page of matches.
type SearchResult struct {
	Messages  []Message
	Total     int
	ByMailbox map[int64]int
}

// ListingEntry is one message of a Listing.
type ListingEntry struct {
	ID         int64
	UID        uint32
	Size       int64
	BlobKey    string
	POP3Hidden bool
	// UIDL is the message's POP3 unique-id (NewUIDL): kept when the
	// message moves, new for a copy.
	UIDL string
}

// Page selects part of a mailbox for a list view.
type Page struct {
	Offset, Limit int
	UnseenOnly    bool
	// Threads lists conversations: one row per thread (E1).
	Threads bool
}

// ThreadSubjectWindow is how far back a reply without known References
// looks for a message with its base subject: far enough for a slow
// conversation, near enough that "Re: 회의" does not join last year's
// meeting.
const ThreadSubjectWindow = 60 * 24 * time.Hour

// QueueStore holds outbound mail: messages waiting for internet delivery,
// and messages whose sending is delayed or scheduled.
type QueueStore interface {
	// Enqueue stores a message and its recipients (blob already synced; one
	// blob reference taken) and sets the IDs. CreatedAt defaults to now, a
	// zero SendAt means at once, a zero NextTry means SendAt.
	Enqueue(ctx context.Context, q *QueuedMessage) error
	// Queue lists queued messages with all their recipients, oldest first.
	Queue(ctx context.Context) ([]QueuedMessage, error)
	// QueueSummary counts the queued messages and tells when the oldest
	// was queued (zero when none), for the metrics, without reading them.
	QueueSummary(ctx context.Context) (messages int, oldest time.Time, err error)
	// QueuedMessage returns one queued message. ErrNotFound.
	QueuedMessage(ctx context.Context, id int64) (*QueuedMessage, error)
	// ClaimDue returns up to limit messages with recipients due at now
	// (pending, NextTry and SendAt not after now), each with only its due
	// recipients, and moves those recipients' NextTry to now+lease in the
	// same transaction, so that no other worker takes them meanwhile. A
	// worker that dies leaves them to be taken again when the lease ends.
	ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]QueuedMessage, error)
	// SetRecipientResults records outcomes (Status, Attempts, NextTry,
	// LastError by recipient ID). When no recipient of the message is
	// pending any more, the message is removed and its blob released.
	SetRecipientResults(ctx context.Context, messageID int64, results []QueuedRecipient) error
	// SetWarned records that the sender was told of the delay.
	SetWarned(ctx context.Context, id int64) error
	// SentSaved clears SaveSent once the sender's Sent copy is stored.
	SentSaved(ctx context.Context, id int64) error
	// RetryNow makes every pending recipient of the message due now.
	RetryNow(ctx context.Context, id int64) error
	// Dequeue removes a queued message and releases its blob (the
	// operator's drop). ErrNotFound.
	Dequeue(ctx context.Context, id int64) error
	// CancelQueued removes the account's queued message if it has not gone
	// to any recipient yet (undo send, scheduled send cancelled).
	// ErrNotFound when it is not the account's (or not queued at all);
	// ErrTooLate when a recipient was tried or a worker has claimed it
	// (ClaimDue), so that a message reported cancelled never goes. A
	// delayed or scheduled message (SendAt after CreatedAt) that left the
	// queue is remembered for QueueGoneKeep, on every node and across
	// restarts: cancelling it then is ErrTooLate when it went (every
	// recipient was tried to the end) and ErrCancelled when it was
	// cancelled; an operator's Dequeue is not remembered.
	CancelQueued(ctx context.Context, accountID, id int64) error
	// AccountQueue lists the account's queued messages with all their
	// recipients, by SendAt then ID (the "scheduled" view).
	AccountQueue(ctx context.Context, accountID int64) ([]QueuedMessage, error)
}

// QueueGoneKeep is how long a delayed or scheduled message that left the
// queue is remembered (CancelQueued): far longer than any undo button is
// shown, so that a late undo is told "already sent", not "not found".
const QueueGoneKeep = 30 * 24 * time.Hour

// AccessLog records logins for the user's access log (S8) and the login
// watch (M12).
type AccessLog interface {
	// RecordLogin stores one login attempt of an existing account.
	RecordLogin(ctx context.Context, l *Login) error
	// Logins lists the account's most recent logins, newest first.
	Logins(ctx context.Context, accountID int64, limit int) ([]Login, error)
	// LoginAddresses lists the distinct addresses (Login.IP) of the
	// account's successful logins at or after since, the most recently
	// used first, at most limit: the addresses its owner logs in from.
	LoginAddresses(ctx context.Context, accountID int64, since time.Time, limit int) ([]string, error)
}

// Login is one entry of the access log.
type Login struct {
	ID        int64
	AccountID int64
	Time      time.Time
	Protocol  string // "imap", "pop3", "smtp", "web"
	IP        string
	Success   bool
}

// BlobRefs answers the blob garbage collector.
type BlobRefs interface {
	// BlobReferenced reports whether any row (message or queue entry) still
	// references the blob.
	BlobReferenced(ctx context.Context, key string) (bool, error)
	// BlobRefCount returns the number of references recorded for the blob.
	BlobRefCount(ctx context.Context, key string) (int64, error)
	// BlobKeys calls fn for every blob key that has a reference, so that a
	// checker can compare the blob directory with the store.
	BlobKeys(ctx context.Context, fn func(key string) error) error
	// CheckConsistency verifies the store's own invariants (reference counts
	// equal the rows that reference each blob, usage equals the sum of
	// message sizes, UIDNEXT is above every UID) and returns a description of
	// every violation found; empty means consistent.
	CheckConsistency(ctx context.Context) ([]string, error)
}

// Domain is a hosted mail domain: a tenant.
type Domain struct {
	ID         int64
	Name       string // lower-case, e.g. "example.co.kr"
	Language   string // default language of new accounts: "ko" or "en"
	TimeZone   string // IANA name, default of new accounts
	QuotaBytes int64  // whole-domain quota; 0 = unlimited
	// Suspended: the operator's hold; no account of the domain logs in
	// and no mail is accepted for it.
	Suspended bool
	MaxUsers  int // the operator's limit of accounts; 0 = none
	// MessagesPerHour is the operator's limit of messages each of the
	// domain's users sends per hour (internal/send/hourly.go): 0 = the
	// server's default (config [limits]), -1 = none.
	MessagesPerHour int
	// BlockedSenders and BlockedPhrases are the domain's spam lists (M2),
	// applied to every account of the domain like its own (S5).
	BlockedSenders []string
	BlockedPhrases []string
	// TrackingImage puts a 1x1 image with a per-recipient token into each
	// external recipient's own copy of an HTML message sent with read
	// receipts (issue 18, internal/receipts); off by default.
	TrackingImage bool
	CreatedAt     time.Time
	// UsedBytes is what the domain's accounts store together, filled on
	// read (maintained with the messages, like Account.Usage).
	UsedBytes int64
}

// DKIMKey is a domain's DKIM signing key (RFC 6376), published in DNS
// under its selector.
type DKIMKey struct {
	ID         int64
	DomainID   int64
	Selector   string
	Algorithm  string // "rsa" or "ed25519"
	PrivatePEM []byte
	CreatedAt  time.Time
}

// Operator is a system operator: manages domains, is not a mail user.
type Operator struct {
	ID           int64
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

// Account is a mail user of one domain.
type Account struct {
	ID           int64
	DomainID     int64
	Domain       string // domain name, filled on read
	LocalPart    string // lower-case
	DisplayName  string
	PasswordHash string // argon2id, PHC string form
	QuotaBytes   int64  // 0 = unlimited
	Enabled      bool   // service ON; OFF = suspended (no login, mail refused)
	ClientAccess bool   // P7 "use mail clients": IMAP, POP3, submission logins
	Admin        bool   // domain administrator
	Language     string // "ko" or "en"
	TimeZone     string // IANA name
	// POP3Delete says what a POP3 client's DELE does (P4): POP3Keep (the
	// default), POP3Trash or POP3Delete.
	POP3Delete string
	CreatedAt  time.Time
	Usage      Usage // filled on read
}

// What a POP3 client's DELE does, per account.
const (
	POP3Keep   = "keep"   // hidden from later POP3 sessions only
	POP3Trash  = "trash"  // moved to Trash
	POP3Delete = "delete" // expunged
)

// Address returns the account's full e-mail address.
func (a *Account) Address() string { return a.LocalPart + "@" + a.Domain }

// Usage is what an account stores.
type Usage struct {
	Bytes    int64
	Messages int64
}

// Role marks a special-use mailbox (RFC 6154).
type Role string

const (
	RoleNone    Role = ""
	RoleInbox   Role = "inbox"
	RoleSent    Role = "sent"
	RoleDrafts  Role = "drafts"
	RoleTrash   Role = "trash"
	RoleSpam    Role = "spam"
	RoleArchive Role = "archive"
)

// DefaultMailboxes are created for every account, in this order, with these
// names. The UI shows translated names by role (받은메일함, 보낸메일함, ...).
var DefaultMailboxes = []struct {
	Name string
	Role Role
}{
	{"INBOX", RoleInbox},
	{"Sent", RoleSent},
	{"Drafts", RoleDrafts},
	{"Trash", RoleTrash},
	{"Spam", RoleSpam},
	{"Archive", RoleArchive},
}

// MailboxDelimiter separates the levels of a mailbox name.
const MailboxDelimiter = "/"

// Mailbox is a folder of one account.
type Mailbox struct {
	ID            int64
	AccountID     int64
	Name          string // full path, levels separated by MailboxDelimiter
	Role          Role
	Subscribed    bool
	UIDValidity   uint32
	UIDNext       uint32 // the UID the next message will get
	HighestModSeq uint64 // highest MODSEQ of any change in this mailbox
	CreatedAt     time.Time
}

// MailboxStatus counts a mailbox's messages.
type MailboxStatus struct {
	Messages int64
	Unseen   int64
	Deleted  int64 // messages flagged \Deleted
	Size     int64
	// FirstUnseen is the UID of the first message without \Seen, 0 if none.
	FirstUnseen uint32
}

// Standard IMAP system flags, stored as given.
const (
	FlagSeen     = `\Seen`
	FlagAnswered = `\Answered`
	FlagFlagged  = `\Flagged`
	FlagDeleted  = `\Deleted`
	FlagDraft    = `\Draft`
)

// FlagOp says how StoreFlags changes flags.
type FlagOp int

const (
	FlagsAdd FlagOp = iota
	FlagsRemove
	FlagsReplace
)

// Address is a parsed mailbox address of an envelope.
type Address struct {
	Name string `json:"name,omitempty"` // decoded display name
	Addr string `json:"addr"`           // local@domain
}

// Envelope is what IMAP's ENVELOPE and the webmail's lists need, parsed once
// at delivery from the message header (decoded to UTF-8).
type Envelope struct {
	Date time.Time `json:"date"` // zero when absent or unparsable
	// DateText is the Date header as written (unfolded, at most
	// MaxDateText bytes): IMAP's ENVELOPE date (RFC 3501 §7.4.2).
	DateText  string    `json:"date_text,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	From      []Address `json:"from,omitempty"`
	Sender    []Address `json:"sender,omitempty"`
	ReplyTo   []Address `json:"reply_to,omitempty"`
	To        []Address `json:"to,omitempty"`
	Cc        []Address `json:"cc,omitempty"`
	Bcc       []Address `json:"bcc,omitempty"`
	InReplyTo string    `json:"in_reply_to,omitempty"`
	MessageID string    `json:"message_id,omitempty"`
}

// NewMessage is a message to append. The blob must already be synced,
// unless BlobPending says otherwise.
type NewMessage struct {
	AccountID    int64
	MailboxID    int64
	BlobKey      string
	Size         int64
	InternalDate time.Time
	Flags        []string
	Envelope     Envelope
	// References lists the Message-IDs this message refers to (In-Reply-To
	// and References), used to join an existing thread of the account.
	References    []string
	Preview       string // short plain-text start of the body
	HasAttachment bool
	IgnoreQuota   bool // for moves into Trash and administrative restores
	Index         IndexText
	// IndexLater: Index is empty, and the terms come after the append
	// (LaterIndexStore; issue 21). Only a store that implements
	// LaterIndexStore takes it; the others refuse the message with
	// ErrInvalid.
	IndexLater bool
	// BlobPending: the file of BlobKey is being made durable while this
	// message is appended (blob.LaterPutter; issue 21), and the store
	// names the key pending with the row (PendingBlobStore). Only a store
	// that implements PendingBlobStore takes it; the others refuse the
	// message with ErrInvalid.
	BlobPending bool
	// SentDay is the Date header's day as written (SentDayOf of the date
	// in its own zone), 0 when unknown.
	SentDay int
	// SaveDate is when the message is put into its mailbox; zero: now.
	SaveDate time.Time
	// IMAPMeta is the message's IMAP ENVELOPE and BODYSTRUCTURE
	// (IMAPMetaStore), kept with it; nil: none.
	IMAPMeta *IMAPMeta
	// SpamVerdict, when set, is recorded for the account and the blob
	// (SpamVerdictStore) in the same transaction: no delivered message
	// without its verdict, and no second transaction per delivery.
	SpamVerdict *SpamVerdict
	// Content, when set, is the message's bytes, which the store keeps
	// as the blob BlobKey in its own database, in this message's
	// transaction, instead of a file (InlineBlobStore; issue 21). BlobKey
	// must be their SHA-256 hex as blob.FS makes it (blob.Key). Only a
	// store that implements InlineBlobStore takes it; the others refuse
	// the message with ErrInvalid.
	Content []byte
}

// Message is a stored message.
type Message struct {
	ID           int64
	AccountID    int64
	MailboxID    int64
	UID          uint32
	ModSeq       uint64
	BlobKey      string
	Size         int64
	InternalDate time.Time
	// SaveDate is when the message was put into its mailbox (RFC 8514).
	SaveDate      time.Time
	Flags         []string // sorted
	Envelope      Envelope
	ThreadID      int64 // id of the thread's first message
	Preview       string
	HasAttachment bool
	// POP3Hidden: a POP3 client deleted it under the "keep" setting; later
	// POP3 sessions do not list it, IMAP and the webmail still do.
	POP3Hidden bool
	// ThreadCount is set by MessagePage with Page.Threads only: how many
	// messages the thread has in the account outside Trash and Spam, plus
	// those in the listed mailbox (so a Trash row counts its trashed mail).
	ThreadCount int
	// ThreadUnseen is set with ThreadCount: how many of the thread's
	// messages in the listed mailbox are unseen, so that a conversation
	// whose newest message was read still shows as unread while an older
	// one is not (IMAP and the webmail count the same unseen messages).
	ThreadUnseen int
}

// HasFlag reports whether the message carries flag (case-insensitive for
// system flags, as IMAP compares them).
func (m *Message) HasFlag(flag string) bool {
	for _, f := range m.Flags {
		if equalFold(f, flag) {
			return true
		}
	}
	return false
}

// QueuedMessage is an outbound message in the queue.
type QueuedMessage struct {
	ID        int64
	AccountID int64 // submitting account; 0 for system mail (bounces)
	From      string
	BlobKey   string
	Size      int64
	CreatedAt time.Time
	// SendAt is when sending may start: later than CreatedAt for delayed
	// (undo) and scheduled sending.
	SendAt time.Time
	// UTF8 says the envelope or header needs SMTPUTF8 (RFC 6531).
	UTF8 bool
	// Warned: the sender was told the message is delayed.
	Warned bool
	// SaveSent: store the sender's Sent copy when the message goes (delayed
	// and scheduled sending keep none while they wait).
	SaveSent bool
	// Individually: each recipient gets his own copy with only himself in
	// To and no Cc (E3-2); the blob is the sender's original.
	Individually bool
	// Undo is what an undo of this send puts back (S2-4).
	Undo       QueuedUndo
	Recipients []QueuedRecipient
}

// QueuedUndo is what an undo of a delayed or scheduled send puts back,
// kept on the queue row so that any node, after any restart, can undo it:
// the message the send marked \Answered (0: none, or it was answered
// before), and the sender's compose state that the message itself does
// not carry (the send service's draft field, opaque here).
type QueuedUndo struct {
	Answered int64
	Draft    string
}

// Recipient states in the queue.
const (
	RcptPending = "pending"
	RcptSent    = "sent"
	RcptFailed  = "failed"
)

// QueuedRecipient is one recipient of a queued message.
type QueuedRecipient struct {
	ID        int64
	Address   string
	Status    string // RcptPending, RcptSent, RcptFailed
	Attempts  int
	NextTry   time.Time
	LastError string // the last reply or error, for the DSN and the operator
}
