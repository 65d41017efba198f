package interop

// Helpers of the IMAP interop tests that drive Python's imaplib
// (py/imap_client.py), mbsync, and the go-imap v2 client for set-up,
// checks and benchmarks (imappy_*_test.go).

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// ipCaps are the capabilities the IMAP listener must announce after login.
var ipCaps = []string{"IMAP4rev1", "IMAP4rev2", "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "ESEARCH",
	"LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "STATUS=SIZE", "APPENDLIMIT", "LITERAL+", "UTF8=ACCEPT", "CHILDREN"}

// ipSpecialUse maps every account's special folders to their RFC 6154
// attribute.
var ipSpecialUse = map[string]string{
	"Sent": `\Sent`, "Drafts": `\Drafts`, "Trash": `\Trash`, "Spam": `\Junk`, "Archive": `\Archive`,
}

var imappyShared struct {
	once sync.Once
	srv  *Server
	err  error
}

// imappyServer returns the server the imappy tests share (listeners smtp,
// imap, imaps); each test makes its own accounts with uniqueAddr.
// TestMain's stopSharedServers stops it.
func imappyServer(tb testing.TB) *Server {
	tb.Helper()
	imappyShared.once.Do(func() {
		base, err := os.MkdirTemp(workDir, "imappy-")
		if err != nil {
			imappyShared.err = err
			return
		}
		imappyShared.srv, imappyShared.err = setupServer(base, serverOptions{listen: []string{"smtp", "imap", "imaps"}})
		if imappyShared.srv != nil {
			benchServers.Store("imappy-shared", imappyShared.srv)
		}
	})
	if imappyShared.err != nil {
		tb.Fatalf("imappy server: %v", imappyShared.err)
	}
	s := imappyShared.srv
	s.logOnFailure(tb)
	if !s.Running() {
		tb.Fatalf("the imappy server is not running (it crashed in an earlier test?):\n%s", tail(s.log.String(), 60))
	}
	return s
}

// --- py/imap_client.py ---------------------------------------------------

type imapPyResult struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Info  struct {
		Welcome        string   `json:"welcome"`
		TLSVersion     string   `json:"tls_version"`
		Caps           []string `json:"caps"`
		CapsTLS        []string `json:"caps_tls"`
		CapsAfterLogin []string `json:"caps_after_login"`
		Login          []any    `json:"login"`
		StartTLS       []any    `json:"starttls"`
	} `json:"info"`
	Results []imapPyOp `json:"results"`
}

type imapPyOp struct {
	ID          string              `json:"id"`
	Op          string              `json:"op"`
	Typ         string              `json:"typ"`
	Error       string              `json:"error"`
	Data        any                 `json:"data"`
	Caps        []string            `json:"caps"`
	Mailboxes   []imapPyMailbox     `json:"mailboxes"`
	Status      json.RawMessage     `json:"status"`
	Exists      int                 `json:"exists"`
	UIDValidity uint32              `json:"uidvalidity"`
	UIDNext     uint32              `json:"uidnext"`
	Codes       map[string][]string `json:"codes"`
	Messages    []imapPyMsg         `json:"messages"`
	Nums        []uint32            `json:"nums"`
	Expunged    []uint32            `json:"expunged"`
	Enabled     []string            `json:"enabled"`
}

type imapPyMailbox struct {
	Flags []string `json:"flags"`
	Delim string   `json:"delim"`
	Name  string   `json:"name"` // decoded from modified UTF-7
	Raw   string   `json:"raw"`  // as the server sent it
}

type imapPyMsg struct {
	Seq          uint32            `json:"seq"`
	UID          uint32            `json:"uid"`
	Flags        []string          `json:"flags"`
	InternalDate string            `json:"internaldate"`
	Size         int64             `json:"size"`
	Sections     map[string][]byte `json:"sections"` // base64 in JSON
}

func (o imapPyOp) String() string {
	return fmt.Sprintf("%s[%s] -> %s %v %s", o.Op, o.ID, o.Typ, o.Data, o.Error)
}

