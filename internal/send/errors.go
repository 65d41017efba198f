package send

import (
	"errors"
	"fmt"

	"postroom/internal/compose"
	"postroom/internal/deliver"
	"postroom/internal/store"
)

// Codes of Error: stable strings the API answers with, beside those of
// compose.Error (what the user typed that cannot go into a message).
const (
	CodeNoRecipients       = "no_recipients"
	CodeTooManyRecipients  = "too_many_recipients"
	CodeUnknownRecipient   = "unknown_recipient"
	CodeRecipientDisabled  = "recipient_disabled"
	CodeRecipientOverQuota = "recipient_over_quota"
	CodeInvalidSendAt      = "invalid_send_at"
	CodeTooLarge           = "too_large"
	CodeNotFound           = "not_found"
)

// Error is a refusal of a webmail request that names the field at fault,
// for the compose screen to mark: "to", "cc", "bcc", "attachments",
// "html", "in_reply_to", "forward_of", "send_at" or "file".
type Error struct {
	Code  string
	Field string
	Value string // the offending entry (an address), if any
	Limit int64  // CodeTooLarge: the limit, in bytes
	Err   error  // the cause, if any
}

func (e *Error) Error() string {
	s := fmt.Sprintf("send: %s: %s", e.Field, e.Code)
	if e.Value != "" {
		s += fmt.Sprintf(" %q", e.Value)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ErrTooManyRecipients refuses a recipient past the limit of one message
// (RFC 5321 §4.5.3.1.10: 452, RFC 3463 4.5.3; the SMTP client sends the
// rest in another transaction).
var ErrTooManyRecipients = &deliver.Error{Code: 452, Enhanced: [3]int{4, 5, 3}, Message: "Too many recipients"}

// errNoRecipients: a submission names nobody (SMTP answers DATA without
// RCPT itself).
var errNoRecipients = errors.New("send: no recipients")

// refError is a reference of a request (an upload, a message, an
// attachment index) that names nothing of the account's: a CodeNotFound
// Error with its field, exactly as if it did not exist. Other failures
// (a blob that cannot be read) stay what they are.
func refError(field string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: CodeNotFound, Field: field, Err: err}
	}
	return fmt.Errorf("%s: %w", field, err)
}

// recipientCode names a hosted recipient's refusal for the compose screen.
func recipientCode(err error) string {
	switch {
	case errors.Is(err, deliver.ErrUnknownRecipient):
		return CodeUnknownRecipient
	case errors.Is(err, deliver.ErrSuspended):
		return CodeRecipientDisabled
	case errors.Is(err, deliver.ErrOverQuota):
		return CodeRecipientOverQuota
	case errors.Is(err, ErrNotPublic):
		return compose.CodeInvalidAddress // the compose screen's own words for it
	}
	return ""
}
