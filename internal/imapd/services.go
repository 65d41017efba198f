package imapd

import (
	"postroom/internal/auth"
	"postroom/internal/events"
	nextsession "postroom/internal/imapd/session"
	"postroom/internal/mail"
)

// The services IMAP uses are declared once, by the session layer (see
// internal/imapd/session/services.go); both layers take the same ones
// while the go-imap layer is still the default.
type (
	Mailboxes = nextsession.Mailboxes
	Logins    = nextsession.Logins
	Events    = nextsession.Events
)

var (
	_ Mailboxes = (*mail.Service)(nil)
	_ Logins    = (*auth.Authenticator)(nil)
	_ Events    = events.Bus(nil)
)