// statusItems decodes a STATUS result ({"MESSAGES": 2, ...}).
func (o imapPyOp) statusItems(tb testing.TB) map[string]int64 {
	tb.Helper()
	var m map[string]int64
	if err := json.Unmarshal(o.Status, &m); err != nil {
		tb.Fatalf("%s: status %s: %v", o, o.Status, err)
	}
	return m
}

// mailbox returns the listed mailbox with this (decoded) name, or nil.
func (o imapPyOp) mailbox(name string) *imapPyMailbox {
	for i := range o.Mailboxes {
		if o.Mailboxes[i].Name == name {
			return &o.Mailboxes[i]
		}
	}
	return nil
}

// op returns the result of the operation labelled id; it fails the test
// when there is none (the script stopped before it).
func (r imapPyResult) op(tb testing.TB, id string) imapPyOp {
	tb.Helper()
	for _, o := range r.Results {
		if o.ID == id {
			return o
		}
	}
	tb.Fatalf("no result for operation %q (the script stopped earlier?): error %q, results %v", id, r.Error, r.Results)
	return imapPyOp{}
}

// ok returns the result of operation id and fails the test unless the
// server answered OK.
func (r imapPyResult) ok(tb testing.TB, id string) imapPyOp {
	tb.Helper()
	o := r.op(tb, id)
	if o.Typ != "OK" {
		tb.Fatalf("%s: want OK", o)
	}
	return o
}

// pyOp makes one operation for imap_client.py: pyOp("sel", "select",
// "mailbox", "INBOX").
func pyOp(id, op string, kv ...any) map[string]any {
	m := map[string]any{"id": id, "op": op}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// imapPyParams returns connection parameters for imap_client.py: mode
// "plain" or "starttls" use the imap listener, "ssl" the imaps one.
func (s *Server) imapPyParams(tb testing.TB, mode, user string) map[string]any {
	tb.Helper()
	listener := "imap"
	if mode == "ssl" {
		listener = "imaps"
	}
	p := map[string]any{"host": "127.0.0.1", "port": s.Port(tb, listener), "mode": mode}
	if user != "" {
		p["user"], p["password"] = user, testPassword
	}
	return p
}

// runImapPy runs py/imap_client.py with these parameters and operations.
func runImapPy(tb testing.TB, params map[string]any, ops ...map[string]any) imapPyResult {
	tb.Helper()
	var res imapPyResult
	runPyOps(tb, "imap_client.py", params, ops, &res)
	for _, o := range res.Results {
		if o.Typ == "PARSE" || o.Typ == "ABORT" {
			tb.Errorf("imap_client.py: %s", o)
		}
	}
	return res
}

// requireImapPyOK fails unless the script connected, logged in and ran
// every operation (whatever the answers).
func requireImapPyOK(tb testing.TB, what string, r imapPyResult) {
	tb.Helper()
	if !r.OK {
		tb.Fatalf("%s: imap_client.py stopped: %s (results so far: %v)", what, r.Error, r.Results)
	}
}

// --- messages --------------------------------------------------------------

// ipDeliver sends msg to rcpt through the MX listener and fails unless 250.
func ipDeliver(tb testing.TB, s *Server, rcpt string, msg []byte) {
	tb.Helper()
	if r := mxSend(tb, s, "sender@remote.example", []string{rcpt}, msg); r.Code != 250 {
		tb.Fatalf("MX delivery to %s: %s", rcpt, r)
	}
}

// ipMessage makes a small text/plain message (UTF-8) with CRLF line
// ends; subject and body may hold any Unicode text.
func ipMessage(from, to, msgID, subject, body string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: <%s>\r\nTo: <%s>\r\n", from, to)
	fmt.Fprintf(&b, "Subject: %s\r\n", ipEncodeWord(subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", msgID)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	if !strings.HasSuffix(body, "\n") {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// ipEncodeWord returns s, or an RFC 2047 UTF-8 B word when s is not ASCII.
func ipEncodeWord(s string) string {
	for _, r := range s {
		if r >= 0x80 {
			return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
		}
	}
	return s
}

// ipDateTimeLayout is IMAP's date-time (RFC 9051 §9, RFC 3501 §9) without
// its quotes: the day is date-day-fixed, space-padded below 10
// (" 4-Dec-2026 14:09:44 +0000"), which Go writes as _2.
const ipDateTimeLayout = "_2-Jan-2006 15:04:05 -0700"

// ipParseDateTime parses an INTERNALDATE as imaplib hands it over (the
// quotes gone, a leading space kept on days 1 to 9).
func ipParseDateTime(s string) (time.Time, error) {
	return time.Parse(ipDateTimeLayout, s)
}

// ipMessageID returns the Message-ID (without <>) of a raw message.
func ipMessageID(raw []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		if name, val, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Message-ID") {
			return strings.Trim(strings.TrimSpace(val), "<>")
		}
	}
	return ""
}

// --- go-imap v2 client ------------------------------------------------------

// ipDial connects to the imap listener without TLS (loopback) and logs
// in; the connection is closed when the test ends.
func ipDial(tb testing.TB, s *Server, user string) *imapclient.Client {
	tb.Helper()
	c, err := imapclient.DialInsecure(s.Addr(tb, "imap"), nil)
	if err != nil {
		tb.Fatalf("IMAP connect: %v", err)
	}
	tb.Cleanup(func() { c.Close() })
	if err := c.Login(user, testPassword).Wait(); err != nil {
		tb.Fatalf("IMAP LOGIN %s: %v", user, err)
	}
	return c
}

// ipConnect connects to addr without TLS (loopback) and logs in; for
// goroutines, where the test cannot be failed.
func ipConnect(addr, user string) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		return nil, err
	}
	if err := c.Login(user, testPassword).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("LOGIN %s: %w", user, err)
	}
	return c, nil
}

