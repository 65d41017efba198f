package interop

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/textproto"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A small SMTP client speaking the protocol line by line, so that tests see
// every reply code and can put exactly the bytes they want on the wire
// (bare LF, NUL, BDAT chunks, half a DATA section). Methods return errors
// instead of failing the test so that they can run in goroutines.

type reply struct {
	Code int
	Msg  string // the text after the code, lines joined with "\n"
}

var enhancedRe = regexp.MustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})\b`)

// Enhanced returns the RFC 3463 enhanced status code at the start of the
// reply text ("5.1.1"), or "".
func (r reply) Enhanced() string {
	return enhancedRe.FindString(r.Msg)
}

func (r reply) String() string { return fmt.Sprintf("%d %s", r.Code, r.Msg) }

// Is reports whether the reply has this code and enhanced code.
func (r reply) Is(code int, enhanced string) bool {
	return r.Code == code && r.Enhanced() == enhanced
}

type smtpClient struct {
	conn net.Conn
	text *textproto.Conn
	ext  map[string]string // EHLO keywords (upper case) -> parameters
	// greeting is the 220 line's text.
	greeting string
}

const ioTimeout = 30 * time.Second

// dialSMTP connects and reads the greeting, which must be 220.
func dialSMTP(addr string) (*smtpClient, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	return greet(conn)
}

// dialSMTPS connects with implicit TLS (the submissions port), without
// verifying the self-signed certificate.
func dialSMTPS(addr string) (*smtpClient, error) {
	d := &net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", addr, insecureTLS())
	if err != nil {
		return nil, err
	}
	return greet(conn)
}

func insecureTLS() *tls.Config {
	return &tls.Config{InsecureSkipVerify: true, ServerName: testHostname} // the test server's certificate is self-signed
}

func greet(conn net.Conn) (*smtpClient, error) {
	c := &smtpClient{conn: conn, text: textproto.NewConn(conn)}
	r, err := c.read()
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if r.Code != 220 {
		conn.Close()
		return nil, fmt.Errorf("greeting: %s", r)
	}
	c.greeting = r.Msg
	return c, nil
}

func (c *smtpClient) Close() error { return c.conn.Close() }

func (c *smtpClient) read() (reply, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(ioTimeout))
	code, msg, err := c.text.ReadResponse(0)
	if err != nil {
		if _, ok := err.(*textproto.Error); !ok {
			return reply{}, err
		}
	}
	return reply{Code: code, Msg: msg}, nil
}

// Cmd sends one command line (CRLF added) and reads the reply.
func (c *smtpClient) Cmd(format string, args ...any) (reply, error) {
	_ = c.conn.SetWriteDeadline(time.Now().Add(ioTimeout))
	if err := c.text.PrintfLine(format, args...); err != nil {
		return reply{}, err
	}
	return c.read()
}

// Raw writes bytes exactly as given.
func (c *smtpClient) Raw(b []byte) error {
	_ = c.conn.SetWriteDeadline(time.Now().Add(ioTimeout))
	_, err := c.conn.Write(b)
	return err
}

// Ehlo sends EHLO and records the extensions.
func (c *smtpClient) Ehlo() (reply, error) {
	r, err := c.Cmd("EHLO client.interop.example")
	if err != nil {
		return r, err
	}
	c.ext = map[string]string{}
	if r.Code == 250 {
		lines := strings.Split(r.Msg, "\n")
		for _, l := range lines[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(l), " ")
			c.ext[strings.ToUpper(k)] = v
		}
	}
	return r, nil
}

// StartTLS upgrades the connection and says EHLO again.
func (c *smtpClient) StartTLS() error {
	r, err := c.Cmd("STARTTLS")
	if err != nil {
		return err
	}
	if r.Code != 220 {
		return fmt.Errorf("STARTTLS: %s", r)
	}
	tc := tls.Client(c.conn, insecureTLS())
	_ = tc.SetDeadline(time.Now().Add(ioTimeout))
	if err := tc.Handshake(); err != nil {
		return fmt.Errorf("TLS handshake: %w", err)
	}
	c.conn = tc
	c.text = textproto.NewConn(tc)
	r, err = c.Ehlo()
	if err != nil {
		return err
	}
	if r.Code != 250 {
		return fmt.Errorf("EHLO after STARTTLS: %s", r)
	}
	return nil
}

// AuthPlain runs AUTH PLAIN with an initial response and returns the reply.
func (c *smtpClient) AuthPlain(user, pass string) (reply, error) {
	ir := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
	return c.Cmd("AUTH PLAIN %s", ir)
}

// Data sends DATA and, after 354, the message (dot-stuffed, CRLF line
// ends kept as given: msg should use CRLF) and the terminating dot.
// It returns the reply to DATA when it is not 354, else the final reply.
func (c *smtpClient) Data(msg []byte) (reply, error) {
	r, err := c.Cmd("DATA")
	if err != nil || r.Code != 354 {
		return r, err
	}
	if err := c.Raw(dotStuff(msg)); err != nil {
		return reply{}, err
	}
	return c.read()
}

// dotStuff doubles leading dots and appends the end-of-data line; it does
// not touch line endings.
func dotStuff(msg []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(msg) + 64)
	atLineStart := true
	for _, ch := range msg {
		if atLineStart && ch == '.' {
			b.WriteByte('.')
		}
		b.WriteByte(ch)
		atLineStart = ch == '\n'
	}
	if !bytes.HasSuffix(msg, []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	b.WriteString(".\r\n")
	return b.Bytes()
}

// Send runs one transaction (MAIL, RCPT for each recipient, DATA) and
// returns the first reply that was not a success, or the final reply.
func (c *smtpClient) Send(from string, to []string, msg []byte) (reply, error) {
	r, err := c.Cmd("MAIL FROM:<%s>", from)
	if err != nil || r.Code != 250 {
		return r, err
	}
	for _, rcpt := range to {
		r, err = c.Cmd("RCPT TO:<%s>", rcpt)
		if err != nil || r.Code != 250 {
			return r, err
		}
	}
	return c.Data(msg)
}

// buildMessage makes an RFC 5322 message with CRLF line ends whose body
// is filled up to about size bytes (the whole message is at least size).
func buildMessage(from, to, msgID, subject string, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: <%s>\r\n", from)
	fmt.Fprintf(&b, "To: <%s>\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", subject)
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", msgID)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n")
	b.WriteString("Hello from the Postroom interop tests.\r\n")
	const line = "The quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnopqrst\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}

// --- helpers that fail the test -----------------------------------------

func mustDial(tb testing.TB, addr string) *smtpClient {
	tb.Helper()
	c, err := dialSMTP(addr)
	if err != nil {
		tb.Fatalf("connect %s: %v", addr, err)
	}
	tb.Cleanup(func() { c.Close() })
	if r, err := c.Ehlo(); err != nil || r.Code != 250 {
		tb.Fatalf("EHLO: %v %v", r, err)
	}
	return c
}

// mustDialSubmission connects to the submission port, upgrades with
// STARTTLS and authenticates with AUTH PLAIN.
func mustDialSubmission(tb testing.TB, s *Server, user, pass string) *smtpClient {
	tb.Helper()
	c := mustDial(tb, s.Addr(tb, "submission"))
	if err := c.StartTLS(); err != nil {
		tb.Fatal(err)
	}
	r, err := c.AuthPlain(user, pass)
	if err != nil || r.Code != 235 {
		tb.Fatalf("AUTH PLAIN %s: %v %v", user, r, err)
	}
	return c
}

func (c *smtpClient) mustCmd(tb testing.TB, format string, args ...any) reply {
	tb.Helper()
	r, err := c.Cmd(format, args...)
	if err != nil {
		tb.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
	return r
}

func wantReply(tb testing.TB, what string, r reply, code int, enhanced string) {
	tb.Helper()
	if !r.Is(code, enhanced) {
		tb.Errorf("%s: got %q, want %d %s", what, r.String(), code, enhanced)
	}
}

// requireAlive fails unless a new connection to addr is greeted and EHLO
// gets 250 (the server survived whatever the test did).
func requireAlive(tb testing.TB, s *Server, listener string) {
	tb.Helper()
	if !s.Running() {
		tb.Fatalf("server process exited")
	}
	c, err := dialSMTP(s.Addr(tb, listener))
	if err != nil {
		tb.Fatalf("server no longer answers on %s: %v", listener, err)
	}
	defer c.Close()
	if r, err := c.Ehlo(); err != nil || r.Code != 250 {
		tb.Fatalf("server no longer answers EHLO on %s: %v %v", listener, r, err)
	}
}

// mxSend delivers one message through the MX listener and returns the
// final reply (or the first refusal).
func mxSend(tb testing.TB, s *Server, from string, to []string, msg []byte) reply {
	tb.Helper()
	c, err := dialSMTP(s.Addr(tb, "smtp"))
	if err != nil {
		tb.Fatalf("connect MX: %v", err)
	}
	defer c.Close()
	if r, err := c.Ehlo(); err != nil || r.Code != 250 {
		tb.Fatalf("EHLO: %v %v", r, err)
	}
	r, err := c.Send(from, to, msg)
	if err != nil {
		tb.Fatalf("MX transaction: %v", err)
	}
	_, _ = c.Cmd("QUIT")
	return r
}
