package smtpd

import (
	"errors"
	"fmt"

	"postroom/internal/auth"
	"postroom/internal/deliver"
)

// Reply is an SMTP reply as an error: its code, its enhanced status code
// (RFC 3463) and its text.
type Reply struct {
	Code     int
	Enhanced [3]int
	Message  string
}

func (r *Reply) Error() string {
	return fmt.Sprintf("%d %d.%d.%d %s", r.Code, r.Enhanced[0], r.Enhanced[1], r.Enhanced[2], r.Message)
}

var (
	errShuttingDown    = &Reply{421, [3]int{4, 3, 2}, "Server shutting down, try again later"}
	errAuthRequired    = &Reply{530, [3]int{5, 7, 0}, "Authentication required"}
	errTLSRequired     = &Reply{530, [3]int{5, 7, 0}, "Must issue a STARTTLS command first"}
	errNeedUTF8        = &Reply{553, [3]int{5, 6, 7}, "Non-ASCII address requires SMTPUTF8"}
	errNoRecipients    = &Reply{503, [3]int{5, 5, 1}, "Need RCPT before DATA"}
	errAuthFailed      = &Reply{535, [3]int{5, 7, 8}, "Authentication failed"}
	errAuthUnsupported = &Reply{502, [3]int{5, 5, 1}, "Authentication is not offered here"}
	errAuthUnknownMech = &Reply{504, [3]int{5, 5, 4}, "Unknown authentication mechanism"}
)

// errMessageTooBig is the reply to a message past the size limit.
var errMessageTooBig = reply(deliver.ErrTooBig)

// closes reports whether err's reply ends the connection (421, RFC 5321
// §3.8).
func closes(err error) bool {
	var r *Reply
	return errors.As(err, &r) && r.Code == 421
}

// reply translates an error from the services into an SMTP reply.
func reply(err error) error {
	if err == nil {
		return nil
	}
	var de *deliver.Error
	if errors.As(err, &de) {
		return &Reply{de.Code, de.Enhanced, de.Message}
	}
	var r *Reply
	if errors.As(err, &r) {
		return r
	}
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return errAuthFailed
	case errors.Is(err, auth.ErrSuspended):
		return &Reply{535, [3]int{5, 7, 8}, "Account suspended"}
	case errors.Is(err, auth.ErrClientAccessOff):
		return &Reply{535, [3]int{5, 7, 8}, "Mail client access is turned off for this account (Settings > Mail server information)"}
	case errors.Is(err, auth.ErrTLSRequired):
		return errTLSRequired
	case errors.Is(err, auth.ErrTooManyFailures):
		// RFC 4954 §6: a temporary authentication failure
		return &Reply{454, [3]int{4, 7, 0}, "Too many failed logins for this account or from your address; try again later"}
	case errors.Is(err, auth.ErrBusy):
		return &Reply{454, [3]int{4, 7, 0}, "Too many logins at once; try again in a few seconds"}
	}
	return &Reply{451, [3]int{4, 3, 0}, "Temporary local problem, please try again later"}
}
