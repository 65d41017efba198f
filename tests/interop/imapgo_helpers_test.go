package interop

// Helpers for the IMAP tests written with the go-imap v2 client
// (imapgo_*_test.go). Every identifier here starts with "ig" so that it
// cannot collide with the other IMAP tests of this package.

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"golang.org/x/text/encoding/htmlindex"
)

// igMaxMessageSize is max_message_size of the shared IMAP server: small,
// so that a literal over APPENDLIMIT is cheap to send.
const igMaxMessageSize = 256 * 1024

// igTrace (IMAPGO_TRACE=1) logs every transcript, not only on failure.
var igTrace = os.Getenv("IMAPGO_TRACE") != ""

// igPushWait is how long a test waits for a change to reach another
// session before calling it missing. How long it took is logged, never
// asserted: a loaded machine may be slow, and speed is no test's verdict.
const igPushWait = 30 * time.Second

var igShared struct {
	once sync.Once
	srv  *Server
	err  error
}

// igServer returns the server the IMAP tests share (listeners smtp, imap,
// imaps; max_message_size 256 KiB). Tests create their own accounts. It is
// registered with the package's server registry so that TestMain stops it.
func igServer(tb testing.TB) *Server {
	tb.Helper()
	igShared.once.Do(func() {
		base, err := os.MkdirTemp(workDir, "imapgo-")
		if err != nil {
			igShared.err = err
			return
		}
		igShared.srv, igShared.err = setupServer(base, serverOptions{
			listen:         []string{"smtp", "imap", "imaps"},
			maxMessageSize: igMaxMessageSize,
		})
		if igShared.srv != nil {
			benchServers.Store("imapgo-shared", igShared.srv)
		}
	})
	if igShared.err != nil {
		tb.Fatalf("shared IMAP server: %v", igShared.err)
	}
	igShared.srv.logOnFailure(tb)
	if !igShared.srv.Running() {
		tb.Fatalf("the shared IMAP server is not running (it crashed in an earlier test?):\n%s", tail(igShared.srv.log.String(), 60))
	}
	igRequireNoPanic(tb, igShared.srv)
	return igShared.srv
}

// igRequireNoPanic fails the test at its end if the server logged a Go
// panic while it ran (go-imap's server recovers from a session's panic
// and drops only the connection, so the process survives it).
func igRequireNoPanic(tb testing.TB, s *Server) {
	mark := len(s.log.String())
	tb.Cleanup(func() {
		all := s.log.String()
		if mark > len(all) {
			mark = 0
		}
		if i := strings.Index(all[mark:], "panic"); i >= 0 {
			from := max(0, mark+i-200)
			to := min(len(all), mark+i+2000)
			tb.Errorf("the server logged a panic during this test:\n%s", all[from:to])
		}
	})
}

// igUser creates a fresh account on s and returns its address.
func igUser(tb testing.TB, s *Server, prefix string, extra ...string) string {
	tb.Helper()
	addr := uniqueAddr(prefix)
	s.AddUser(tb, addr, extra...)
	return addr
}

// --- the go-imap client ----------------------------------------------------

// igConn is a go-imap client with the transcript of its connection, shown
// when the test fails.
type igConn struct {
	*imapclient.Client
	name string
	log  *lockedBuffer
}

// igWordDecoder decodes RFC 2047 words in every charset the WHATWG index
// knows (EUC-KR, ks_c_5601-1987, ISO-2022-JP, ...), as a mail client does.
func igWordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(charset)
		if err != nil {
			return nil, err
		}
		return enc.NewDecoder().Reader(input), nil
	}}
}

type igDialMode int

const (
	igPlain    igDialMode = iota // the imap listener, no TLS
	igStartTLS                   // the imap listener, STARTTLS
	igImplicit                   // the imaps listener
)

