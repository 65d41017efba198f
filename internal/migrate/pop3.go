package migrate

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// POP3 reads the maildrop of a POP3 account (RFC 1939), for the periodic
// fetching of users' external accounts (internal/fetch). Every message
// comes as an Inbox message; with Leave unset each one is deleted on the
// server once it is filed (DELE, applied by the QUIT that ends a whole
// pass: a session cut short deletes nothing, RFC 1939 §6).
//
// Invariants:
//   - A message is deleted only after fn returned nil for it and Fetched
//     (when set) said it was filed: mail that could not be stored stays
//     on the server.
//   - A message whose UIDL is in Seen is not downloaded again; with
//     Leave unset it is deleted (it was filed by an earlier pass).
type POP3 struct {
	Host string
	Port int    // 0: 995 with TLS "tls", else 110
	TLS  string // "tls" (implicit, RFC 8314), "starttls" (STLS, RFC 2595) or "none"
	User string
	// Password is sent in PASS only after TLS is up (unless TLS is "none").
	Password    string
	Leave       bool
	InsecureTLS bool // accept any certificate (an old server's self-signed one)

	// Seen holds the UIDLs fetched by earlier passes.
	Seen map[string]bool
	// Listed, when set, hears the UIDLs the server holds now (before any
	// is fetched), so the caller can forget the ones gone.
	Listed func(uidls []string) error
	// Fetched, when set, is called after fn returned nil for a message
	// and says whether it is filed (false: keep it on the server, as for
	// a message too big to store); an error stops the pass.
	Fetched func(uidl string) (filed bool, err error)
	// Timeout bounds each exchange with the server; 0 is one minute.
	Timeout time.Duration
}

// ErrLoginRefused is the class of an external server's refusal of the
// user name or password (POP3 -ERR to USER/PASS).
var ErrLoginRefused = errors.New("login refused")

// ErrNoTLS: the server does not offer the STARTTLS (IMAP) or STLS
// (POP3) that was asked for; nothing was sent in plain text.
var ErrNoTLS = errors.New("the server offers no STARTTLS")

// LoginError is a refused login (POP3 here, IMAP in imap.go), naming
// the server and what it said; never the password.
type LoginError struct {
	Protocol, Host, User, Reply string
}

func (e *LoginError) Error() string {
	return fmt.Sprintf("%s %s: login as %s refused: %s", e.Protocol, e.Host, e.User, e.Reply)
}

// Is makes errors.Is(err, ErrLoginRefused) true.
func (e *LoginError) Is(target error) bool { return target == ErrLoginRefused }

// pop3Conn is one session.
type pop3Conn struct {
	host    string
	conn    net.Conn
	r       *bufio.Reader
	timeout time.Duration
}

func (s POP3) addr() string {
	port := s.Port
	if port == 0 {
		port = 110
		if s.TLS == "tls" {
			port = 995
		}
	}
	return net.JoinHostPort(s.Host, strconv.Itoa(port))
}

func (s POP3) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.Host, InsecureSkipVerify: s.InsecureTLS, MinVersion: tls.VersionTLS12}
}

// dial connects, reads the greeting and sets up TLS as asked.
func (s POP3) dial(ctx context.Context) (*pop3Conn, error) {
	addr := s.addr()
	timeout := s.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	d := &net.Dialer{Timeout: timeout}
	var conn net.Conn
	var err error
	switch s.TLS {
	case "tls":
		conn, err = (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(ctx, "tcp", addr)
	case "starttls", "none":
		conn, err = d.DialContext(ctx, "tcp", addr)
	default:
		return nil, fmt.Errorf("pop3 %s: security %q: tls, starttls or none", addr, s.TLS)
	}
	if err != nil {
		return nil, fmt.Errorf("pop3 %s: %w", addr, err)
	}
	c := &pop3Conn{host: addr, conn: conn, r: bufio.NewReader(conn), timeout: timeout}
	if _, err := c.reply(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w (greeting)", err)
	}
	if s.TLS == "starttls" {
		if _, err := c.cmd("STLS"); err != nil {
			conn.Close()
			if isReplyError(err) {
				err = fmt.Errorf("%w (%v)", ErrNoTLS, err)
			}
			return nil, fmt.Errorf("pop3 %s: STLS: %w", addr, err)
		}
		tc := tls.Client(conn, s.tlsConfig())
		_ = tc.SetDeadline(time.Now().Add(timeout))
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("pop3 %s: STLS: %w", addr, err)
		}
		c.conn, c.r = tc, bufio.NewReader(tc)
	}
	return c, nil
}

// replyError is a -ERR answer.
type replyError struct{ text string }

func (e *replyError) Error() string { return "-ERR " + e.text }

// reply reads a status line: the text after +OK, or a *replyError.
func (c *pop3Conn) reply() (string, error) {
	_ = c.conn.SetDeadline(time.Now().Add(c.timeout))
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("pop3 %s: %w", c.host, err)
	}
	line = strings.TrimRight(line, "\r\n")
	switch {
	case strings.HasPrefix(line, "+OK"):
		return strings.TrimSpace(line[3:]), nil
	case strings.HasPrefix(line, "-ERR"):
		return "", &replyError{strings.TrimSpace(line[4:])}
	}
	return "", fmt.Errorf("pop3 %s: unexpected reply %q", c.host, line)
}

