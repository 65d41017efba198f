package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// Limits bound what one command may make the Reader read and allocate.
// A zero field takes its value from DefaultLimits.
type Limits struct {
	// MaxLine bounds one line of a command, CRLF excluded. RFC 7162 §4
	// asks servers to accept lines of at least 8192 octets; long UID sets
	// from resyncing clients need more.
	MaxLine int
	// MaxStringLiteral bounds a literal that is not a message (a password,
	// a search string).
	MaxStringLiteral int64
	// MaxLiteral bounds one APPEND message (or CATENATE TEXT part); a
	// larger one is refused with NO [TOOBIG] before it is read.
	MaxLiteral int64
	// MaxAppendTotal bounds the sum of the messages of one APPEND
	// (MULTIAPPEND, CATENATE).
	MaxAppendTotal int64
	// MaxCommand bounds the sum of lines and string literals of one command.
	MaxCommand int
	// MaxDepth bounds the nesting of parenthesised lists and search keys.
	MaxDepth int
	// MaxSkip bounds the non-synchronising literal the Reader discards to
	// stay in step after refusing a command; beyond it the Error is Fatal.
	MaxSkip int64
}

// DefaultLimits are the limits a zero Limits field stands for.
var DefaultLimits = Limits{
	MaxLine:          64 << 10,
	MaxStringLiteral: 64 << 10,
	MaxLiteral:       64 << 20,
	MaxAppendTotal:   256 << 20,
	MaxCommand:       1 << 20,
	MaxDepth:         64,
	MaxSkip:          64 << 20,
}

// literalMinusMax is the largest non-synchronising literal a client may
// send when the server advertises LITERAL- (RFC 7888).
const literalMinusMax = 4096

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxLine > 0 {
		d.MaxLine = l.MaxLine
	}
	if l.MaxStringLiteral > 0 {
		d.MaxStringLiteral = l.MaxStringLiteral
	}
	if l.MaxLiteral > 0 {
		d.MaxLiteral = l.MaxLiteral
	}
	if l.MaxAppendTotal > 0 {
		d.MaxAppendTotal = l.MaxAppendTotal
	}
	if l.MaxCommand > 0 {
		d.MaxCommand = l.MaxCommand
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxSkip > 0 {
		d.MaxSkip = l.MaxSkip
	}
	return d
}

// Reader reads client commands from a connection.
type Reader struct {
	br     *bufio.Reader
	limits Limits

	// UTF8 is set once the session has ENABLEd UTF8=ACCEPT (RFC 6855) or
	// IMAP4rev2 with it: mailbox names are then UTF-8, not modified UTF-7.
	UTF8 bool
	// LiteralMinus is set when the server advertises LITERAL- rather than
	// LITERAL+: non-synchronising literals above 4096 octets are refused.
	LiteralMinus bool
	// Continue is called before the Reader reads a synchronising literal
	// it has accepted, with the command's name ("APPEND", "UID SEARCH")
	// and the literal's size. The session writes a continuation request
	// ("+ ") and flushes it: the client sends nothing until then (RFC 9051
	// §7.5). The session may instead refuse the literal by returning an
	// *Error (say NO [OVERQUOTA] for an APPEND); ReadCommand returns it
	// with the tag filled in. Any other error is returned as is.
	Continue func(command string, size int64) error
	// ReadRefused makes the Reader answer a synchronising APPEND literal
	// over MaxLiteral (up to MaxSkip) with a continuation and read it
	// without keeping it before the NO [TOOBIG]: clients that stream the
	// literal (go-imap's) take a refusal before "+" for a broken
	// connection. Off, the literal is refused unread (RFC 9051 §7.5).
	ReadRefused bool

	// longHead is the start of the last line readLine found too long:
	// enough to answer with the command's tag.
	longHead []byte
}

// NewReader returns a Reader of br with the given limits.
func NewReader(br *bufio.Reader, limits Limits) *Reader {
	return &Reader{br: br, limits: limits.withDefaults()}
}

// Buffered is the number of octets the client sent after the last command
// read. After STARTTLS or COMPRESS it must be zero: octets sent before the
// switch must not be read as if they came through it (the STARTTLS
// command injection found in many servers in 2011, CVE-2011-0411 among
// them); the session closes the connection otherwise.
func (r *Reader) Buffered() int { return r.br.Buffered() }

// Reset makes r read from br, once the session has put TLS or compression
// between it and the connection. The session state (UTF8, LiteralMinus,
// Continue) and the limits are kept.
func (r *Reader) Reset(br *bufio.Reader) { r.br = br }