// igDial connects to s without logging in. handler (may be nil) receives
// unilateral data.
func igDial(tb testing.TB, s *Server, name string, mode igDialMode, handler *imapclient.UnilateralDataHandler) *igConn {
	tb.Helper()
	log := &lockedBuffer{}
	opts := &imapclient.Options{
		TLSConfig:             insecureTLS(),
		DebugWriter:           log,
		WordDecoder:           igWordDecoder(),
		UnilateralDataHandler: handler,
		Dialer:                &net.Dialer{Timeout: 10 * time.Second},
	}
	var (
		c   *imapclient.Client
		err error
	)
	switch mode {
	case igPlain:
		c, err = imapclient.DialInsecure(s.Addr(tb, "imap"), opts)
	case igStartTLS:
		c, err = imapclient.DialStartTLS(s.Addr(tb, "imap"), opts)
	case igImplicit:
		c, err = imapclient.DialTLS(s.Addr(tb, "imaps"), opts)
	}
	if err != nil {
		tb.Fatalf("%s: connect: %v\ntranscript:\n%s", name, err, tail(log.String(), 40))
	}
	ic := &igConn{Client: c, name: name, log: log}
	tb.Cleanup(func() {
		if tb.Failed() || igTrace {
			tb.Logf("IMAP transcript of %s:\n%s", name, tail(ic.log.String(), 80))
		}
		c.Close()
	})
	if err := c.WaitGreeting(); err != nil {
		tb.Fatalf("%s: greeting: %v", name, err)
	}
	return ic
}

// igLogin connects over the plain imap listener (loopback) and logs in.
func igLogin(tb testing.TB, s *Server, name, addr string, handler *imapclient.UnilateralDataHandler) *igConn {
	tb.Helper()
	c := igDial(tb, s, name, igPlain, handler)
	if err := c.Login(addr, testPassword).Wait(); err != nil {
		tb.Fatalf("%s: LOGIN %s: %v", name, addr, err)
	}
	return c
}

// igSelect selects a mailbox and fails the test when that fails.
func (c *igConn) igSelect(tb testing.TB, mailbox string) *imap.SelectData {
	tb.Helper()
	data, err := c.Select(mailbox, nil).Wait()
	if err != nil {
		tb.Fatalf("%s: SELECT %q: %v", c.name, mailbox, err)
	}
	return data
}

// igAppend appends msg and returns the APPENDUID data.
func (c *igConn) igAppend(tb testing.TB, mailbox string, msg []byte, opts *imap.AppendOptions) *imap.AppendData {
	tb.Helper()
	data, err := igTryAppend(c, mailbox, msg, opts)
	if err != nil {
		tb.Fatalf("%s: APPEND to %q (%d bytes): %v", c.name, mailbox, len(msg), err)
	}
	return data
}

func igTryAppend(c *igConn, mailbox string, msg []byte, opts *imap.AppendOptions) (*imap.AppendData, error) {
	cmd := c.Append(mailbox, int64(len(msg)), opts)
	_, werr := cmd.Write(msg)
	cerr := cmd.Close()
	data, err := cmd.Wait()
	if err != nil {
		return data, err
	}
	if werr != nil {
		return data, werr
	}
	return data, cerr
}

// igList runs LIST and returns the answers by mailbox name.
func (c *igConn) igList(tb testing.TB, ref, pattern string, opts *imap.ListOptions) map[string]*imap.ListData {
	tb.Helper()
	list, err := c.List(ref, pattern, opts).Collect()
	if err != nil {
		tb.Fatalf("%s: LIST %q %q: %v", c.name, ref, pattern, err)
	}
	m := map[string]*imap.ListData{}
	for _, d := range list {
		if _, dup := m[d.Mailbox]; dup {
			tb.Errorf("%s: LIST %q %q returned %q twice", c.name, ref, pattern, d.Mailbox)
		}
		m[d.Mailbox] = d
	}
	return m
}

// igFetch fetches a number set and fails the test on error.
func (c *igConn) igFetch(tb testing.TB, set imap.NumSet, opts *imap.FetchOptions) []*imapclient.FetchMessageBuffer {
	tb.Helper()
	msgs, err := c.Fetch(set, opts).Collect()
	if err != nil {
		tb.Fatalf("%s: FETCH %v: %v", c.name, set, err)
	}
	return msgs
}

