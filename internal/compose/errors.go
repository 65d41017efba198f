package compose

import (
	"fmt"
	"strings"
)

// Error codes: stable strings the API answers with.
const (
	// CodeHeaderInjection: CR or LF in a value that goes into a header.
	CodeHeaderInjection = "header_injection"
	// CodeInvalidAddress: not an address mail can be sent to.
	CodeInvalidAddress = "invalid_address"
	// CodeInvalidCharacters: control characters or bytes that are not UTF-8.
	CodeInvalidCharacters = "invalid_characters"
	// CodeTooLong: a header value longer than any mail reader shows.
	CodeTooLong = "too_long"
)

// Error is a problem with one field of a draft.
type Error struct {
	Field string // "to", "cc", "bcc", "subject", "from", "attachments"
	Code  string // one of the Code constants
	Value string // the offending value, for the UI to mark
}

func (e *Error) Error() string {
	return fmt.Sprintf("compose: %s: %s: %q", e.Field, e.Code, e.Value)
}

// checkText refuses what must never reach a header: CR and LF (they would
// end the field and start another), other control characters and invalid
// UTF-8. Tab is allowed (RFC 5322 §2.2 WSP).
func checkText(field, v string) error {
	if strings.ContainsAny(v, "\r\n") {
		return &Error{Field: field, Code: CodeHeaderInjection, Value: v}
	}
	for i, r := range v {
		switch {
		case r == '\t':
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			return &Error{Field: field, Code: CodeInvalidCharacters, Value: v}
		case r == 0xfffd && !validAt(v, i):
			return &Error{Field: field, Code: CodeInvalidCharacters, Value: v}
		}
	}
	return nil
}

// validAt reports whether the U+FFFD at byte i is really written in v (and
// not the replacement for an invalid byte).
func validAt(v string, i int) bool {
	return len(v) >= i+3 && v[i:i+3] == "\uFFFD"
}
