package interop

// Helpers of the POP3 interop tests (pop3_*_test.go): the server they
// share, py/pop3_client.py (Python's poplib), a small POP3 client of our
// own for set-up, checks and the benchmark, and message builders.

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// pop3Caps are the capabilities CAPA must list on every POP3 listener
// (USER only where plain-text login is allowed: loopback here).
var pop3Caps = []string{"TOP", "UIDL", "USER", "SASL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE", "IMPLEMENTATION"}

var pop3Shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// pop3Server returns the server the POP3 tests share (listeners smtp, imap,
// pop3, pop3s); each test makes its own accounts. TestMain's
// stopSharedServers stops it.
func pop3Server(tb testing.TB) *Server {
	tb.Helper()
	pop3Shared.once.Do(func() {
		base, err := os.MkdirTemp(workDir, "pop3-")
		if err != nil {
			pop3Shared.err = err
			return
		}
		pop3Shared.srv, pop3Shared.err = setupServer(base, serverOptions{listen: []string{"smtp", "imap", "pop3", "pop3s"}})
		if pop3Shared.srv != nil {
			benchServers.Store("pop3-shared", pop3Shared.srv)
		}
	})
	if pop3Shared.err != nil {
		tb.Fatalf("pop3 server: %v", pop3Shared.err)
	}
	s := pop3Shared.srv
	s.logOnFailure(tb)
	if !s.Running() {
		tb.Fatalf("the pop3 server is not running (it crashed in an earlier test?):\n%s", tail(s.log.String(), 60))
	}
	s.Addr(tb, "pop3") // fails the test unless serve printed `listening: pop3 ADDR`
	return s
}

// pop3User creates a fresh account (extra: flags for `postroom user add`).
func pop3User(tb testing.TB, s *Server, prefix string, extra ...string) string {
	tb.Helper()
	addr := uniqueAddr("pop3-" + prefix)
	s.AddUser(tb, addr, extra...)
	return addr
}

// pop3SetDelete sets what DELE does at QUIT: keep, trash or delete.
func pop3SetDelete(tb testing.TB, s *Server, addr, mode string) {
	tb.Helper()
	s.MustCLI(tb, "user set", "--pop3-delete", mode, addr)
}

// --- py/pop3_client.py ---------------------------------------------------

type pop3PyResult struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Info  struct {
		Welcome    string              `json:"welcome"`
		TLSVersion string              `json:"tls_version"`
		Capa       map[string][]string `json:"capa"`
		CapaTLS    map[string][]string `json:"capa_tls"`
		STLS       string              `json:"stls"`
		Login      *struct {
			OK   bool   `json:"ok"`
			Resp string `json:"resp"`
		} `json:"login"`
		InUseRetries int `json:"in_use_retries"`
	} `json:"info"`
	Results []pop3PyOp `json:"results"`
}

type pop3PyOp struct {
	ID     string              `json:"id"`
	Op     string              `json:"op"`
	OK     bool                `json:"ok"`
	EOF    bool                `json:"eof"`
	Resp   string              `json:"resp"`
	Caps   map[string][]string `json:"caps"`
	Count  int                 `json:"count"`
	Size   int64               `json:"size"`
	Lines  []string            `json:"lines"`
	Data   []byte              `json:"data_b64"`
	Octets int64               `json:"octets"`
}

func (o pop3PyOp) String() string {
	return fmt.Sprintf("%s[%s] -> ok=%v eof=%v %q", o.Op, o.ID, o.OK, o.EOF, o.Resp)
}

// op returns the result of the operation labelled id.
func (r pop3PyResult) op(tb testing.TB, id string) pop3PyOp {
	tb.Helper()
	for _, o := range r.Results {
		if o.ID == id {
			return o
		}
	}
	tb.Fatalf("no result for operation %q (the script stopped earlier?): error %q, results %v", id, r.Error, r.Results)
	return pop3PyOp{}
}

// ok returns operation id and fails the test unless the server said +OK.
func (r pop3PyResult) ok(tb testing.TB, id string) pop3PyOp {
	tb.Helper()
	o := r.op(tb, id)
	if !o.OK {
		tb.Fatalf("%s: want +OK", o)
	}
	return o
}

// wantErr fails (without stopping) unless operation id got -ERR (the
// session still open) whose text contains every one of codes.
func (r pop3PyResult) wantErr(tb testing.TB, id string, codes ...string) pop3PyOp {
	tb.Helper()
	o := r.op(tb, id)
	switch {
	case o.EOF:
		tb.Errorf("%s: the server closed the connection, want -ERR and the session to go on", o)
	case o.OK:
		tb.Errorf("%s: want -ERR", o)
	case !strings.HasPrefix(o.Resp, "-ERR"):
		tb.Errorf("%s: want a -ERR line", o)
	default:
		for _, c := range codes {
			if !strings.Contains(o.Resp, c) {
				tb.Errorf("%s: want -ERR with %s", o, c)
			}
		}
		if strings.TrimSpace(strings.TrimPrefix(o.Resp, "-ERR")) == "" {
			tb.Errorf("%s: -ERR without a reason", o)
		}
	}
	return o
}

