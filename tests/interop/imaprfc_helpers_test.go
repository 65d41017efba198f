package interop

// Helpers of the RFC conformance tests of issue 17 (imaprfc_*_test.go):
// a server running the new IMAP layer, a raw-line client that returns
// errors instead of failing (so that it can run in goroutines), and the
// matchers of the table-driven protocol tests. Identifiers start with
// "rfc" so that they cannot collide with the other IMAP tests.

import (
	"bufio"
	"compress/flate"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rfcLineWait is a failsafe against a server that never answers, far
// above any answer time; speed is asserted nowhere.
const rfcLineWait = 20 * time.Second

var rfcShared struct {
	once sync.Once
	srv  *Server
	err  error
}

// rfcServer returns the server the RFC tests share (smtp, imap, http).
func rfcServer(tb testing.TB) *Server {
	tb.Helper()
	rfcShared.once.Do(func() {
		base, err := os.MkdirTemp(workDir, "imaprfc-")
		if err != nil {
			rfcShared.err = err
			return
		}
		rfcShared.srv, rfcShared.err = setupServer(base, serverOptions{
			listen:         []string{"smtp", "imap", "http"},
			maxMessageSize: igMaxMessageSize,
		})
		if rfcShared.srv != nil {
			benchServers.Store("imaprfc-shared", rfcShared.srv)
		}
	})
	if rfcShared.err != nil {
		tb.Fatalf("RFC test server: %v", rfcShared.err)
	}
	rfcShared.srv.logOnFailure(tb)
	if !rfcShared.srv.Running() {
		tb.Fatalf("the RFC test server is not running (it crashed in an earlier test?):\n%s", tail(rfcShared.srv.log.String(), 60))
	}
	igRequireNoPanic(tb, rfcShared.srv)
	return rfcShared.srv
}

// --- the raw client ---------------------------------------------------------------

// rfcConn is one raw IMAP connection. Its methods return errors rather
// than failing the test, so that concurrent sessions can use it.
type rfcConn struct {
	name string
	conn net.Conn
	br   *bufio.Reader
	w    io.Writer
	fw   *flate.Writer // set after COMPRESS DEFLATE
	log  *lockedBuffer
	n    int
}

// rfcDial connects to the plain imap listener and reads the greeting.
func rfcDial(tb testing.TB, s *Server, name string) *rfcConn {
	tb.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr(tb, "imap"), rfcLineWait)
	if err != nil {
		tb.Fatalf("%s: connect: %v", name, err)
	}
	c := &rfcConn{name: name, conn: conn, br: bufio.NewReader(conn), w: conn, log: &lockedBuffer{}}
	tb.Cleanup(func() {
		if tb.Failed() || igTrace {
			tb.Logf("raw IMAP transcript of %s:\n%s", name, tail(c.log.String(), 120))
		}
		conn.Close()
	})
	line, err := c.readLine()
	if err != nil || !strings.HasPrefix(line, "* OK") {
		tb.Fatalf("%s: greeting %q, %v", name, line, err)
	}
	return c
}

// rfcLogin connects and logs addr in with LOGIN.
func rfcLogin(tb testing.TB, s *Server, name, addr string) *rfcConn {
	tb.Helper()
	c := rfcDial(tb, s, name)
	c.must(tb, "LOGIN "+igQuote(addr)+" "+igQuote(testPassword), rfcRe(`^\S+ OK`))
	return c
}

var rfcLiteralRe = regexp.MustCompile(`~?\{(\d+)\+?\}$`)

