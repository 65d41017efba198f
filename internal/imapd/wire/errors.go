package wire

import (
	"errors"
	"fmt"
)

// Error is a command the Reader refused. The session answers it with a
// tagged (or, without a tag, untagged) Status response and goes on reading,
// unless Fatal is set: then the byte stream cannot be resynchronised and
// the session should send BYE and close.
//
// Errors that are not *Error (io.EOF, network errors) mean the connection
// is gone.
type Error struct {
	Tag    string // the command's tag; empty when none could be read
	Status string // "BAD" for syntax, "NO" for a well-formed command refused (TOOBIG)
	Code   string // response code without brackets, e.g. "TOOBIG", "CLIENTBUG"; may be empty
	Text   string // human-readable text for the response
	Fatal  bool
}

func (e *Error) Error() string {
	code := ""
	if e.Code != "" {
		code = "[" + e.Code + "] "
	}
	tag := e.Tag
	if tag == "" {
		tag = "*"
	}
	return fmt.Sprintf("imap wire: %s %s %s%s", tag, e.Status, code, e.Text)
}

// ErrIdleNotDone is returned by ReadDone when the client sent a line other
// than DONE during IDLE (RFC 9051 §6.3.13).
var ErrIdleNotDone = errors.New("imap wire: expected DONE during IDLE")

// errLineTooLong marks a line beyond Limits.MaxLine; it becomes a BAD.
var errLineTooLong = errors.New("line too long")

// syntaxError is raised inside the parser; ReadCommand turns it into *Error
// with the tag filled in.
type syntaxError struct {
	status string
	code   string
	text   string
	fatal  bool
}

func (e *syntaxError) Error() string { return e.text }

func bad(format string, args ...any) error {
	return &syntaxError{status: "BAD", text: fmt.Sprintf(format, args...)}
}

// errThreadTooDeep stops the Writer on a thread tree too deep to be real.
var errThreadTooDeep = errors.New("imap wire: THREAD tree too deep")
