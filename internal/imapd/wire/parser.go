package wire

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// parser holds one command being parsed: the current line and the position
// in it. A literal ends a line; reading it moves the parser to the next
// line of the same command.
type parser struct {
	r           *Reader
	line        []byte
	pos         int
	tag         string
	name        string // the command's name, once read
	total       int    // octets of lines and string literals so far
	appendTotal int64  // octets of messages so far
	depth       int
}

// RFC 9051 §9: atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards /
// quoted-specials / resp-specials.
func isAtomChar(c byte) bool {
	switch c {
	case '(', ')', '{', ' ', '%', '*', '"', '\\', ']':
		return false
	}
	return c > 0x1f && c < 0x7f
}

func isAStringChar(c byte) bool { return isAtomChar(c) || c == ']' }

func isListChar(c byte) bool { return isAStringChar(c) || c == '%' || c == '*' }

func isTagChar(c byte) bool { return isAStringChar(c) && c != '+' }

func (p *parser) atEnd() bool { return p.pos >= len(p.line) }

func (p *parser) peek() byte {
	if p.atEnd() {
		return 0
	}
	return p.line[p.pos]
}

func (p *parser) expect(c byte, what string) error {
	if p.peek() != c {
		return p.unexpected(what)
	}
	p.pos++
	return nil
}

func (p *parser) unexpected(what string) error {
	if p.atEnd() {
		return bad("expected %s at end of line", what)
	}
	return bad("expected %s at column %d", what, p.pos+1)
}

func (p *parser) sp() error { return p.expect(' ', "space") }

// trySP consumes one space if there is one.
func (p *parser) trySP() bool {
	if p.peek() == ' ' {
		p.pos++
		return true
	}
	return false
}