// readLine reads one response line with the literals it announces
// (literal8 too) inlined after their CRLF; the final CRLF is cut.
func (c *rfcConn) readLine() (string, error) {
	c.conn.SetReadDeadline(time.Now().Add(rfcLineWait))
	var out strings.Builder
	for {
		line, err := c.br.ReadString('\n')
		if err != nil {
			fmt.Fprintf(c.log, "S: %s <%v>\n", igClip(out.String()+line), err)
			return out.String() + line, fmt.Errorf("%s: read: %w", c.name, err)
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		out.WriteString(line)
		m := rfcLiteralRe.FindStringSubmatch(line)
		if m == nil {
			fmt.Fprintf(c.log, "S: %s\n", igClip(strconv.Quote(out.String())))
			return out.String(), nil
		}
		n, _ := strconv.Atoi(m[1])
		lit := make([]byte, n)
		if _, err := io.ReadFull(c.br, lit); err != nil {
			return out.String(), fmt.Errorf("%s: read literal: %w", c.name, err)
		}
		out.WriteString("\r\n")
		out.Write(lit)
	}
}

func (c *rfcConn) writeRaw(s string) error {
	fmt.Fprintf(c.log, "C: %s\n", igClip(strconv.Quote(s)))
	c.conn.SetWriteDeadline(time.Now().Add(rfcLineWait))
	if _, err := io.WriteString(c.w, s); err != nil {
		return fmt.Errorf("%s: write: %w", c.name, err)
	}
	if c.fw != nil {
		if err := c.fw.Flush(); err != nil { // Z_SYNC_FLUSH
			return fmt.Errorf("%s: flush: %w", c.name, err)
		}
	}
	return nil
}

var rfcSyncLiteralRe = regexp.MustCompile(`~?\{\d+\}\r\n`)

// send writes text (one or more command lines, CRLF added at the end);
// at every synchronising literal it waits for the continuation request.
// It reads until the tagged answer to the last line's tag and returns
// every line received (continuations included, the tagged one last).
func (c *rfcConn) send(text string) ([]string, error) {
	text += "\r\n"
	tag := rfcLastTag(text)
	var got []string
	for {
		loc := rfcSyncLiteralRe.FindStringIndex(text)
		if loc == nil {
			break
		}
		if err := c.writeRaw(text[:loc[1]]); err != nil {
			return got, err
		}
		text = text[loc[1]:]
		for { // up to the continuation request (or a refusal)
			line, err := c.readLine()
			got = append(got, line)
			if err != nil {
				return got, err
			}
			if strings.HasPrefix(line, "+") {
				break
			}
			if t, _, _ := strings.Cut(line, " "); t != "*" {
				return got, nil // tagged refusal of the literal
			}
		}
	}
	if err := c.writeRaw(text); err != nil {
		return got, err
	}
	for {
		line, err := c.readLine()
		got = append(got, line)
		if err != nil {
			return got, err
		}
		if t, _, _ := strings.Cut(line, " "); t == tag {
			return got, nil
		}
	}
}

// rfcLastTag returns the tag of the last command in text, skipping the
// contents of literals.
func rfcLastTag(text string) string {
	tag, start := "", true
	for len(text) > 0 {
		i := strings.Index(text, "\r\n")
		if i < 0 {
			i = len(text)
		}
		line := text[:i]
		if start {
			tag, _, _ = strings.Cut(line, " ")
		}
		text = text[min(i+2, len(text)):]
		if m := rfcLiteralRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			text = text[min(n, len(text)):]
			start = false // the command goes on after the literal
			continue
		}
		start = true
	}
	return tag
}

// tag returns a fresh tag.
func (c *rfcConn) tag() string {
	c.n++
	return fmt.Sprintf("%s%d", strings.ReplaceAll(c.name, " ", ""), c.n)
}

// cmd sends one command with a fresh tag; the tagged line is last.
func (c *rfcConn) cmd(line string) ([]string, error) {
	return c.send(c.tag() + " " + line)
}

// must is cmd that fails the test on an I/O error or when the lines do
// not match want (the tagged line is matched as "TAG " + rest, so use
// patterns such as `^\S+ OK`).
func (c *rfcConn) must(tb testing.TB, line string, want ...rfcMatch) []string {
	tb.Helper()
	got, err := c.cmd(line)
	if err != nil {
		tb.Fatalf("%s: %s: %v (got %q)", c.name, line, err, got)
	}
	if msg := rfcMatchLines(got, want, nil); msg != "" {
		tb.Fatalf("%s: %s: %s\ngot:\n%s", c.name, line, msg, strings.Join(got, "\n"))
	}
	return got
}

// compress sends COMPRESS DEFLATE and, on OK, switches both directions to
// raw DEFLATE (RFC 4978 §3: after the tagged OK, both sides compress).
func (c *rfcConn) compress() ([]string, error) {
	got, err := c.cmd("COMPRESS DEFLATE")
	if err != nil {
		return got, err
	}
	if _, rest, _ := strings.Cut(got[len(got)-1], " "); !strings.HasPrefix(rest, "OK") {
		return got, fmt.Errorf("COMPRESS refused: %q", got[len(got)-1])
	}
	buffered, _ := c.br.Peek(c.br.Buffered())
	c.br = bufio.NewReader(flate.NewReader(io.MultiReader(strings.NewReader(string(buffered)), c.conn)))
	fw, _ := flate.NewWriter(c.conn, flate.DefaultCompression)
	c.fw, c.w = fw, fw
	return got, nil
}

// --- matching ----------------------------------------------------------------

// rfcMatch is one expected server line.
type rfcMatch struct {
	exact string
	re    *regexp.Regexp
	has   []string // every one a substring of the line, with re the prefix
}

func (m rfcMatch) String() string {
	switch {
	case m.has != nil:
		return fmt.Sprintf("line matching %q holding %q", m.re, m.has)
	case m.re != nil:
		return fmt.Sprintf("line matching %q", m.re)
	}
	return fmt.Sprintf("line %q", m.exact)
}

