package wire

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Writer writes server responses. It is buffered: nothing reaches the
// connection before Flush. Values written between Start and End are
// separated by single spaces, except after "(" and before ")"; the first
// error sticks and is returned by Flush and End.
type Writer struct {
	bw *bufio.Writer
	// UTF8 is set in an IMAP4rev2 session or once UTF8=ACCEPT is enabled
	// (RFC 9051 §5.1, RFC 6855 §3): mailbox names are written in UTF-8 and
	// quoted strings may hold UTF-8. Otherwise names are modified UTF-7 and
	// 8-bit strings are sent as literals.
	UTF8 bool
	sep  bool
	err  error
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, 32<<10)}
}

// Flush sends what is buffered.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("imap wire: flushing responses: %w", err)
	}
	return w.err
}

// Err is the first error met while writing.
func (w *Writer) Err() error { return w.err }

func (w *Writer) raw(s string) {
	if w.err == nil {
		if _, err := w.bw.WriteString(s); err != nil {
			w.err = fmt.Errorf("imap wire: writing response: %w", err)
		}
	}
}

func (w *Writer) value(s string) {
	if w.sep {
		w.raw(" ")
	}
	w.raw(s)
	w.sep = true
}

// Start begins a response line with a tag, "*" (untagged) or "+".
func (w *Writer) Start(tag string) *Writer {
	w.sep = false
	w.value(tag)
	return w
}

// End ends the response line.
func (w *Writer) End() error {
	w.raw("\r\n")
	w.sep = false
	return w.err
}

// Atom writes s as it is: an atom, a number, a flag, a keyword. The caller
// vouches that s is one token.
func (w *Writer) Atom(s string) *Writer { w.value(s); return w }

// Number writes a number.
func (w *Writer) Number(n uint64) *Writer { w.value(strconv.FormatUint(n, 10)); return w }

// Open writes "(".
func (w *Writer) Open() *Writer {
	if w.sep {
		w.raw(" ")
	}
	w.raw("(")
	w.sep = false
	return w
}

// Close writes ")".
func (w *Writer) Close() *Writer {
	w.raw(")")
	w.sep = true
	return w
}

// Nil writes NIL.
func (w *Writer) Nil() *Writer { w.value("NIL"); return w }

// List writes a parenthesised list of atoms (flags, capabilities).
func (w *Writer) List(atoms []string) *Writer {
	w.Open()
	for _, a := range atoms {
		w.Atom(a)
	}
	return w.Close()
}

// canQuote tells whether s can be a quoted string. Quoted strings carry
// no CR, LF or NUL (RFC 9051 §4.3); `"` and `\` could be escaped, but a
// literal is what every client parses right. 8-bit text is quoted only as
// UTF-8 in a UTF-8 session (RFC 9051 §9 utf8-quoted); a rev1 session gets
// a literal (CHAR8).
func (w *Writer) canQuote(s string) bool {
	if len(s) > 1024 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\r' || c == '\n' || c == 0 || c == '"' || c == '\\':
			return false
		case c >= 0x80 && !w.UTF8:
			return false
		}
	}
	return !w.UTF8 || utf8.ValidString(s)
}

// String writes s as a quoted string when it can be, else as a literal.
// NUL octets are dropped: only literal8, which only BINARY responses may
// use (RFC 3516), can carry them.
func (w *Writer) String(s string) *Writer {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if w.canQuote(s) {
		w.value(`"` + s + `"`)
		return w
	}
	w.value("{" + strconv.Itoa(len(s)) + "}\r\n")
	w.raw(s)
	return w
}

// AString writes s as an atom when it is one (and not NIL), else as String.
func (w *Writer) AString(s string) *Writer {
	if s != "" && !strings.EqualFold(s, "NIL") {
		atom := true
		for i := 0; i < len(s) && atom; i++ {
			atom = isAStringChar(s[i])
		}
		if atom {
			w.value(s)
			return w
		}
	}
	return w.String(s)
}

// NString writes s, or NIL when ok is false.
func (w *Writer) NString(s string, ok bool) *Writer {
	if !ok {
		return w.Nil()
	}
	return w.String(s)
}

// Mailbox writes a mailbox name: modified UTF-7 unless the session is UTF-8.
func (w *Writer) Mailbox(name string) *Writer {
	if strings.EqualFold(name, "INBOX") {
		name = "INBOX"
	} else if !w.UTF8 {
		name = EncodeMailbox(name)
	}
	return w.AString(name)
}

// Literal writes a literal of size octets copied from r, so that a message
// body is never held in memory. A short r leaves the response broken: the
// error sticks and the session must close the connection.
func (w *Writer) Literal(size int64, r io.Reader) *Writer {
	return w.literal("{", size, r)
}

// Literal8 writes a literal8 (RFC 3516 §4.2), for BINARY data that may
// hold NUL.
func (w *Writer) Literal8(size int64, r io.Reader) *Writer {
	return w.literal("~{", size, r)
}

func (w *Writer) literal(open string, size int64, r io.Reader) *Writer {
	w.value(open + strconv.FormatInt(size, 10) + "}\r\n")
	if w.err != nil {
		return w
	}
	var dst io.Writer = w.bw
	if open == "{" {
		dst = noNUL{w.bw}
	}
	n, err := io.CopyN(dst, r, size)
	if err != nil {
		w.err = fmt.Errorf("imap wire: literal of %d octets: copied %d: %w", size, n, err)
	}
	return w
}

// noNUL replaces NUL with 0x80 in what it writes: a plain literal cannot
// carry NUL (RFC 9051 §9, CHAR8), yet a message appended as a literal8
// (RFC 3516) may hold some; BODY[] of it keeps its length and only
// BINARY[] (a literal8) returns the octets as they are, as Dovecot does.
type noNUL struct{ w io.Writer }

func (n noNUL) Write(p []byte) (int, error) {
	i := bytes.IndexByte(p, 0)
	if i < 0 {
		return n.w.Write(p)
	}
	c := bytes.Clone(p)
	for ; i >= 0; i = bytes.IndexByte(c, 0) {
		c[i] = 0x80
	}
	return n.w.Write(c)
}

// Continue writes a continuation request "+ text" (RFC 9051 §7.6).
func (w *Writer) Continue(text string) error {
	w.Start("+")
	w.raw(" " + cleanText(text))
	return w.End()
}

// ContinueBase64 writes a SASL challenge (RFC 9051 §6.2.2); an empty
// challenge is "+ " with nothing after it.
func (w *Writer) ContinueBase64(b64 string) error {
	w.Start("+")
	w.raw(" " + strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, b64))
	return w.End()
}

// cleanText makes text fit resp-text: no CR, LF or NUL, and not empty
// (RFC 9051 §9: text = 1*TEXT-CHAR).
func cleanText(text string) string {
	text = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return ' '
		}
		return r
	}, text)
	if text == "" {
		return "done"
	}
	return text
}
