package pop3d

import (
	"context"
	"io"
	"net"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// The services POP3 uses, as small interfaces of what it asks (the wiring
// passes internal/mail's Service and internal/auth's Authenticator). What
// the maildrop holds and what a delete does are the mailbox service's
// rules; every call names the session's account as the actor.

// Mailboxes is what POP3 asks of the mailbox service.
type Mailboxes interface {
	Maildrop(ctx context.Context, a actor.Actor) (*mail.Maildrop, error)
	POP3Open(ctx context.Context, a actor.Actor, d *mail.Maildrop, i int) (mailboxID int64, uid uint32, r io.ReadSeekCloser, err error)
	POP3Delete(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) error
	POP3Retrieved(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) error
}

// Logins is what POP3 asks of the authentication service: a login, and
// before every command whether it still holds (login_check.go).
type Logins interface {
	Login(ctx context.Context, r auth.Request) (*store.Account, error)
	Recheck(ctx context.Context, acct *store.Account, p auth.Protocol) error
	PlaintextAllowed(remote net.Addr, tls bool) bool
}

var (
	_ Mailboxes = (*mail.Service)(nil)
	_ Logins    = (*auth.Authenticator)(nil)
)