func (m rfcMatch) ok(line string) bool {
	if m.re == nil {
		return line == m.exact
	}
	if !m.re.MatchString(line) {
		return false
	}
	for _, h := range m.has {
		if !strings.Contains(line, h) {
			return false
		}
	}
	return true
}

// rfcIs expects a line exactly.
func rfcIs(line string) rfcMatch { return rfcMatch{exact: line} }

// rfcRe expects a line matching a regexp (for UIDVALIDITY, MODSEQ, dates).
func rfcRe(expr string) rfcMatch { return rfcMatch{re: regexp.MustCompile(expr)} }

// rfcHas expects a line matching prefix (a regexp) and containing every
// part, in any order (items whose order the RFC leaves free).
func rfcHas(prefix string, parts ...string) rfcMatch {
	return rfcMatch{re: regexp.MustCompile(prefix), has: append([]string{}, parts...)}
}

// rfcMatchLines checks that want matches distinct lines of got in order
// (other lines may come between) and that no line matches a not pattern;
// it returns "" or what is wrong.
func rfcMatchLines(got []string, want, not []rfcMatch) string {
	i := 0
	for _, w := range want {
		for i < len(got) && !w.ok(got[i]) {
			i++
		}
		if i == len(got) {
			return "missing (in this order) " + w.String()
		}
		i++
	}
	for _, n := range not {
		for _, l := range got {
			if n.ok(l) {
				return fmt.Sprintf("unexpected %q (%s)", l, n)
			}
		}
	}
	return ""
}

// rfcNumber returns the first submatch of expr among lines as a number,
// or fails the test.
func rfcNumber(tb testing.TB, lines []string, expr string) uint64 {
	tb.Helper()
	re := regexp.MustCompile(expr)
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			n, err := strconv.ParseUint(m[1], 10, 64)
			if err == nil {
				return n
			}
		}
	}
	tb.Fatalf("no line matches %q in:\n%s", expr, strings.Join(lines, "\n"))
	return 0
}

// --- the fixture ---------------------------------------------------------------

// rfcFixtureMsgs are the three INBOX messages every RFC case starts
// with, appended in this order (UIDs 1, 2, 3): dates in other zones than
// UTC, an address with comments, Korean subjects (raw UTF-8 and an
// encoded word), a reply thread, flags and a keyword.
var rfcFixtureMsgs = []struct {
	flags, date string
	raw         string
}{
	{`(\Seen $Work)`, "15-Feb-2007 01:02:03 +0200",
		"From: Alice <alice@example.org>\r\nTo: rfc@example.test\r\nSubject: 가나다 first\r\n" +
			"Date: Thu, 15 Feb 2007 01:02:03 +0200\r\nMessage-ID: <m1@rfc.example>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\nHello binary world\r\n"},
	{`(\Flagged)`, "25-Mar-2007 00:00:00 +0200",
		"From: <user-from (comment)@ (comment) domain.org>\r\nTo: rfc@example.test\r\n" +
			"Subject: =?UTF-8?B?64KYIHNlY29uZA==?=\r\nDate: Sun, 25 Mar 2007 00:00:00 +0200\r\n" +
			"Message-ID: <m2@rfc.example>\r\n\r\nsecond body\r\n"},
	{`()`, "26-Mar-2007 12:00:00 -0700",
		"From: bob@example.org\r\nTo: rfc@example.test\r\nSubject: Re: 가나다 first\r\n" +
			"Date: Mon, 26 Mar 2007 12:00:00 -0700\r\nMessage-ID: <m3@rfc.example>\r\n" +
			"In-Reply-To: <m1@rfc.example>\r\nReferences: <m1@rfc.example>\r\n\r\nthird body\r\n"},
}

// rfcFolders are created by the fixture (modified UTF-7 of 프로젝트 and
// 프로젝트/회의록).
var rfcFolders = []string{igMUTF7("프로젝트"), igMUTF7("프로젝트/회의록")}

// rfcFixture creates a fresh account with the fixture and returns its
// address. The set-up session never selects INBOX, so the messages are
// \Recent to the first session that does.
func rfcFixture(tb testing.TB, s *Server) string {
	tb.Helper()
	addr := igUser(tb, s, "rfc")
	c := rfcLogin(tb, s, "setup", addr)
	for _, m := range rfcFixtureMsgs {
		c.must(tb, fmt.Sprintf("APPEND INBOX %s %q {%d+}\r\n%s", m.flags, m.date, len(m.raw), m.raw), rfcRe(`^\S+ OK`))
	}
	for _, f := range rfcFolders {
		c.must(tb, "CREATE "+igQuote(f), rfcRe(`^\S+ OK`))
	}
	c.must(tb, "LOGOUT", rfcRe(`^\* BYE`), rfcRe(`^\S+ OK`))
	return addr
}
