package session

import (
	"context"
	"io"
	"net"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/events"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// The services IMAP uses, as small interfaces of what it asks (the wiring
// passes internal/mail's Service, internal/auth's Authenticator and an
// events bus). IMAP holds no rule of its own: what a folder, an append or
// a search may do is the mailbox service's; every call names the session's
// account as the actor.

// Mailboxes is what IMAP asks of the mailbox service.
type Mailboxes interface {
	// folders
	Mailboxes(ctx context.Context, a actor.Actor) ([]store.Mailbox, error)
	MailboxByName(ctx context.Context, a actor.Actor, name string) (*store.Mailbox, error)
	Status(ctx context.Context, a actor.Actor, mailboxID int64) (store.MailboxStatus, error)
	CreateMailbox(ctx context.Context, a actor.Actor, name string) (*store.Mailbox, error)
	CreateSpecialMailbox(ctx context.Context, a actor.Actor, name string, role store.Role) (*store.Mailbox, error)
	RenameMailbox(ctx context.Context, a actor.Actor, mailboxID int64, newName string) error
	DeleteMailbox(ctx context.Context, a actor.Actor, mailboxID int64) error
	SetSubscribed(ctx context.Context, a actor.Actor, mailboxID int64, on bool) error
	// reading
	UIDs(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]uint32, error)
	MessageByUID(ctx context.Context, a actor.Actor, mailboxID int64, uid uint32) (*store.Message, error)
	MessagesByUID(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (map[uint32]*store.Message, error)
	Open(ctx context.Context, a actor.Actor, m *store.Message) (io.ReadSeekCloser, error)
	SearchMailbox(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, c *mail.Criteria) ([]uint32, error)
	// IMAPMeta: the kept ENVELOPE and BODYSTRUCTURE by message id
	// (internal/mail/imap_meta.go), computed and kept for old messages
	IMAPMeta(ctx context.Context, a actor.Actor, msgs []*store.Message) (map[int64]store.IMAPMeta, error)
	// changes
	AppendRaw(ctx context.Context, a actor.Actor, r mail.RawMessage) (*store.Message, error)
	StoreFlags(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, op store.FlagOp, flags []string) ([]store.Message, error)
	MarkRead(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) ([]store.Message, error)
	Copy(ctx context.Context, a actor.Actor, srcID, dstID int64, uids []uint32) (src, dst []uint32, err error)
	Move(ctx context.Context, a actor.Actor, srcID, dstID int64, uids []uint32) (src, dst []uint32, err error)
	Expunge(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) ([]uint32, error)
	// whole-mailbox reads from columns, CONDSTORE/QRESYNC, QUOTA
	// (internal/mail/imap_index.go; object ids: mail.MailboxObjectID,
	// mail.EmailObjectID, mail.ThreadObjectID)
	MailboxIndex(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]store.MessageIndex, error)
	MailboxState(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]store.MessageIndex, error)
	ChangedSince(ctx context.Context, a actor.Actor, mailboxID int64, modseq uint64) ([]store.MessageIndex, error)
	ExpungedSince(ctx context.Context, a actor.Actor, mailboxID int64, modseq uint64) ([]uint32, error)
	EnvelopeIndex(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]store.EnvelopeEntry, error)
	StoreFlagsUnchangedSince(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, op store.FlagOp, flags []string,
		unchangedSince uint64) (changed []store.Message, modified []uint32, err error)
	Quota(ctx context.Context, a actor.Actor) (mail.Quota, error)
}

// Logins is what IMAP asks of the authentication service: a login, and
// before every command whether it still holds (login_check.go).
type Logins interface {
	Login(ctx context.Context, r auth.Request) (*store.Account, error)
	Recheck(ctx context.Context, acct *store.Account, p auth.Protocol) error
	PlaintextAllowed(remote net.Addr, tls bool) bool
}

// Events is the bus of committed changes a selected mailbox follows.
type Events interface {
	Subscribe(accountID int64) (<-chan events.Event, func())
}

var (
	_ Mailboxes = (*mail.Service)(nil)
	_ Logins    = (*auth.Authenticator)(nil)
	_ Events    = events.Bus(nil)
)