// igFetchOne fetches one message by UID.
func (c *igConn) igFetchOne(tb testing.TB, uid imap.UID, opts *imap.FetchOptions) *imapclient.FetchMessageBuffer {
	tb.Helper()
	msgs := c.igFetch(tb, imap.UIDSetNum(uid), opts)
	for _, m := range msgs {
		if m.UID == uid {
			return m
		}
	}
	tb.Fatalf("%s: UID FETCH %d: no answer for that UID (got %d messages)", c.name, uid, len(msgs))
	return nil
}

// igFlagsOf fetches the flags of one message by UID.
func (c *igConn) igFlagsOf(tb testing.TB, uid imap.UID) []imap.Flag {
	tb.Helper()
	return c.igFetchOne(tb, uid, &imap.FetchOptions{UID: true, Flags: true}).Flags
}

// igStatus runs STATUS with MESSAGES, UNSEEN, UIDNEXT, UIDVALIDITY.
func (c *igConn) igStatus(tb testing.TB, mailbox string) *imap.StatusData {
	tb.Helper()
	data, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true, NumUnseen: true, UIDNext: true, UIDValidity: true}).Wait()
	if err != nil {
		tb.Fatalf("%s: STATUS %q: %v", c.name, mailbox, err)
	}
	return data
}

// igUIDs returns UID SEARCH ALL of the selected mailbox.
func (c *igConn) igUIDs(tb testing.TB) []imap.UID {
	tb.Helper()
	data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		tb.Fatalf("%s: UID SEARCH ALL: %v", c.name, err)
	}
	return data.AllUIDs()
}

// igErr returns the IMAP status error inside err, or nil.
func igErr(err error) *imap.Error {
	var e *imap.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// igWantErr fails unless err is a tagged status of type typ ("NO" or
// "BAD"; "" accepts either) with response code code ("" accepts any).
func igWantErr(tb testing.TB, what string, err error, typ imap.StatusResponseType, code imap.ResponseCode) *imap.Error {
	tb.Helper()
	if err == nil {
		tb.Errorf("%s: got OK, want %s [%s]", what, igOr(string(typ), "NO/BAD"), code)
		return nil
	}
	e := igErr(err)
	if e == nil {
		tb.Errorf("%s: got a client/connection error %v, want a tagged %s [%s]", what, err, igOr(string(typ), "NO/BAD"), code)
		return nil
	}
	if typ != "" && e.Type != typ {
		tb.Errorf("%s: got %s [%s] %q, want %s [%s]", what, e.Type, e.Code, e.Text, typ, code)
	}
	if typ == "" && e.Type != imap.StatusResponseTypeNo && e.Type != imap.StatusResponseTypeBad {
		tb.Errorf("%s: got %s, want NO or BAD", what, e.Type)
	}
	if code != "" && e.Code != code {
		tb.Errorf("%s: got %s [%s] %q, want response code [%s]", what, e.Type, e.Code, e.Text, code)
	}
	return e
}

func igOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// igHasFlag reports whether flags holds f (system flags compare
// case-insensitively).
func igHasFlag(flags []imap.Flag, f imap.Flag) bool {
	for _, g := range flags {
		if strings.EqualFold(string(g), string(f)) {
			return true
		}
	}
	return false
}

// igSameFlags compares two flag sets, ignoring order, case and \Recent.
func igSameFlags(got []imap.Flag, want ...imap.Flag) bool {
	norm := func(fs []imap.Flag) []string {
		var out []string
		for _, f := range fs {
			if strings.EqualFold(string(f), `\Recent`) {
				continue
			}
			out = append(out, strings.ToLower(string(f)))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(got), norm(want))
}

func igHasAttr(attrs []imap.MailboxAttr, a imap.MailboxAttr) bool {
	for _, b := range attrs {
		if strings.EqualFold(string(a), string(b)) {
			return true
		}
	}
	return false
}

// igCapsExact returns the capability names exactly as listed (no
// implied capabilities, unlike imap.CapSet.Has).
func igCapsExact(caps imap.CapSet) map[string]bool {
	m := map[string]bool{}
	for c := range caps {
		m[strings.ToUpper(string(c))] = true
	}
	return m
}

// --- unilateral data ---------------------------------------------------------

// igRecorder collects what a server pushes to a session: EXISTS, EXPUNGE
// and FETCH (flags) responses.
type igRecorder struct {
	mu       sync.Mutex
	exists   []uint32
	expunges []uint32
	fetches  []igFetchEvent
	changed  chan struct{}
}

type igFetchEvent struct {
	Seq   uint32
	UID   imap.UID
	Flags []imap.Flag
}

func newIGRecorder() *igRecorder {
	return &igRecorder{changed: make(chan struct{}, 1)}
}

func (r *igRecorder) poke() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// handler returns the UnilateralDataHandler feeding r.
func (r *igRecorder) handler() *imapclient.UnilateralDataHandler {
	return &imapclient.UnilateralDataHandler{
		Expunge: func(seq uint32) {
			r.mu.Lock()
			r.expunges = append(r.expunges, seq)
			r.mu.Unlock()
			r.poke()
		},
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages == nil {
				return
			}
			r.mu.Lock()
			r.exists = append(r.exists, *d.NumMessages)
			r.mu.Unlock()
			r.poke()
		},
		Fetch: func(msg *imapclient.FetchMessageData) {
			buf, _ := msg.Collect()
			if buf == nil {
				return
			}
			r.mu.Lock()
			r.fetches = append(r.fetches, igFetchEvent{Seq: buf.SeqNum, UID: buf.UID, Flags: buf.Flags})
			r.mu.Unlock()
			r.poke()
		},
	}
}

func (r *igRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprintf("EXISTS %v, EXPUNGE %v, FETCH %+v", r.exists, r.expunges, r.fetches)
}

// reset forgets everything recorded so far.
func (r *igRecorder) reset() {
	r.mu.Lock()
	r.exists, r.expunges, r.fetches = nil, nil, nil
	r.mu.Unlock()
}

// waitFor waits until cond (called with r locked) holds, up to timeout;
// it returns how long that took and whether it happened.
func (r *igRecorder) waitFor(timeout time.Duration, cond func(r *igRecorder) bool) (time.Duration, bool) {
	start := time.Now()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		ok := cond(r)
		r.mu.Unlock()
		if ok {
			return time.Since(start), true
		}
		select {
		case <-r.changed:
		case <-deadline.C:
			r.mu.Lock()
			ok := cond(r)
			r.mu.Unlock()
			return time.Since(start), ok
		}
	}
}