// ipAppend appends msg to mailbox with flags and fails the test on error.
func ipAppend(tb testing.TB, c *imapclient.Client, mailbox string, msg []byte, flags ...imap.Flag) {
	tb.Helper()
	cmd := c.Append(mailbox, int64(len(msg)), &imap.AppendOptions{Flags: flags})
	if _, err := cmd.Write(msg); err != nil {
		tb.Fatalf("APPEND to %s: %v", mailbox, err)
	}
	if err := cmd.Close(); err != nil {
		tb.Fatalf("APPEND to %s: %v", mailbox, err)
	}
	if _, err := cmd.Wait(); err != nil {
		tb.Fatalf("APPEND to %s: %v", mailbox, err)
	}
}

// ipServerMsg is one message of a mailbox as seen over IMAP.
type ipServerMsg struct {
	UID   imap.UID
	Flags []string // sorted, without \Recent
	Raw   []byte
}

// ipSnapshot selects mailbox and returns its messages by Message-ID
// (fetching FLAGS, UID and the whole message with BODY.PEEK[]).
func ipSnapshot(tb testing.TB, c *imapclient.Client, mailbox string) map[string]ipServerMsg {
	tb.Helper()
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		tb.Fatalf("EXAMINE %s: %v", mailbox, err)
	}
	out := map[string]ipServerMsg{}
	if sel.NumMessages == 0 {
		return out
	}
	section := &imap.FetchItemBodySection{Peek: true}
	var ss imap.SeqSet
	ss.AddRange(1, 0)
	msgs, err := c.Fetch(ss, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		tb.Fatalf("FETCH 1:* in %s: %v", mailbox, err)
	}
	for _, m := range msgs {
		raw := m.FindBodySection(section)
		id := ipMessageID(raw)
		if id == "" {
			tb.Fatalf("%s: message UID %d has no Message-ID (%d bytes)", mailbox, m.UID, len(raw))
		}
		if _, dup := out[id]; dup {
			tb.Fatalf("%s: Message-ID <%s> twice", mailbox, id)
		}
		var flags []string
		for _, f := range m.Flags {
			if !strings.EqualFold(string(f), `\Recent`) {
				flags = append(flags, string(f))
			}
		}
		slices.Sort(flags)
		out[id] = ipServerMsg{UID: m.UID, Flags: flags, Raw: raw}
	}
	if len(msgs) != int(sel.NumMessages) {
		tb.Fatalf("%s: SELECT said %d messages, FETCH 1:* returned %d", mailbox, sel.NumMessages, len(msgs))
	}
	return out
}