// requireLoggedIn fails unless the script logged in.
func (r pop3PyResult) requireLoggedIn(tb testing.TB) {
	tb.Helper()
	if r.Info.Login == nil || !r.Info.Login.OK {
		tb.Fatalf("poplib login failed: %+v (error %q)", r.Info.Login, r.Error)
	}
}

func pop3Op(id, op string, kv ...any) map[string]any {
	m := map[string]any{"id": id, "op": op}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// pop3PyParams returns connection parameters for pop3_client.py: mode
// "plain" or "stls" use the pop3 listener, "ssl" the pop3s one. Logins
// wait up to 5 s for an earlier session of the account to be released.
func (s *Server) pop3PyParams(tb testing.TB, mode, user string) map[string]any {
	tb.Helper()
	listener := "pop3"
	if mode == "ssl" {
		listener = "pop3s"
	}
	p := map[string]any{"host": "127.0.0.1", "port": s.Port(tb, listener), "mode": mode, "retry_in_use": 5}
	if user != "" {
		p["user"], p["password"] = user, testPassword
	}
	return p
}

// runPop3Py runs py/pop3_client.py with these parameters and operations.
func runPop3Py(tb testing.TB, params map[string]any, ops ...map[string]any) pop3PyResult {
	tb.Helper()
	var res pop3PyResult
	runPyOps(tb, "pop3_client.py", params, ops, &res)
	if res.Info.InUseRetries > 0 {
		tb.Logf("pop3_client.py: login refused [IN-USE] %d times before the earlier session was released", res.Info.InUseRetries)
	}
	return res
}

// pop3UIDLs logs in with poplib and returns the UIDL listing as
// message number -> unique-id, in order.
func pop3UIDLs(tb testing.TB, s *Server, user string) []string {
	tb.Helper()
	r := runPop3Py(tb, s.pop3PyParams(tb, "plain", user), pop3Op("uidl", "uidl"))
	r.requireLoggedIn(tb)
	return pop3ParseListing(tb, "UIDL", r.ok(tb, "uidl").Lines)
}

// pop3ParseListing parses LIST or UIDL lines ("N VALUE") and checks that
// the numbers run 1..n.
func pop3ParseListing(tb testing.TB, what string, lines []string) []string {
	tb.Helper()
	var vals []string
	for i, l := range lines {
		n, v, ok := strings.Cut(l, " ")
		if !ok || n != fmt.Sprint(i+1) || v == "" {
			tb.Fatalf("%s line %d is %q, want \"%d VALUE\" (listing %q)", what, i+1, l, i+1, lines)
		}
		vals = append(vals, v)
	}
	return vals
}

// --- messages --------------------------------------------------------------

// pop3Message makes a message with CRLF line ends and these body lines.
func pop3Message(to, msgID, subject string, body ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: <sender@remote.example>\r\nTo: <%s>\r\nSubject: %s\r\n", to, subject)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s>\r\n", time.Now().Format(time.RFC1123Z), msgID)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n")
	for _, l := range body {
		b.WriteString(l + "\r\n")
	}
	return b.Bytes()
}

// pop3Deliver sends a small message to rcpt over the MX listener and
// returns its Message-ID and bytes.
func pop3Deliver(tb testing.TB, s *Server, rcpt, subject string, body ...string) (string, []byte) {
	tb.Helper()
	id := uniqueID("pop3")
	if len(body) == 0 {
		body = []string{"Hello " + subject, "second line", "third line"}
	}
	msg := pop3Message(rcpt, id, subject, body...)
	if r := mxSend(tb, s, "sender@remote.example", []string{rcpt}, msg); r.Code != 250 {
		tb.Fatalf("MX delivery to %s: %s", rcpt, r)
	}
	return id, msg
}