// --- a raw IMAP connection ---------------------------------------------------

// igRaw speaks IMAP line by line, for input the go-imap client refuses to
// send (unknown commands, bad syntax, explicit CHARSET, oversized
// literals) and for checking the exact bytes of a response.
type igRaw struct {
	tb   testing.TB
	name string
	conn net.Conn
	br   *bufio.Reader
	log  *lockedBuffer
	n    int
}

// igRawResp is the answer to one command.
type igRawResp struct {
	Untagged []string // untagged lines, literals inlined
	Status   string   // OK, NO or BAD
	Code     string   // the response code's name, e.g. TRYCREATE
	Text     string   // the tagged line after the status
}

func (r igRawResp) String() string {
	return fmt.Sprintf("%s %s (untagged %q)", r.Status, r.Text, r.Untagged)
}

// igDialRaw connects (implicit TLS when tlsOn) and reads the greeting.
func igDialRaw(tb testing.TB, s *Server, name string, tlsOn bool) *igRaw {
	tb.Helper()
	var (
		conn net.Conn
		err  error
	)
	d := &net.Dialer{Timeout: 10 * time.Second}
	if tlsOn {
		conn, err = tls.DialWithDialer(d, "tcp", s.Addr(tb, "imaps"), insecureTLS())
	} else {
		conn, err = d.Dial("tcp", s.Addr(tb, "imap"))
	}
	if err != nil {
		tb.Fatalf("%s: connect: %v", name, err)
	}
	r := &igRaw{tb: tb, name: name, conn: conn, br: bufio.NewReader(conn), log: &lockedBuffer{}}
	tb.Cleanup(func() {
		if tb.Failed() || igTrace {
			tb.Logf("raw IMAP transcript of %s:\n%s", name, tail(r.log.String(), 80))
		}
		conn.Close()
	})
	greeting, err := r.readResp()
	if err != nil || !strings.HasPrefix(greeting, "* OK") {
		tb.Fatalf("%s: greeting %q, %v", name, greeting, err)
	}
	return r
}

