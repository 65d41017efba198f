package pop3d

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

const (
	// maxCommand is RFC 2449 §4's limit on a command line, CRLF included;
	// AUTH responses may be longer (RFC 5034 §4), up to maxLine.
	maxCommand = 255
	maxLine    = 8192
	// idleTimeout is RFC 1939 §3's inactivity autologout: at least 10 min.
	idleTimeout = 10 * time.Minute
)

type state int

const (
	stateAuthorization state = iota
	stateTransaction
	// stateUpdate: QUIT applied the deletions and released the account
	// for the next session, before its +OK.
	stateUpdate
)

// conn is one POP3 session.
type conn struct {
	s      *Server
	nc     net.Conn
	r      *bufio.Reader
	w      *bufio.Writer // small, or a pooled big one (bigWriter)
	small  *bufio.Writer
	big    bool // w is from writerPool
	tls    bool
	ctx    context.Context
	cancel context.CancelFunc

	state state
	user  string // from USER, waiting for PASS
	acct  *store.Account
	drop  *maildrop
	marks retrievedMarks // retrieved.go

	mu   sync.Mutex // guards nc against interrupt
	done bool
}

func newConn(s *Server, nc net.Conn, implicitTLS bool) *conn {
	ctx, cancel := context.WithCancel(context.Background())
	w := bufio.NewWriter(nc)
	return &conn{s: s, nc: nc, r: bufio.NewReader(nc), w: w, small: w, tls: implicitTLS, ctx: ctx, cancel: cancel}
}

// interrupt ends the session from outside (shutdown).
func (c *conn) interrupt() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done {
		c.done = true
		c.nc.SetDeadline(time.Now())
	}
}

func (c *conn) close() {
	c.mu.Lock()
	c.done = true
	c.mu.Unlock()
	if c.acct != nil {
		// what was retrieved is read, however the session ends
		c.applyMarks(c.ctx, actor.User(c.acct))
	}
	c.cancel()
	c.drop.close()
	if c.acct != nil && c.state == stateTransaction {
		c.s.unlock(c.acct.ID)
	}
	c.nc.Close()
	if c.big {
		c.w.Reset(io.Discard)
		writerPool.Put(c.w)
	}
}

// writerPool holds the writers of TRANSACTION-state commands: big enough
// that a RETR of a 10 KB message, its status line and its terminator, or
// the UIDL listing of a few hundred messages, leave in one write.
var writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, copyBlock) }}

// bigWriter gives the session a pooled writer until it waits for its
// client again (smallWriter): a session holds 64 KB only while it sends.
func (c *conn) bigWriter() {
	if c.big || c.w.Flush() != nil {
		return
	}
	w := writerPool.Get().(*bufio.Writer)
	w.Reset(c.nc)
	c.w, c.big = w, true
}

// smallWriter gives the big writer back once all it held was sent.
func (c *conn) smallWriter() {
	if !c.big || c.w.Buffered() > 0 {
		return
	}
	c.w.Reset(io.Discard)
	writerPool.Put(c.w)
	c.w, c.big = c.small, false
}

func (c *conn) ok(format string, args ...any) {
	fmt.Fprintf(c.w, "+OK "+format+"\r\n", args...)
}

func (c *conn) err(format string, args ...any) {
	fmt.Fprintf(c.w, "-ERR "+format+"\r\n", args...)
}