// pop3StripTrace splits a retrieved message into the trace header fields
// the server prepended at delivery (Return-Path:, Authentication-Results:,
// Received: and their continuation lines, at the top) and the rest.
func pop3StripTrace(raw []byte) (trace, rest []byte) {
	i := 0
	inTrace := false
	for i < len(raw) {
		end := bytes.Index(raw[i:], []byte("\r\n"))
		if end < 0 {
			break
		}
		line := raw[i : i+end]
		switch {
		case len(line) > 0 && (line[0] == ' ' || line[0] == '\t') && inTrace:
		case hasPrefixFold(line, "Return-Path:"), hasPrefixFold(line, "Received:"), hasPrefixFold(line, "Authentication-Results:"):
			inTrace = true
		default:
			return raw[:i], raw[i:]
		}
		i += end + 2
	}
	return raw[:i], raw[i:]
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// --- IMAP, to move messages and to look ------------------------------------

// pop3IMAPIDs selects mailbox and returns Message-ID -> UID.
func pop3IMAPIDs(tb testing.TB, c *imapclient.Client, mailbox string) map[string]imap.UID {
	tb.Helper()
	sel, err := c.Select(mailbox, nil).Wait()
	if err != nil {
		tb.Fatalf("SELECT %s: %v", mailbox, err)
	}
	out := map[string]imap.UID{}
	if sel.NumMessages == 0 {
		return out
	}
	var ss imap.SeqSet
	ss.AddRange(1, 0)
	msgs, err := c.Fetch(ss, &imap.FetchOptions{UID: true, Envelope: true}).Collect()
	if err != nil {
		tb.Fatalf("FETCH 1:* ENVELOPE in %s: %v", mailbox, err)
	}
	for _, m := range msgs {
		if m.Envelope != nil {
			out[strings.Trim(m.Envelope.MessageID, "<>")] = m.UID
		}
	}
	return out
}

// pop3IMAPMove moves the message with msgID from one mailbox to another
// with IMAP UID MOVE.
func pop3IMAPMove(tb testing.TB, c *imapclient.Client, from, to, msgID string) {
	tb.Helper()
	uid, ok := pop3IMAPIDs(tb, c, from)[msgID]
	if !ok {
		tb.Fatalf("IMAP: no message <%s> in %s", msgID, from)
	}
	if _, err := c.Move(imap.UIDSetNum(uid), to).Wait(); err != nil {
		tb.Fatalf("IMAP UID MOVE %d %s (from %s): %v", uid, to, from, err)
	}
}

// --- a small POP3 client ------------------------------------------------------

const pop3IOTimeout = 60 * time.Second

type pop3Conn struct {
	conn     net.Conn
	r        *bufio.Reader
	greeting string
}

// pop3Dial connects to addr: mode "plain", "stls" (upgrade with STLS) or
// "ssl" (implicit TLS).
func pop3Dial(addr, mode string) (*pop3Conn, error) {
	d := &net.Dialer{Timeout: 10 * time.Second}
	var conn net.Conn
	var err error
	if mode == "ssl" {
		conn, err = tls.DialWithDialer(d, "tcp", addr, insecureTLS())
	} else {
		conn, err = d.Dial("tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	c := &pop3Conn{conn: conn, r: bufio.NewReaderSize(conn, 64*1024)}
	if c.greeting, err = c.readLine(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if !strings.HasPrefix(c.greeting, "+OK") {
		conn.Close()
		return nil, fmt.Errorf("greeting %q", c.greeting)
	}
	if mode == "stls" {
		if line, err := c.cmd("STLS"); err != nil {
			conn.Close()
			return nil, fmt.Errorf("STLS: %q %w", line, err)
		}
		tc := tls.Client(conn, insecureTLS())
		if err := tc.Handshake(); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS handshake after STLS: %w", err)
		}
		c.conn, c.r = tc, bufio.NewReaderSize(tc, 64*1024)
	}
	return c, nil
}

// pop3Login connects and logs in with USER/PASS, retrying for up to 5 s
// while an earlier session of the account is still [IN-USE].
func pop3Login(addr, mode, user string) (*pop3Conn, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := pop3Dial(addr, mode)
		if err != nil {
			return nil, err
		}
		err = c.login(user, testPassword)
		if err == nil {
			return c, nil
		}
		c.Close()
		if !strings.Contains(err.Error(), "[IN-USE]") || time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *pop3Conn) Close() error { return c.conn.Close() }

func (c *pop3Conn) readLine() (string, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(pop3IOTimeout))
	line, err := c.r.ReadString('\n')
	if err != nil {
		return line, err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

var errPOP3 = errors.New("-ERR")

// cmd sends one command and reads the one-line answer; err wraps errPOP3
// when the answer is -ERR.
func (c *pop3Conn) cmd(format string, args ...any) (string, error) {
	_ = c.conn.SetWriteDeadline(time.Now().Add(pop3IOTimeout))
	if _, err := fmt.Fprintf(c.conn, format+"\r\n", args...); err != nil {
		return "", err
	}
	line, err := c.readLine()
	if err != nil {
		return line, err
	}
	if !strings.HasPrefix(line, "+") {
		return line, fmt.Errorf("%w: %s", errPOP3, line)
	}
	return line, nil
}

// multi sends a command with a multi-line answer and returns the first
// line and the data (dot-unstuffed, CRLF line ends, without the final dot).
func (c *pop3Conn) multi(format string, args ...any) (string, []byte, error) {
	first, err := c.cmd(format, args...)
	if err != nil {
		return first, nil, err
	}
	data, err := c.readData(nil)
	return first, data, err
}

// readData reads a multi-line answer's data up to the terminating dot,
// appending to buf.
func (c *pop3Conn) readData(buf []byte) ([]byte, error) {
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(pop3IOTimeout))
		line, err := c.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			buf = append(buf, line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = c.r.ReadSlice('\n')
				buf = append(buf, line...)
			}
			if err != nil {
				return buf, err
			}
			continue
		}
		if err != nil {
			return buf, err
		}
		if len(line) >= 1 && line[0] == '.' {
			if string(line) == ".\r\n" || string(line) == ".\n" {
				return buf, nil
			}
			line = line[1:]
		}
		buf = append(buf, line...)
	}
}

func (c *pop3Conn) login(user, pass string) error {
	if _, err := c.cmd("USER %s", user); err != nil {
		return err
	}
	_, err := c.cmd("PASS %s", pass)
	return err
}
