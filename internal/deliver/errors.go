package deliver

import (
	"errors"
	"fmt"
)

// Error is a delivery refusal with the SMTP reply it deserves, decided here
// so that every adapter only translates (RFC 5321 §4.2, RFC 3463 codes).
type Error struct {
	Code     int    // SMTP reply code
	Enhanced [3]int // RFC 3463 enhanced status code
	Message  string // English text for the reply
	Err      error  // underlying cause, if any
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%d %d.%d.%d %s", e.Code, e.Enhanced[0], e.Enhanced[1], e.Enhanced[2], e.Message)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the sender should retry (4xx).
func (e *Error) Temporary() bool { return e.Code/100 == 4 }

func refusal(code int, a, b, c int, msg string) *Error {
	return &Error{Code: code, Enhanced: [3]int{a, b, c}, Message: msg}
}

// The refusals. Compare with errors.Is.
var (
	ErrUnknownRecipient = refusal(550, 5, 1, 1, "No such user here")
	ErrSuspended        = refusal(550, 5, 2, 1, "Mailbox disabled, not accepting messages")
	ErrOverQuota        = refusal(552, 5, 2, 2, "Mailbox full: the recipient's quota is exceeded")
	ErrTooBig           = refusal(552, 5, 3, 4, "Message too big for system")
	ErrRelayDenied      = refusal(554, 5, 7, 1, "Relay access denied: we do not accept mail for this domain")
	ErrNotOwnAddress    = refusal(553, 5, 7, 1, "Sender address not owned by the authenticated user")
	ErrNoFrom           = refusal(554, 5, 6, 0, "Message has no From field naming its author (RFC 5322 §3.6)")
	ErrNUL              = refusal(554, 5, 6, 0, "Message contains NUL characters")
	ErrBadAddress       = refusal(501, 5, 1, 3, "Bad address syntax")
	ErrTemporary        = refusal(451, 4, 3, 0, "Temporary local problem, please try again later")
	ErrLoop             = refusal(554, 5, 4, 6, "Mail loop detected: too many Received headers")
)

// Is makes errors.Is match refusals by code and enhanced code, so that a
// refusal with an added cause still matches its sentinel.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code && t.Enhanced == e.Enhanced
}

// temporary wraps an internal failure as a 451 so the sender retries.
func temporary(err error) *Error {
	e := *ErrTemporary
	e.Err = err
	return &e
}
