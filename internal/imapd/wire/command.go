package wire

import "time"

// Command is one client command. Name is upper-case, "UID " included for
// the UID forms ("UID FETCH"); Args is one of the pointer types below, or
// nil for commands without arguments (CAPABILITY, NOOP, LOGOUT, STARTTLS,
// CHECK, CLOSE, UNSELECT, IDLE, NAMESPACE, EXPUNGE).
type Command struct {
	Tag  string
	Name string
	Args any
}

// Login is LOGIN (RFC 9051 §6.2.3).
type Login struct{ User, Password string }

// Authenticate is AUTHENTICATE (RFC 9051 §6.2.2). With SASL-IR (RFC 4959)
// the initial response is set: the base64 text as sent, "=" for an empty one.
type Authenticate struct {
	Mechanism       string // upper-case
	InitialResponse string
	HasInitial      bool
}

// Compress is COMPRESS (RFC 4978).
type Compress struct{ Mechanism string }

// Enable is ENABLE (RFC 5161); capability names upper-cased.
type Enable struct{ Capabilities []string }

// CancelUpdate is CANCELUPDATE (RFC 5267 §4.3.5): the tags of the
// searching commands whose contexts end, as given.
type CancelUpdate struct{ Tags []string }

// ID is ID (RFC 2971); nil Params is "ID NIL".
type ID struct {
	Params [][2]string // field, value; a NIL value is ""
	Nil    bool
}

// Select is SELECT or EXAMINE (ReadOnly), with CONDSTORE or QRESYNC
// parameters (RFC 7162 §3.1.8, §3.2.5).
type Select struct {
	Mailbox   string
	ReadOnly  bool
	CondStore bool
	QResync   *QResync
}

// QResync is the QRESYNC select parameter.
type QResync struct {
	UIDValidity uint32
	ModSeq      uint64
	KnownUIDs   *SeqSet
	// Sequence match data: known sequence numbers and their UIDs.
	KnownSeqs    *SeqSet
	KnownSeqUIDs *SeqSet
}

// Create is CREATE with the RFC 6154 USE parameter.
type Create struct {
	Mailbox    string
	SpecialUse []string
}

// Mailbox is a command naming one mailbox: DELETE, SUBSCRIBE,
// UNSUBSCRIBE, GETQUOTAROOT.
type Mailbox struct{ Name string }

// Rename is RENAME.
type Rename struct{ From, To string }

// List is LIST (RFC 9051 §6.3.9, LIST-EXTENDED RFC 5258, LIST-STATUS
// RFC 5819) and LSUB (RFC 3501 §6.3.9; Lsub set). Patterns keep empty
// strings: `LIST "" ""` asks for the hierarchy delimiter.
type List struct {
	Ref         string
	Patterns    []string
	Selection   []string // SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL-USE
	Return      []string // SUBSCRIBED, CHILDREN, SPECIAL-USE, STATUS
	StatusItems []string // items of RETURN (STATUS (...))
	Extended    bool     // selection or return options or several patterns were given
	Lsub        bool
}

// Status is STATUS (RFC 9051 §6.3.11).
type Status struct {
	Mailbox string
	Items   []string // upper-case
}

// Append is APPEND, with MULTIAPPEND (RFC 3502): one or more messages.
type Append struct {
	Mailbox  string
	Messages []AppendMessage
}

// AppendMessage is one message of an APPEND. Exactly one of Literal and
// Parts is set; Parts is CATENATE (RFC 4469).
type AppendMessage struct {
	Flags   []string
	Date    time.Time // zero when not given
	Literal []byte
	Binary  bool // sent as literal8 (RFC 3516): may hold NUL
	UTF8    bool // UTF8 (...) data extension of RFC 6855
	Parts   []CatenatePart
}

// CatenatePart is URL or TEXT of CATENATE.
type CatenatePart struct {
	URL    string
	Text   []byte
	Binary bool
}

// Copy is COPY or MOVE (RFC 6851), UID or not.
type Copy struct {
	UID     bool
	Set     SeqSet
	Mailbox string
}

// Expunge is EXPUNGE, or UID EXPUNGE (RFC 4315, RFC 9051 §6.4.9) with UIDs.
type Expunge struct {
	UIDs *SeqSet
}

// Store is STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3).
type Store struct {
	UID            bool
	Set            SeqSet
	Op             StoreOp
	Silent         bool
	Flags          []string
	UnchangedSince *uint64
}

// StoreOp is what STORE does with the flags.
type StoreOp int

// The STORE operations: FLAGS, +FLAGS, -FLAGS.
const (
	StoreReplace StoreOp = iota
	StoreAdd
	StoreRemove
)

// Quota is GETQUOTA (RFC 9208 §4.2) naming a quota root.
type Quota struct{ Root string }

// SetQuota is SETQUOTA (RFC 9208 §4.3).
type SetQuota struct {
	Root   string
	Limits []QuotaLimit
}

// QuotaLimit is a resource and its limit.
type QuotaLimit struct {
	Resource string
	Limit    uint64
}
