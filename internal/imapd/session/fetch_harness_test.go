package session

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"postroom/internal/auth"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// The raw-protocol harness of the message commands: a real store and
// mail service (testbed), a session served over a loopback connection,
// and a client that sends lines and reads whole responses (literals
// inline), so tests compare exactly what the server writes.

type rawHarness struct {
	t    testing.TB
	bed  *testbed.Bed
	acct *store.Account
	cfg  *Config
}

func newRawHarness(t testing.TB) *rawHarness { return newRawHarnessWith(t, nil) }

// newRawHarnessWith is newRawHarness with bob's account changed by mod
// before it is stored (quota).
func newRawHarnessWith(t testing.TB, mod func(*store.Account)) *rawHarness {
	t.Helper()
	b := testbed.New(t)
	h := &rawHarness{t: t, bed: b}
	h.cfg = &Config{Mail: b.Mail, Auth: auth.NewAuthenticator(b.Store, false), Events: b.Bus,
		Hubs: &Hubs{}, MaxMessageSize: 1 << 20, Log: testbed.Quiet()}
	h.acct = b.Account("bob", mod)
	return h
}

// put stores a message (CRLF line ends) in a mailbox of bob's.
func (h *rawHarness) put(mailbox, raw string) *store.Message {
	h.t.Helper()
	return h.bed.Put(h.acct.ID, mailbox, strings.ReplaceAll(raw, "\n", "\r\n"))
}

func (h *rawHarness) mailbox(name string) *store.Mailbox {
	h.t.Helper()
	mb, err := h.bed.Store.MailboxByName(h.bed.Ctx, h.acct.ID, name)
	if err != nil {
		h.t.Fatal(err)
	}
	return mb
}

// rawClient is one connection speaking raw IMAP.
type rawClient struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

// dial starts a session on a loopback connection and logs bob in.
func (h *rawHarness) dial() *rawClient {
	h.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	defer l.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		New(h.cfg, c).Serve()
		c.Close()
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Close(); <-done })
	rc := &rawClient{t: h.t, c: c, br: bufio.NewReader(c)}
	if greet := rc.response(); !strings.HasPrefix(greet, "* OK") {
		h.t.Fatalf("greeting %q", greet)
	}
	rc.ok("L LOGIN bob@example.test " + strconv.Quote(testbed.Password))
	return rc
}

// response reads one response, literals included inline.
func (c *rawClient) response() string {
	c.t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(20 * time.Second))
	var b strings.Builder
	for {
		line, err := c.br.ReadString('\n')
		if err != nil {
			c.t.Fatalf("reading response: %v (so far %q)", err, b.String())
		}
		b.WriteString(line)
		trimmed := strings.TrimSuffix(line, "\r\n")
		if !strings.HasSuffix(trimmed, "}") {
			return strings.TrimSuffix(b.String(), "\r\n")
		}
		i := strings.LastIndexByte(trimmed, '{')
		if i < 0 {
			return strings.TrimSuffix(b.String(), "\r\n")
		}
		n, err := strconv.Atoi(strings.TrimSuffix(trimmed[i+1:len(trimmed)-1], "+"))
		if err != nil {
			return strings.TrimSuffix(b.String(), "\r\n")
		}
		lit := make([]byte, n)
		if _, err := io.ReadFull(c.br, lit); err != nil {
			c.t.Fatalf("reading literal: %v", err)
		}
		b.Write(lit)
	}
}

// send writes raw (CRLF added) and returns every response up to and
// including the tagged one of tag.
func (c *rawClient) send(tag, raw string) []string {
	c.t.Helper()
	if _, err := io.WriteString(c.c, raw+"\r\n"); err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for {
		r := c.response()
		out = append(out, r)
		if strings.HasPrefix(r, tag+" ") {
			return out
		}
	}
}

// ok sends a command whose tag is its first word and fails unless OK.
func (c *rawClient) ok(cmd string) []string {
	c.t.Helper()
	tag, _, _ := strings.Cut(cmd, " ")
	out := c.send(tag, cmd)
	if !strings.HasPrefix(out[len(out)-1], tag+" OK") {
		c.t.Fatalf("%s: %q", cmd, out)
	}
	return out
}

// continuation reads a "+ ..." line.
func (c *rawClient) continuation() {
	c.t.Helper()
	if r := c.response(); !strings.HasPrefix(r, "+") {
		c.t.Fatalf("expected continuation, got %q", r)
	}
}

func (c *rawClient) write(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.c, s); err != nil {
		c.t.Fatal(err)
	}
}

// expand replaces {UV:name} with the UIDVALIDITY of bob's mailbox name.
func (h *rawHarness) expand(s string) string {
	for {
		i := strings.Index(s, "{UV:")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}')
		name := s[i+4 : i+j]
		s = s[:i] + fmt.Sprint(h.mailbox(name).UIDValidity) + s[i+j+1:]
	}
}
