package imapd

import (
	"postroom/internal/auth"
	"postroom/internal/events"
	"postroom/internal/imapd/session"
	"postroom/internal/mail"
)

// The services IMAP uses are declared once, by the session layer (see
// internal/imapd/session/services.go).
type (
	Mailboxes = session.Mailboxes
	Logins    = session.Logins
	Events    = session.Events
)

var (
	_ Mailboxes = (*mail.Service)(nil)
	_ Logins    = (*auth.Authenticator)(nil)
	_ Events    = events.Bus(nil)
)
