package session

import (
	"context"
	"errors"

	"postroom/internal/auth"
	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// The one place where the services' errors become tagged responses with
// RFC 5530 codes. Nothing of an error's own text reaches the client: what
// is not recognised here is the server's bug (logged by the dispatcher,
// answered NO [SERVERBUG]).

var (
	errNoMailbox  = &Status{"NO", wire.CodeNonExistent, "No such mailbox"}
	errTryCreate  = &Status{"NO", wire.CodeTryCreate, "No such mailbox; create it first"}
	errReadOnly   = &Status{"NO", wire.CodeCannot, "Mailbox is read-only (EXAMINE)"}
	errServerBug  = &Status{"NO", wire.CodeServerBug, "Internal error; the problem was logged"}
	errBusy       = &Status{"NO", wire.CodeUnavailable, "The server is busy; try again later"}
	errLoginEnded = &Status{"NO", wire.CodeUnavailable, "Login ended"}
)

// statusOf maps err, a handler's error, to its tagged response; known is
// false when it is the server's own bug (to be logged).
func statusOf(err error) (st *Status, known bool) {
	if errors.As(err, &st) {
		return st, true
	}
	code := func(c wire.Code, text string) (*Status, bool) { return &Status{"NO", c, text}, true }
	switch {
	case errors.Is(err, view.ErrBeyond):
		return &Status{"BAD", wire.CodeClientBug, "Message sequence number beyond the messages of this mailbox"}, true
	case errors.Is(err, view.ErrMatchData):
		return &Status{"BAD", wire.Code{}, "QRESYNC sequence match data sets differ in size"}, true
	case errors.Is(err, mail.ErrStorageFull), errors.Is(err, store.ErrFull):
		// the server's disk, not the user's quota: temporary (RFC 5530)
		return code(wire.CodeUnavailable, "The server is out of storage space; try again later")
	case errors.Is(err, context.DeadlineExceeded):
		return errBusy, true
	case errors.Is(err, store.ErrOverQuota):
		return code(wire.CodeOverQuota, "Mailbox full: the account's quota is exceeded")
	case errors.Is(err, mail.ErrTooBig):
		return code(wire.CodeTooBig, "Message too big")
	case errors.Is(err, mail.ErrNUL):
		return code(wire.CodeCannot, "Messages with NUL characters cannot be stored")
	case errors.Is(err, store.ErrNotFound):
		return errNoMailbox, true
	case errors.Is(err, store.ErrExists):
		return code(wire.CodeAlreadyExists, "Mailbox already exists")
	case errors.Is(err, store.ErrProtected):
		return code(wire.CodeCannot, "Special folders (Inbox, Sent, Drafts, Trash, Spam, Archive) cannot be deleted or renamed")
	case errors.Is(err, store.ErrHasChildren):
		return code(wire.CodeHasChildren, "Mailbox has subfolders; delete them first")
	case errors.Is(err, mail.ErrFolderName):
		return code(wire.CodeCannot, "Folder names are UTF-8 and have no level that is only dots (. or ..)")
	case errors.Is(err, mail.ErrForbidden):
		return code(wire.CodeNoPerm, "Not allowed")
	case errors.Is(err, mail.ErrInvalid), errors.Is(err, store.ErrInvalid):
		return code(wire.CodeCannot, "Invalid request")
	}
	return errServerBug, false
}

// loginStatus translates a refused login into the response RFC 5530 names.
func loginStatus(err error) *Status {
	no := func(code wire.Code, text string) *Status { return &Status{"NO", code, text} }
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return no(wire.CodeAuthFailed, "Invalid address or password")
	case errors.Is(err, auth.ErrSuspended):
		return no(wire.CodeContactAdmin, "This account is suspended; contact your mail administrator")
	case errors.Is(err, auth.ErrClientAccessOff):
		return no(wire.CodeContactAdmin, "Mail client access is turned off for this account (Settings > Mail server information > Use mail clients)")
	case errors.Is(err, auth.ErrTLSRequired):
		return no(wire.CodePrivacyReq, "Use STARTTLS or port 993 before sending a password")
	case errors.Is(err, auth.ErrTooManyFailures):
		return no(wire.CodeUnavailable, "Too many failed logins for this account or from your address; try again later")
	case errors.Is(err, auth.ErrBusy):
		return no(wire.CodeUnavailable, "Too many logins at once; try again in a few seconds")
	}
	return no(wire.CodeUnavailable, "Temporary problem, try again later")
}