func (c *pop3Conn) cmd(format string, args ...any) (string, error) {
	_ = c.conn.SetDeadline(time.Now().Add(c.timeout))
	if _, err := fmt.Fprintf(c.conn, format+"\r\n", args...); err != nil {
		return "", fmt.Errorf("pop3 %s: %w", c.host, err)
	}
	return c.reply()
}

// multiline reads the rest of a multi-line answer up to its "." line,
// undoing the dot-stuffing (RFC 1939 §3): a line that starts with "."
// had one added. Line ends are kept as the server sent them.
func (c *pop3Conn) multiline() ([]byte, error) {
	var out bytes.Buffer
	start := true // at the start of a line
	for {
		_ = c.conn.SetDeadline(time.Now().Add(c.timeout))
		line, err := c.r.ReadSlice('\n')
		full := errors.Is(err, bufio.ErrBufferFull)
		if err != nil && !full {
			return nil, fmt.Errorf("pop3 %s: %w", c.host, err)
		}
		wasStart := start
		start = !full // a very long line: the rest follows
		if wasStart && line[0] == '.' {
			if string(line) == ".\r\n" || string(line) == ".\n" {
				return out.Bytes(), nil
			}
			line = line[1:]
		}
		out.Write(line)
	}
}

// uidls lists the maildrop: message number -> UIDL, in order. A server
// without UIDL (it is optional) gets "#n" names, which Seen never holds.
func (c *pop3Conn) uidls() ([]int, []string, error) {
	var nums []int
	var ids []string
	if _, err := c.cmd("UIDL"); err == nil {
		body, err := c.multiline()
		if err != nil {
			return nil, nil, err
		}
		for line := range strings.Lines(string(body)) {
			f := strings.Fields(line)
			if len(f) != 2 {
				continue
			}
			n, err := strconv.Atoi(f[0])
			if err != nil {
				return nil, nil, fmt.Errorf("pop3 %s: UIDL line %q", c.host, strings.TrimSpace(line))
			}
			nums, ids = append(nums, n), append(ids, f[1])
		}
		return nums, ids, nil
	} else if !isReplyError(err) {
		return nil, nil, err
	}
	stat, err := c.cmd("STAT")
	if err != nil {
		return nil, nil, fmt.Errorf("pop3 %s: STAT: %w", c.host, err)
	}
	var count int
	if _, err := fmt.Sscan(stat, &count); err != nil {
		return nil, nil, fmt.Errorf("pop3 %s: STAT %q", c.host, stat)
	}
	for n := 1; n <= count; n++ {
		nums, ids = append(nums, n), append(ids, "#"+strconv.Itoa(n))
	}
	return nums, ids, nil
}

func isReplyError(err error) bool {
	var re *replyError
	return errors.As(err, &re)
}

// Each implements Source.
func (s POP3) Each(ctx context.Context, fn func(*Message) error) error {
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer c.conn.Close()
	// A cancelled ctx (a server shutting down) ends a blocked exchange
	// at once: closed without QUIT, the session deletes nothing.
	defer context.AfterFunc(ctx, func() { c.conn.Close() })()
	if _, err := c.cmd("USER %s", s.User); err != nil {
		return s.loginError(c, err)
	}
	if _, err := c.cmd("PASS %s", s.Password); err != nil {
		return s.loginError(c, err)
	}
	nums, ids, err := c.uidls()
	if err != nil {
		return err
	}
	if s.Listed != nil {
		if err := s.Listed(ids); err != nil {
			return err
		}
	}
	for i, n := range nums {
		if err := ctx.Err(); err != nil {
			return err
		}
		uidl := ids[i]
		filed := s.Seen[uidl]
		if !filed {
			if filed, err = s.one(c, n, uidl, fn); err != nil {
				return err
			}
		}
		if filed && !s.Leave {
			if _, err := c.cmd("DELE %d", n); err != nil {
				return fmt.Errorf("pop3 %s: DELE %d: %w", c.host, n, err)
			}
		}
	}
	// RFC 1939 §6: the deletions happen now, in the UPDATE state.
	if _, err := c.cmd("QUIT"); err != nil {
		return fmt.Errorf("pop3 %s: QUIT: %w", c.host, err)
	}
	return nil
}

// one downloads message n and hands it to fn; it says whether the
// message is filed.
func (s POP3) one(c *pop3Conn, n int, uidl string, fn func(*Message) error) (bool, error) {
	if _, err := c.cmd("RETR %d", n); err != nil {
		return false, fmt.Errorf("pop3 %s: RETR %d: %w", c.host, n, err)
	}
	raw, err := c.multiline()
	if err != nil {
		return false, err
	}
	if err := fn(&Message{Raw: raw, Where: fmt.Sprintf("POP3 %s message %d (%s)", s.Host, n, uidl)}); err != nil {
		return false, err
	}
	if s.Fetched == nil {
		return true, nil
	}
	return s.Fetched(uidl)
}

// loginError names the server and the user; a -ERR is a refusal.
func (s POP3) loginError(c *pop3Conn, err error) error {
	var re *replyError
	if errors.As(err, &re) {
		return &LoginError{Protocol: "pop3", Host: c.host, User: s.User, Reply: re.text}
	}
	return fmt.Errorf("pop3 %s: login: %w", c.host, err)
}