// igLoginRaw connects over the plain listener and logs in with LOGIN.
func igLoginRaw(tb testing.TB, s *Server, name, addr string) *igRaw {
	tb.Helper()
	r := igDialRaw(tb, s, name, false)
	if resp := r.cmd(fmt.Sprintf("LOGIN %s %s", igQuote(addr), igQuote(testPassword))); resp.Status != "OK" {
		tb.Fatalf("%s: LOGIN: %s", name, resp)
	}
	return r
}

func igQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (r *igRaw) write(s string) {
	r.tb.Helper()
	fmt.Fprintf(r.log, "C: %s", igClip(s))
	if !strings.HasSuffix(s, "\n") || len(s) > 600 {
		r.log.Write([]byte("\n"))
	}
	r.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(r.conn, s); err != nil {
		r.tb.Fatalf("%s: write: %v", r.name, err)
	}
}

var igLiteralRe = regexp.MustCompile(`\{(\d+)\+?\}$`)

// readResp reads one response line, with any literals it announces
// inlined (without the CRLF at the end).
func (r *igRaw) readResp() (string, error) {
	r.conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	var out strings.Builder
	for {
		line, err := r.br.ReadString('\n')
		if err != nil {
			fmt.Fprintf(r.log, "S: %s <%v>\n", line, err)
			return out.String() + line, err
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		out.WriteString(line)
		m := igLiteralRe.FindStringSubmatch(line)
		if m == nil {
			fmt.Fprintf(r.log, "S: %s\n", igClip(out.String()))
			return out.String(), nil
		}
		n, _ := strconv.Atoi(m[1])
		lit := make([]byte, n)
		if _, err := io.ReadFull(r.br, lit); err != nil {
			return out.String(), err
		}
		out.Write([]byte("\r\n"))
		out.Write(lit)
	}
}

func igClip(s string) string {
	if len(s) > 600 {
		return s[:600] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

func (r *igRaw) nextTag() string {
	r.n++
	return fmt.Sprintf("r%d", r.n)
}

// cmd sends one command line (without tag and CRLF) and reads up to its
// tagged answer.
func (r *igRaw) cmd(line string) igRawResp {
	r.tb.Helper()
	tag := r.nextTag()
	r.write(tag + " " + line + "\r\n")
	return r.until(tag)
}

// until reads responses until the tagged one for tag.
func (r *igRaw) until(tag string) igRawResp {
	r.tb.Helper()
	var resp igRawResp
	for {
		line, err := r.readResp()
		if err != nil {
			r.tb.Fatalf("%s: connection failed waiting for %s: %v (last %q; untagged so far %q)", r.name, tag, err, line, resp.Untagged)
		}
		if strings.HasPrefix(line, "* ") {
			resp.Untagged = append(resp.Untagged, line)
			continue
		}
		if strings.HasPrefix(line, "+") {
			r.tb.Fatalf("%s: unexpected continuation request %q while waiting for %s", r.name, line, tag)
		}
		t, rest, _ := strings.Cut(line, " ")
		if t != tag {
			r.tb.Fatalf("%s: got %q while waiting for tag %s", r.name, line, tag)
		}
		resp.Status, resp.Text, _ = strings.Cut(rest, " ")
		resp.Status = strings.ToUpper(resp.Status)
		if strings.HasPrefix(resp.Text, "[") {
			code := strings.TrimPrefix(resp.Text, "[")
			if i := strings.IndexAny(code, " ]"); i >= 0 {
				code = code[:i]
			}
			resp.Code = strings.ToUpper(code)
		}
		return resp
	}
}

// tryUntil is until with a deadline: ok is false when no tagged answer
// came within timeout (the connection stays usable). A continuation
// request ends the wait too, with Status "+".
func (r *igRaw) tryUntil(tag string, timeout time.Duration) (igRawResp, bool) {
	r.tb.Helper()
	var resp igRawResp
	for {
		r.conn.SetReadDeadline(time.Now().Add(timeout))
		line, err := r.br.ReadString('\n')
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && line == "" {
				fmt.Fprintf(r.log, "S: <nothing for %v>\n", timeout)
				return resp, false
			}
			r.tb.Fatalf("%s: connection failed waiting for %s: %v (last %q)", r.name, tag, err, line)
		}
		line = strings.TrimRight(line, "\r\n")
		fmt.Fprintf(r.log, "S: %s\n", igClip(line))
		if strings.HasPrefix(line, "* ") {
			resp.Untagged = append(resp.Untagged, line)
			continue
		}
		if strings.HasPrefix(line, "+") {
			resp.Status = "+"
			resp.Text = line
			return resp, true
		}
		t, rest, _ := strings.Cut(line, " ")
		if t != tag {
			r.tb.Fatalf("%s: got %q while waiting for tag %s", r.name, line, tag)
		}
		resp.Status, resp.Text, _ = strings.Cut(rest, " ")
		resp.Status = strings.ToUpper(resp.Status)
		if strings.HasPrefix(resp.Text, "[") {
			code := strings.TrimPrefix(resp.Text, "[")
			if i := strings.IndexAny(code, " ]"); i >= 0 {
				code = code[:i]
			}
			resp.Code = strings.ToUpper(code)
		}
		return resp, true
	}
}

// drain reads response lines until nothing comes for quiet or the
// connection ends; eof reports the latter.
func (r *igRaw) drain(quiet time.Duration) (lines []string, eof bool) {
	for {
		r.conn.SetReadDeadline(time.Now().Add(quiet))
		line, err := r.br.ReadString('\n')
		if line != "" {
			line = strings.TrimRight(line, "\r\n")
			fmt.Fprintf(r.log, "S: %s\n", igClip(line))
			lines = append(lines, line)
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return lines, false
			}
			return lines, true
		}
	}
}

// cmdLiteral sends "TAG prefix {N}", waits for the continuation, sends
// lit and then suffix and the CRLF, and returns the tagged answer. When the
// server answers the literal announcement with a tagged response instead
// of "+", that response is returned and lit is not sent.
func (r *igRaw) cmdLiteral(prefix string, lit []byte, suffix string) (igRawResp, bool) {
	r.tb.Helper()
	tag := r.nextTag()
	r.write(fmt.Sprintf("%s %s {%d}\r\n", tag, prefix, len(lit)))
	for {
		line, err := r.readResp()
		if err != nil {
			r.tb.Fatalf("%s: connection failed after a literal announcement: %v", r.name, err)
		}
		if strings.HasPrefix(line, "+") {
			break
		}
		if strings.HasPrefix(line, tag+" ") {
			// Refused before the data: parse as a tagged answer.
			resp := igRawResp{}
			_, rest, _ := strings.Cut(line, " ")
			resp.Status, resp.Text, _ = strings.Cut(rest, " ")
			resp.Status = strings.ToUpper(resp.Status)
			if strings.HasPrefix(resp.Text, "[") {
				code := strings.TrimPrefix(resp.Text, "[")
				if i := strings.IndexAny(code, " ]"); i >= 0 {
					code = code[:i]
				}
				resp.Code = strings.ToUpper(code)
			}
			return resp, false
		}
		// untagged data before the continuation: ignore
	}
	fmt.Fprintf(r.log, "C: <%d bytes of literal>%s\n", len(lit), suffix)
	r.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if _, err := r.conn.Write(append(append([]byte{}, lit...), []byte(suffix+"\r\n")...)); err != nil {
		r.tb.Fatalf("%s: write literal: %v", r.name, err)
	}
	return r.until(tag), true
}

// --- messages ------------------------------------------------------------------

// igMessage builds a small RFC 5322 message with CRLF line ends.
func igMessage(from, to, subject, msgID string, date time.Time, extraHeaders, body string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", subject)
	fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", msgID)
	b.WriteString(extraHeaders)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	if !strings.HasSuffix(body, "\n") {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// igEncodeEUCKR converts UTF-8 text to EUC-KR bytes.
func igEncodeEUCKR(tb testing.TB, s string) []byte {
	tb.Helper()
	enc, err := htmlindex.Get("euc-kr")
	if err != nil {
		tb.Fatal(err)
	}
	out, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatalf("EUC-KR encode %q: %v", s, err)
	}
	return out
}

// igEUCKRWord returns s as an RFC 2047 B-encoded word in EUC-KR.
func igEUCKRWord(tb testing.TB, s string) string {
	return "=?EUC-KR?B?" + base64.StdEncoding.EncodeToString(igEncodeEUCKR(tb, s)) + "?="
}

// igBase64Lines encodes b as base64 in 76-character lines, each ending
// with CRLF.
func igBase64Lines(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	for len(enc) > 76 {
		sb.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	if enc != "" {
		sb.WriteString(enc + "\r\n")
	}
	return sb.String()
}

// igMUTF7 encodes a mailbox name in modified UTF-7 (RFC 3501 5.1.3).
func igMUTF7(s string) string {
	var sb strings.Builder
	var pending []rune
	flush := func() {
		if len(pending) == 0 {
			return
		}
		u := utf16.Encode(pending)
		b := make([]byte, 0, 2*len(u))
		for _, c := range u {
			b = append(b, byte(c>>8), byte(c))
		}
		enc := base64.StdEncoding.WithPadding(base64.NoPadding).EncodeToString(b)
		sb.WriteString("&" + strings.ReplaceAll(enc, "/", ",") + "-")
		pending = nil
	}
	for _, r := range s {
		if r >= 0x20 && r <= 0x7e {
			flush()
			if r == '&' {
				sb.WriteString("&-")
			} else {
				sb.WriteRune(r)
			}
			continue
		}
		pending = append(pending, r)
	}
	flush()
	return sb.String()
}

// --- the CLI ---------------------------------------------------------------------

// igMailboxRow is one line of `postroom mailbox list ADDRESS`.
type igMailboxRow struct {
	Name     string
	Role     string
	Messages int
	Unseen   int
}

// igMailboxList runs `postroom mailbox list ADDRESS`.
func igMailboxList(tb testing.TB, s *Server, addr string) map[string]igMailboxRow {
	tb.Helper()
	out := s.MustCLI(tb, "mailbox list", addr)
	rows := map[string]igMailboxRow{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			tb.Fatalf("postroom mailbox list %s: line %q: want NAME<TAB>ROLE<TAB>MESSAGES<TAB>UNSEEN\n%s", addr, line, out)
		}
		msgs, err1 := strconv.Atoi(f[2])
		unseen, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil {
			tb.Fatalf("postroom mailbox list %s: line %q: MESSAGES/UNSEEN are not numbers", addr, line)
		}
		rows[f[0]] = igMailboxRow{Name: f[0], Role: f[1], Messages: msgs, Unseen: unseen}
	}
	return rows
}

// igLogLine is one line of `postroom user log ADDRESS`.
type igLogLine struct {
	Time     time.Time
	Protocol string
	IP       string
	Result   string
	Raw      string
}

// igAccessLog runs `postroom user log ADDRESS`.
func igAccessLog(tb testing.TB, s *Server, addr string) []igLogLine {
	tb.Helper()
	out := s.MustCLI(tb, "user log", addr)
	var lines []igLogLine
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			tb.Fatalf("postroom user log %s: line %q: want TIME<TAB>PROTOCOL<TAB>IP<TAB>ok|failed\n%s", addr, line, out)
		}
		t, err := time.Parse(time.RFC3339, f[0])
		if err != nil {
			t, err = time.Parse(time.RFC3339Nano, f[0])
		}
		if err != nil {
			tb.Fatalf("postroom user log %s: line %q: time is not RFC 3339: %v", addr, line, err)
		}
		lines = append(lines, igLogLine{Time: t, Protocol: f[1], IP: f[2], Result: f[3], Raw: line})
	}
	return lines
}

// igMXDeliver delivers a message to rcpt through the MX listener.
func igMXDeliver(tb testing.TB, s *Server, rcpt, subject string) string {
	tb.Helper()
	id := uniqueID("imapgo")
	msg := igMessage("<sender@remote.example>", "<"+rcpt+">", subject, id, time.Now(), "", "Delivered by the imapgo tests.\n")
	if r := mxSend(tb, s, "sender@remote.example", []string{rcpt}, msg); r.Code != 250 {
		tb.Fatalf("MX delivery to %s: %s", rcpt, r)
	}
	return id
}