// end checks that the command ends here.
func (p *parser) end() error {
	if !p.atEnd() {
		return bad("unexpected %q after the command", truncate(p.line[p.pos:], 20))
	}
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

func (p *parser) take(ok func(byte) bool) []byte {
	start := p.pos
	for p.pos < len(p.line) && ok(p.line[p.pos]) {
		p.pos++
	}
	return p.line[start:p.pos]
}

// atom reads 1*ATOM-CHAR.
func (p *parser) atom(what string) (string, error) {
	a := p.take(isAtomChar)
	if len(a) == 0 {
		return "", p.unexpected(what)
	}
	return string(a), nil
}

// keyword reads an atom and upper-cases it, for case-insensitive names.
func (p *parser) keyword(what string) (string, error) {
	a, err := p.atom(what)
	return strings.ToUpper(a), err
}

// tryKeyword consumes kw (case-insensitively) if it stands next, as a
// whole atom.
func (p *parser) tryKeyword(kw string) bool {
	n := len(kw)
	if p.pos+n > len(p.line) || !strings.EqualFold(string(p.line[p.pos:p.pos+n]), kw) {
		return false
	}
	if p.pos+n < len(p.line) && isAtomChar(p.line[p.pos+n]) {
		return false
	}
	p.pos += n
	return true
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > p.r.limits.MaxDepth {
		return bad("nesting deeper than %d", p.r.limits.MaxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// list reads "(" [item *(SP item)] ")". With empty false at least one
// item is required.
func (p *parser) list(empty bool, item func() error) error {
	if err := p.expect('(', "'('"); err != nil {
		return err
	}
	if err := p.enter(); err != nil {
		return err
	}
	defer p.leave()
	if p.peek() == ')' {
		if !empty {
			return bad("empty list at column %d", p.pos+1)
		}
		p.pos++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if p.peek() == ')' {
			p.pos++
			return nil
		}
		if err := p.sp(); err != nil {
			return err
		}
	}
}

// number reads a number of at most max.
func (p *parser) number(max uint64, what string) (uint64, error) {
	d := p.take(func(c byte) bool { return c >= '0' && c <= '9' })
	if len(d) == 0 {
		return 0, p.unexpected(what)
	}
	var n uint64
	for _, c := range d {
		v := uint64(c - '0')
		if n > (max-v)/10 {
			return 0, bad("%s out of range", what)
		}
		n = n*10 + v
	}
	return n, nil
}

const (
	maxNumber   = 1<<32 - 1 // RFC 9051 number
	maxNumber64 = 1<<63 - 1 // RFC 9051 number64
)

func (p *parser) nzNumber(what string) (uint32, error) {
	n, err := p.number(maxNumber, what)
	if err == nil && n == 0 {
		return 0, bad("%s must not be zero", what)
	}
	return uint32(n), err
}

func (p *parser) number64(what string) (uint64, error) {
	return p.number(maxNumber64, what)
}

// quoted reads a quoted string (RFC 9051 §4.3): the opening quote is next.
// A line has no CR or LF in it, so a missing closing quote is found at once.
func (p *parser) quoted() (string, error) {
	p.pos++
	var b []byte
	for {
		if p.atEnd() {
			return "", bad("unterminated quoted string")
		}
		c := p.line[p.pos]
		p.pos++
		switch c {
		case '"':
			if !utf8.Valid(b) {
				return "", bad("quoted string is not valid UTF-8")
			}
			return string(b), nil
		case '\\':
			if p.atEnd() || (p.line[p.pos] != '"' && p.line[p.pos] != '\\') {
				return "", bad("only \\\" and \\\\ may be escaped in a quoted string")
			}
			b = append(b, p.line[p.pos])
			p.pos++
		case 0, '\r', '\n':
			return "", bad("control character in quoted string")
		default:
			b = append(b, c)
		}
	}
}

// str reads string = quoted / literal.
func (p *parser) str(what string) (string, error) {
	switch p.peek() {
	case '"':
		return p.quoted()
	case '{':
		b, _, err := p.literal(false, false)
		return string(b), err
	}
	return "", p.unexpected(what)
}

// astring reads 1*ASTRING-CHAR / string.
func (p *parser) astring(what string) (string, error) {
	switch p.peek() {
	case '"', '{':
		return p.str(what)
	case '~':
		if p.pos+1 < len(p.line) && p.line[p.pos+1] == '{' {
			b, _, err := p.literal(false, false)
			return string(b), err
		}
	}
	a := p.take(isAStringChar)
	if len(a) == 0 {
		return "", p.unexpected(what)
	}
	return string(a), nil
}

// nstring reads string / NIL; ok is false for NIL.
func (p *parser) nstring(what string) (s string, ok bool, err error) {
	if p.tryKeyword("NIL") {
		return "", false, nil
	}
	s, err = p.str(what)
	return s, err == nil, err
}

// literal reads "{n}" / "{n+}" (and, with eight, "~{n}" / "~{n+}") at the
// end of the line, the n octets after it and the line that follows. Its
// size is checked against the limits before any octet is read, so a
// refused synchronising literal is never sent by the client.
func (p *parser) literal(message, eight bool) ([]byte, bool, error) {
	lit8 := false
	if p.peek() == '~' {
		if !eight {
			return nil, false, bad("literal8 is allowed only for message data (RFC 3516)")
		}
		lit8 = true
		p.pos++
	}
	if err := p.expect('{', "literal"); err != nil {
		return nil, false, err
	}
	n, err := p.number(maxNumber64, "literal size")
	if err != nil {
		return nil, false, err
	}
	nonSync := false
	if p.peek() == '+' {
		nonSync = true
		p.pos++
	}
	if err := p.expect('}', "'}'"); err != nil {
		return nil, false, err
	}
	if !p.atEnd() {
		return nil, false, bad("a literal must end its line")
	}
	size := int64(n)
	lim := p.r.limits
	switch {
	case nonSync && p.r.LiteralMinus && size > literalMinusMax:
		// RFC 7888, LITERAL-: a tagged BAD with TOOBIG.
		return nil, false, &syntaxError{status: "BAD", code: "TOOBIG",
			text: "non-synchronizing literal larger than 4096 octets (LITERAL-)"}
	case message && (size > lim.MaxLiteral || p.appendTotal+size > lim.MaxAppendTotal):
		tooBig := &syntaxError{status: "NO", code: "TOOBIG", text: "message larger than the server accepts"}
		if !nonSync && p.r.ReadRefused && p.r.Continue != nil && size <= lim.MaxSkip {
			// Clients that write the literal as a stream (go-imap's) take
			// a refusal before "+" for a broken connection: take the
			// message, within MaxSkip, without keeping it, then refuse.
			if err := p.r.Continue(p.name, size); err != nil {
				return nil, false, err
			}
			if _, err := io.CopyN(io.Discard, p.r.br, size); err != nil {
				if errors.Is(err, io.ErrUnexpectedEOF) {
					err = io.EOF
				}
				return nil, false, err
			}
			// the rest of the command is skipped from its next line
			rest, err := p.r.readLine(lim.MaxLine)
			if err != nil && !errors.Is(err, errLineTooLong) {
				return nil, false, err
			}
			p.line = rest
		}
		return nil, false, tooBig
	case !message && (size > lim.MaxStringLiteral || int64(p.total)+size > int64(lim.MaxCommand)):
		return nil, false, &syntaxError{status: "BAD", code: "TOOBIG",
			text: "literal larger than the server accepts"}
	}
	if !nonSync && p.r.Continue != nil {
		if err := p.r.Continue(p.name, size); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return nil, false, &syntaxError{status: e.Status, code: e.Code, text: e.Text, fatal: e.Fatal}
			}
			return nil, false, err
		}
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(p.r.br, buf); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		return nil, false, err
	}
	if message {
		p.appendTotal += size
	} else {
		p.total += int(size)
	}
	// The next line belongs to the same command: read it before any check
	// that could fail, so that resync starts from it.
	line, err := p.r.readLine(p.r.limits.MaxLine)
	p.line, p.pos = line, 0
	if errors.Is(err, errLineTooLong) {
		return nil, false, bad("line longer than %d octets", p.r.limits.MaxLine)
	}
	if err != nil {
		return nil, false, err
	}
	p.total += len(line)
	if p.total > lim.MaxCommand {
		return nil, false, &syntaxError{status: "BAD", code: "TOOBIG", text: "command too long"}
	}
	if !lit8 && bytes.IndexByte(buf, 0) >= 0 {
		// RFC 9051 §4.3: a literal is CHAR8, without NUL; RFC 3516 §4.2
		// gives literal8 for binary data.
		return nil, false, bad("NUL octet in a literal (send it as literal8 ~{n})")
	}
	return buf, lit8, nil
}

// mailbox reads a mailbox name and decodes it (RFC 9051 §5.1): INBOX in
// any case is INBOX; other names are modified UTF-7 unless UTF8=ACCEPT.
func (p *parser) mailbox() (string, error) {
	s, err := p.astring("mailbox name")
	if err != nil {
		return "", err
	}
	if strings.EqualFold(s, "INBOX") {
		return "INBOX", nil
	}
	return p.decodeName(s)
}

func (p *parser) decodeName(s string) (string, error) {
	if p.r.UTF8 {
		if !utf8.ValidString(s) {
			return "", bad("mailbox name is not valid UTF-8")
		}
		return s, nil
	}
	if !isASCII(s) && !strings.Contains(s, "&") && utf8.ValidString(s) {
		// Raw UTF-8 cannot be modified UTF-7, so it is unambiguous: clients
		// that see IMAP4rev2 advertised send it without ENABLE (go-imap's
		// client among them), as go-imap's server accepted.
		return s, nil
	}
	name, err := DecodeMailbox(s)
	if err != nil {
		return "", bad("%v", err)
	}
	return name, nil
}

// listMailbox reads a LIST pattern: 1*list-char / string. An empty
// string is kept: `LIST "" ""` asks for the delimiter (RFC 9051 §6.3.9).
func (p *parser) listMailbox() (string, error) {
	var s string
	switch p.peek() {
	case '"', '{':
		var err error
		if s, err = p.str("mailbox pattern"); err != nil {
			return "", err
		}
	default:
		a := p.take(isListChar)
		if len(a) == 0 {
			return "", p.unexpected("mailbox pattern")
		}
		s = string(a)
	}
	return p.decodeName(s)
}

// flag reads a flag: "\" atom (system flags and extensions) or a keyword.
func (p *parser) flag() (string, error) {
	if p.peek() == '\\' {
		p.pos++
		a, err := p.atom("flag")
		return "\\" + a, err
	}
	return p.atom("flag")
}

// flagList reads "(" [flag *(SP flag)] ")".
func (p *parser) flagList() ([]string, error) {
	flags := []string{}
	err := p.list(true, func() error {
		f, err := p.flag()
		flags = append(flags, f)
		return err
	})
	return flags, err
}

// atomList reads a parenthesised list of atoms, upper-cased.
func (p *parser) atomList(empty bool, what string) ([]string, error) {
	var out []string
	err := p.list(empty, func() error {
		a, err := p.keyword(what)
		out = append(out, a)
		return err
	})
	return out, err
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
