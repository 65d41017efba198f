package store

import (
	"context"
	"time"
)

// ExternalAccountStore keeps each user's external mail accounts (외부메일
// 가져오기, internal/fetch): where to fetch from, when it runs next, who
// holds it now and how its last run ended, plus the POP3 UIDLs already
// fetched. The schedule and the lease live here, not in a node's memory,
// so that two nodes never fetch one account at once and a restart knows
// what is due.
type ExternalAccountStore interface {
	// ExternalAccounts lists the account's external accounts by id.
	ExternalAccounts(ctx context.Context, accountID int64) ([]ExternalAccount, error)
	// ExternalAccount finds one of the account's. ErrNotFound (another
	// account's too).
	ExternalAccount(ctx context.Context, accountID, id int64) (*ExternalAccount, error)
	// CreateExternalAccount stores x and sets its ID and times, unless the
	// account has limit of them already (ErrTooMany; count and insert in
	// one transaction).
	CreateExternalAccount(ctx context.Context, x *ExternalAccount, limit int) error
	// UpdateExternalAccount saves x's settings (every field but the run
	// state and the lease) and its NextRun. ErrNotFound.
	UpdateExternalAccount(ctx context.Context, x *ExternalAccount) error
	// DeleteExternalAccount removes one of the account's with its UIDLs.
	// ErrNotFound.
	DeleteExternalAccount(ctx context.Context, accountID, id int64) error
	// ClaimExternalAccount leases one external account of the account to
	// owner until now+lease, unless another owner holds an unexpired
	// lease (ErrConflict). ErrNotFound.
	ClaimExternalAccount(ctx context.Context, accountID, id int64, owner string, now time.Time, lease time.Duration) (*ExternalAccount, error)
	// ClaimDueExternalAccounts leases to owner, until now+lease, up to
	// limit enabled external accounts (of any user) whose NextRun is set
	// and not after now and whose lease has ended, oldest NextRun first.
	ClaimDueExternalAccounts(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]ExternalAccount, error)
	// FinishExternalFetch records how a run of x ended (x's LastRun,
	// LastImported, LastSkipped, LastError, LastErrorKind, Failures and
	// NextRun) and ends owner's lease. ErrConflict when owner does not
	// hold the lease any more (it ran out and another took it); the
	// outcome is then not recorded.
	FinishExternalFetch(ctx context.Context, x *ExternalAccount, owner string) error
	// ExternalUIDLs is the set of POP3 UIDLs fetched from x so far.
	ExternalUIDLs(ctx context.Context, externalID int64) (map[string]bool, error)
	// AddExternalUIDL records that uidl of x was fetched (again: no-op).
	AddExternalUIDL(ctx context.Context, externalID int64, uidl string, at time.Time) error
	// KeepExternalUIDLs forgets x's UIDLs not in present (the messages
	// gone from the external server), so the set does not grow forever.
	KeepExternalUIDLs(ctx context.Context, externalID int64, present []string) error
}

// ExternalAccount is one external mailbox a user fetches from.
type ExternalAccount struct {
	ID        int64
	AccountID int64
	Name      string
	Protocol  string // "pop3" or "imap"
	Host      string
	Port      int
	Security  string // "tls", "starttls" or "none"
	User      string
	// Password is sealed by internal/fetch (AES-GCM); the store keeps
	// the bytes it is given.
	Password      []byte
	Folder        string // where fetched mail goes ("" = INBOX)
	AllFolders    bool   // IMAP: every folder, not INBOX only
	Leave         bool   // POP3: leave messages on the server
	InsecureTLS   bool
	EveryMinutes  int // 0: on demand only
	Enabled       bool
	NextRun       time.Time // zero: not scheduled
	LastRun       time.Time // zero: never ran
	LastImported  int
	LastSkipped   int
	LastError     string
	LastErrorKind string
	Failures      int // consecutive failed runs (for backoff)
	LeaseOwner    string
	LeaseUntil    time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}