// flush sends what is buffered unless more pipelined commands are already
// waiting (RFC 2449 §6.6 PIPELINING).
func (c *conn) flush(force bool) error {
	if !force && c.r.Buffered() > 0 {
		return nil
	}
	return c.w.Flush()
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its line ending. A longer line than
// maxLine is consumed and refused.
func (c *conn) readLine() (string, error) {
	c.nc.SetReadDeadline(time.Now().Add(idleTimeout))
	var line []byte
	for {
		chunk, isPrefix, err := c.r.ReadLine()
		if err != nil {
			return "", err
		}
		if len(line)+len(chunk) <= maxLine {
			line = append(line, chunk...)
		} else {
			line = line[:maxLine+1] // remember it was too long, keep reading
		}
		if !isPrefix {
			break
		}
	}
	if len(line) > maxLine {
		return "", errLineTooLong
	}
	return string(line), nil
}

func (c *conn) serve() {
	defer c.close()
	c.ok("%s Postroom POP3 server ready", c.s.Hostname)
	c.flush(true)
	for {
		line, err := c.readLine()
		if errors.Is(err, errLineTooLong) {
			c.err("Line too long")
			c.flush(false)
			continue
		}
		if err != nil {
			return // closed, timed out or interrupted: no UPDATE state
		}
		quit := c.command(line)
		if err := c.flush(quit); err != nil || quit {
			return
		}
		c.smallWriter()
	}
}

// command runs one command line and reports whether the session ends.
func (c *conn) command(line string) (quit bool) {
	verb, arg, _ := strings.Cut(line, " ")
	verb = strings.ToUpper(verb)
	if len(line)+2 > maxCommand && verb != "AUTH" {
		c.err("Command line too long (at most %d octets)", maxCommand)
		return false
	}
	if c.s.closing.Load() {
		c.err("[SYS/TEMP] Server shutting down")
		return true
	}
	if c.state == stateTransaction {
		if run, quit := c.loginHolds(); !run {
			return quit // login_check.go
		}
	}
	switch verb {
	case "QUIT":
		return c.quit()
	case "CAPA":
		c.capa()
		return false
	case "NOOP":
		if c.state != stateTransaction {
			break
		}
		c.ok("")
		return false
	}
	if c.state == stateAuthorization {
		switch verb {
		case "USER":
			c.userCmd(arg)
		case "PASS":
			c.passCmd(arg)
		case "AUTH":
			c.authCmd(arg)
		case "STLS":
			c.stls()
		case "STAT", "LIST", "RETR", "DELE", "RSET", "TOP", "UIDL", "NOOP":
			c.err("Log in first")
		default:
			c.err("Unknown command")
		}
		return false
	}
	c.bigWriter()
	switch verb {
	case "STAT":
		n, size := c.drop.stat()
		c.ok("%d %d", n, size)
	case "LIST":
		c.list(arg, false)
	case "UIDL":
		c.list(arg, true)
	case "RETR":
		c.retr(arg)
	case "TOP":
		c.top(arg)
	case "DELE":
		c.dele(arg)
	case "RSET":
		c.drop.reset()
		n, size := c.drop.stat()
		c.ok("maildrop has %d messages (%d octets)", n, size)
	case "USER", "PASS", "AUTH", "STLS":
		c.err("Already logged in")
	default:
		c.err("Unknown command")
	}
	return false
}

// capa lists capabilities (RFC 2449 §5); USER and SASL only where a
// password may be sent.
func (c *conn) capa() {
	c.ok("Capability list follows")
	lines := []string{"TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "IMPLEMENTATION Postroom"}
	if c.state == stateAuthorization {
		if c.s.Auth.PlaintextAllowed(c.nc.RemoteAddr(), c.tls) {
			lines = append(lines, "USER", "SASL PLAIN")
		}
		if !c.tls && c.s.TLS != nil {
			lines = append(lines, "STLS")
		}
	}
	for _, l := range lines {
		c.w.WriteString(l + "\r\n")
	}
	c.w.WriteString(".\r\n")
}

// stls upgrades the connection (RFC 2595 §4).
func (c *conn) stls() {
	if c.tls || c.s.TLS == nil {
		c.err("TLS is not available here")
		return
	}
	c.ok("Begin TLS negotiation")
	c.w.Flush()
	if c.r.Buffered() > 0 {
		// Plain-text bytes sent after STLS could be injected by an
		// attacker (CVE-2011-0411 style): refuse rather than carry them.
		c.nc.Close()
		return
	}
	tc := tls.Server(c.nc, c.s.TLS)
	tc.SetDeadline(time.Now().Add(time.Minute))
	if err := tc.Handshake(); err != nil {
		c.nc.Close()
		return
	}
	tc.SetDeadline(time.Time{})
	c.mu.Lock()
	c.nc = tc
	c.mu.Unlock()
	c.r, c.w, c.tls, c.user = bufio.NewReader(tc), bufio.NewWriter(tc), true, ""
	c.small = c.w
}

// writeDotStuffed writes a multi-line body: lines starting with "." get
// another "." (RFC 1939 §3), the last line is ended, then the terminator.
// At most maxLines body lines follow the header when maxLines >= 0 (TOP).
func (c *conn) writeDotStuffed(r io.Reader, maxLines int) error {
	br := bufio.NewReaderSize(r, 64<<10)
	atStart, inBody, bodyLines := true, false, 0
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			blank := false
			if atStart {
				if inBody && maxLines >= 0 {
					if bodyLines >= maxLines {
						break
					}
					bodyLines++
				}
				if line[0] == '.' {
					c.w.WriteByte('.')
				}
				blank = string(line) == "\r\n" || string(line) == "\n"
			}
			if _, werr := c.w.Write(line); werr != nil {
				return werr
			}
			atStart = line[len(line)-1] == '\n'
			if blank {
				inBody = true
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // a line longer than the buffer: the rest follows
		}
		if err == io.EOF {
			if !atStart {
				c.w.WriteString("\r\n")
			}
			break
		}
		if err != nil {
			return err
		}
	}
	_, err := c.w.WriteString(".\r\n")
	return err
}