// ReadCommand reads the next command. A *Error is a command refused (the
// Reader is already at the next command unless Fatal); any other error is
// the connection's.
func (r *Reader) ReadCommand() (*Command, error) {
	p := &parser{r: r}
	var line []byte
	var err error
	for len(line) == 0 {
		line, err = r.readLine(r.limits.MaxLine)
		if errors.Is(err, errLineTooLong) {
			p.line = line
			head := &parser{r: r, line: r.longHead}
			if tag := head.take(isTagChar); len(tag) > 0 && head.peek() == ' ' {
				p.tag = string(tag)
			}
			return nil, r.refuse(p, bad("line longer than %d octets", r.limits.MaxLine))
		}
		if err != nil {
			return nil, err
		}
	}
	p.line = line
	p.total = len(line)
	cmd, err := p.command()
	if err != nil {
		return nil, r.refuse(p, err)
	}
	return cmd, nil
}

// refuse turns a parser error into *Error and resynchronises the stream.
func (r *Reader) refuse(p *parser, err error) error {
	var se *syntaxError
	if !errors.As(err, &se) {
		return err // the connection's own error
	}
	e := &Error{Tag: p.tag, Status: se.status, Code: se.code, Text: se.text, Fatal: se.fatal}
	if e.Fatal {
		return e
	}
	if rerr := r.resync(p.line); rerr != nil {
		var se2 *syntaxError
		if errors.As(rerr, &se2) {
			e.Fatal = true
			e.Text += "; " + se2.text
			return e
		}
		return rerr
	}
	return e
}

// resync skips what the client sends after a refused line without waiting
// for us: the bytes of a non-synchronising literal ending the line, and the
// lines after it. A synchronising literal is never sent before "+ ".
func (r *Reader) resync(line []byte) error {
	for {
		n, nonSync, ok := literalAtEnd(line)
		if !ok || !nonSync {
			return nil
		}
		if n > r.limits.MaxSkip {
			return bad("literal of %d octets cannot be skipped", n)
		}
		if _, err := io.CopyN(io.Discard, r.br, n); err != nil {
			return err
		}
		var err error
		line, err = r.readLine(r.limits.MaxLine)
		if err != nil && !errors.Is(err, errLineTooLong) {
			return err
		}
	}
}

// literalAtEnd reports the literal announced at the end of line, if any:
// "{n}", "{n+}", "~{n}" or "~{n+}".
func literalAtEnd(line []byte) (n int64, nonSync, ok bool) {
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false, false
	}
	open := bytes.LastIndexByte(line, '{')
	if open < 0 {
		return 0, false, false
	}
	digits := line[open+1 : len(line)-1]
	if len(digits) > 0 && digits[len(digits)-1] == '+' {
		nonSync = true
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 || len(digits) > 19 {
		return 0, false, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false, false
		}
		n = n*10 + int64(c-'0')
	}
	if n < 0 {
		return 0, false, false
	}
	return n, nonSync, true
}

// readLine reads one line without its CRLF (a bare LF is accepted too).
// A line longer than max is consumed to its end and errLineTooLong is
// returned with the line's last octets, enough to see a literal announced
// there.
func (r *Reader) readLine(max int) ([]byte, error) {
	var buf []byte
	over := false
	r.longHead = r.longHead[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(buf)+len(chunk) > max+2 && !over {
			over = true
		}
		if over {
			buf = append(buf, chunk...)
			if len(r.longHead) == 0 {
				r.longHead = append(r.longHead, buf[:min(len(buf), 64)]...)
			}
			if len(buf) > 64 {
				buf = append(buf[:0], buf[len(buf)-64:]...)
			}
		} else {
			buf = append(buf, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, err
		}
		break
	}
	buf = bytes.TrimSuffix(buf, []byte("\n"))
	buf = bytes.TrimSuffix(buf, []byte("\r"))
	if over || len(buf) > max {
		if len(r.longHead) == 0 {
			r.longHead = append(r.longHead, buf[:min(len(buf), 64)]...)
		}
		return buf, errLineTooLong
	}
	return buf, nil
}

// ReadDone reads the line that ends IDLE (RFC 9051 §6.3.13).
func (r *Reader) ReadDone() error {
	line, err := r.readLine(r.limits.MaxLine)
	if errors.Is(err, errLineTooLong) {
		return ErrIdleNotDone
	}
	if err != nil {
		return err
	}
	if !strings.EqualFold(string(line), "DONE") {
		return ErrIdleNotDone
	}
	return nil
}

// ReadSASLResponse reads one client response line during AUTHENTICATE
// (RFC 9051 §6.2.2): base64 text, or "*" to cancel (Cancelled is then set).
// The text is returned undecoded.
func (r *Reader) ReadSASLResponse() (resp string, cancelled bool, err error) {
	line, err := r.readLine(r.limits.MaxLine)
	if errors.Is(err, errLineTooLong) {
		return "", false, &Error{Status: "BAD", Text: "authentication response too long"}
	}
	if err != nil {
		return "", false, err
	}
	if string(line) == "*" {
		return "", true, nil
	}
	return string(line), false, nil
}
