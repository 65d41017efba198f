package imapd

import (
	"errors"
	"fmt"
	"io"

	"github.com/emersion/go-imap/v2"

	"postroom/internal/mail"
	"postroom/internal/store"
)

// Append implements imapserver.Session (RFC 9051 §6.3.12, UIDPLUS
// APPENDUID). The mailbox service checks and stores the message
// (AppendRaw); OK is answered only after the blob is fsynced and the
// metadata committed. The literal is always read to its end, whatever the
// answer: its lines must not be read as commands.
func (se *session) Append(name string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	defer io.Copy(io.Discard, r)
	mb, err := se.s.Mail.MailboxByName(se.ctx, se.who(), name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errTryCreate
	}
	if err != nil {
		return nil, storeError(err)
	}
	var flags []string
	for _, f := range options.Flags {
		flags = append(flags, string(f))
	}
	m, err := se.s.Mail.AppendRaw(se.ctx, se.who(), mail.RawMessage{MailboxID: mb.ID, Body: r, Flags: flags, InternalDate: options.Time})
	switch {
	case errors.Is(err, mail.ErrTooBig):
		return nil, no(imap.ResponseCodeTooBig, fmt.Sprintf("Message too big: at most %d bytes", se.s.MaxMessageSize))
	case errors.Is(err, mail.ErrNUL):
		return nil, no(imap.ResponseCodeCannot, "Message contains NUL characters")
	case err != nil:
		return nil, storeError(err)
	}
	if se.selected != nil && se.selected.mailbox.ID == mb.ID {
		if err := se.selected.hub.syncNew(se.ctx); err != nil {
			return nil, storeError(err)
		}
	}
	return &imap.AppendData{UID: imap.UID(m.UID), UIDValidity: mb.UIDValidity}, nil
}
