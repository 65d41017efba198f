package interop

import (
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// imapErrorCase is one malformed or refused command and the answer it
// must get: a syntax error is BAD (RFC 9051 §7.1.5), a command the server
// understood and refuses is NO with its RFC 5530 code.
type imapErrorCase struct {
	what   string
	state  string // "preauth", "auth" or "selected"
	line   string
	status string // OK, NO or BAD
	code   string
}

var imapErrorCases = []imapErrorCase{
	{what: "AUTHENTICATE PLAIN with a response that is not three NUL-separated fields", state: "preauth",
		line: "AUTHENTICATE PLAIN " + base64.StdEncoding.EncodeToString([]byte("garbage")), status: "BAD", code: "CLIENTBUG"},
	{what: "AUTHENTICATE PLAIN with an authorization identity of another user", state: "preauth",
		line: "AUTHENTICATE PLAIN " + base64.StdEncoding.EncodeToString([]byte("other@example.test\x00x@example.test\x00pw")), status: "NO", code: "AUTHORIZATIONFAILED"},
	{what: "LOGIN with a wrong password", state: "preauth", line: `LOGIN "nobody@example.test" "wrong"`, status: "NO", code: "AUTHENTICATIONFAILED"},
	{what: "an AUTHENTICATE initial response that is not base64", state: "preauth", line: "AUTHENTICATE PLAIN !!!", status: "BAD"},
	{what: "an unknown command before login", state: "preauth", line: "FROBNICATE", status: "BAD"},
	{what: "SELECT of a missing folder", state: "auth", line: `SELECT "Nowhere"`, status: "NO", code: "NONEXISTENT"},
	{what: "STATUS of a missing folder", state: "auth", line: `STATUS "Nowhere" (MESSAGES)`, status: "NO", code: "NONEXISTENT"},
	{what: "CREATE of an existing folder", state: "auth", line: `CREATE "Sent"`, status: "NO", code: "ALREADYEXISTS"},
	{what: "CREATE with a level of dots", state: "auth", line: `CREATE "../x"`, status: "NO", code: "CANNOT"},
	{what: "CREATE with an empty level", state: "auth", line: `CREATE "a//b"`, status: "NO", code: "CANNOT"},
	{what: "CREATE with a special use we do not keep", state: "auth", line: `CREATE "Every" (USE (\All))`, status: "NO", code: "USEATTR"},
	{what: "DELETE of a special folder", state: "auth", line: `DELETE "Trash"`, status: "NO", code: "CANNOT"},
	{what: "RENAME of a special folder", state: "auth", line: `RENAME "Sent" "Elsewhere"`, status: "NO", code: "CANNOT"},
	{what: "APPEND to a missing folder", state: "auth", line: "APPEND \"Nowhere\" {1+}\r\nx", status: "NO", code: "TRYCREATE"},
	// RFC 9051 §4.3: a literal is CHAR8, no NUL; a literal8 may hold it
	// (RFC 3516 §4.2), and the message is stored as sent.
	{what: "APPEND of a literal with NUL", state: "auth", line: "APPEND INBOX {3+}\r\na\x00b", status: "BAD"},
	{what: "APPEND of a literal8 with NUL", state: "auth", line: "APPEND INBOX ~{20+}\r\nSubject: b\r\n\r\na\x00b\r\n", status: "OK", code: "APPENDUID"},
	{what: "a mailbox name that is not modified UTF-7", state: "auth", line: `SELECT "&Jjo"`, status: "BAD"},
	{what: "a mailbox name that is not modified UTF-7, in CREATE", state: "auth", line: `CREATE "&Jjo"`, status: "BAD"},
	{what: "a mailbox name that is not modified UTF-7, in a LIST pattern", state: "auth", line: `LIST "" "&Jjo"`, status: "BAD"},
	{what: "a mailbox name that is not UTF-8", state: "auth", line: "CREATE \"\xff\xfe\"", status: "BAD"},
	{what: "an APPEND date-time that is no date-time", state: "auth", line: "APPEND INBOX \"32-Jan-2026 00:00:00 +0900\" {1+}\r\nx", status: "BAD"},
	{what: "FETCH beyond the mailbox", state: "selected", line: "FETCH 99 FLAGS", status: "BAD", code: "CLIENTBUG"},
	{what: "COPY into a missing folder", state: "selected", line: `COPY 1 "Nowhere"`, status: "NO", code: "TRYCREATE"},
	{what: "SEARCH in a charset other than UTF-8", state: "selected", line: "SEARCH CHARSET EUC-KR TEXT x", status: "NO", code: "BADCHARSET"},
	{what: "a sequence set with 0", state: "selected", line: "FETCH 0 FLAGS", status: "BAD"},
	{what: "a UID set with 0", state: "selected", line: "UID FETCH 0:* FLAGS", status: "BAD"},
	{what: "a sequence number over 2^32-1", state: "selected", line: "STORE 4294967296 +FLAGS (\\Seen)", status: "BAD"},
	{what: "a UID EXPUNGE set with 0", state: "selected", line: "UID EXPUNGE 0", status: "BAD"},
	{what: "an unknown SEARCH key", state: "selected", line: "SEARCH FRESHER 10", status: "BAD"},
	{what: "a SEARCH date that is no date", state: "selected", line: "SEARCH BEFORE 32-Jan-2026", status: "BAD"},
	{what: "a SEARCH nested more than 64 deep", state: "selected", line: "SEARCH " + strings.Repeat("(", 1001) + "ALL" + strings.Repeat(")", 1001), status: "BAD"},
	// a line over the 64 KiB limit is skipped to its end, never held
	// whole in memory, and refused; the session goes on
	{what: "a command longer than 64 KiB", state: "selected", line: "SEARCH " + strings.Repeat("ALL ", 17000) + "ALL", status: "BAD"},
}

// TestIMAPGoClientErrors: malformed and refused commands, sent as they
// are over a raw connection, get a tagged NO or BAD with the RFC 5530 code
// of what went wrong, and the session goes on.
func TestIMAPGoClientErrors(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-errors")
	igMXDeliver(t, s, user, "one")
	conns := map[string]*igRaw{}
	conn := func(state string) *igRaw {
		if r := conns[state]; r != nil {
			return r
		}
		var r *igRaw
		if state == "preauth" {
			r = igDialRaw(t, s, "errors-"+state, false)
		} else {
			r = igLoginRaw(t, s, "errors-"+state, user)
		}
		if state == "selected" {
			if resp := r.cmd("SELECT INBOX"); resp.Status != "OK" {
				t.Fatalf("SELECT INBOX: %s", resp)
			}
		}
		conns[state] = r
		return r
	}
	for _, c := range imapErrorCases {
		r := conn(c.state)
		resp := r.cmd(c.line)
		if resp.Status != c.status || resp.Code != c.code {
			t.Errorf("%s (%.60q): %s [%s] %s, want %s [%s]", c.what, c.line, resp.Status, resp.Code, resp.Text, c.status, c.code)
		}
		// The session goes on: nothing of the command was left to run.
		if got := r.cmd("NOOP"); got.Status != "OK" {
			t.Fatalf("NOOP after %s: %s", c.what, got)
		}
	}
	if r := conn("preauth"); r.cmd(fmt.Sprintf("LOGIN %s %s", igQuote(user), igQuote(testPassword))).Status != "OK" {
		t.Errorf("LOGIN after the refused commands failed")
	}
	if !s.Running() {
		t.Fatal("the server exited")
	}
}

// TestImaplibAuthenticateMalformed: Python's imaplib, answering the PLAIN
// continuation with something that is not three NUL-separated fields, gets
// BAD [CLIENTBUG] (not NO [SERVERBUG]), and can log in on the same
// connection afterwards.
func TestImaplibAuthenticateMalformed(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-auth-bad")
	s.AddUser(t, user)
	r := runImapPy(t, s.imapPyParams(t, "plain", ""),
		pyOp("bad", "authenticate", "mechanism", "PLAIN", "response_b64", base64.StdEncoding.EncodeToString([]byte("no separators"))),
		pyOp("good", "login", "user", user, "password", testPassword),
	)
	requireImapPyOK(t, "AUTHENTICATE PLAIN malformed", r)
	if o := r.op(t, "bad"); o.Typ == "OK" || !strings.Contains(o.Error, "BAD") || !strings.Contains(o.Error, "[CLIENTBUG]") {
		t.Errorf("AUTHENTICATE PLAIN with a malformed response: %s, want BAD [CLIENTBUG]", o)
	}
	r.ok(t, "good")
}

// TestIMAPAppendOverTheLimit: at the default max_message_size (50 MiB),
// CAPABILITY says APPENDLIMIT=52428800 (RFC 7889), and a 60 MB APPEND is
// NO [TOOBIG] with the connection kept, whether imaplib sends it (a
// synchronizing literal) or the go-imap client (LITERAL+); nothing is
// stored and the next command works.
func TestIMAPAppendOverTheLimit(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap"}})
	user := uniqueAddr("append-60mb")
	s.AddUser(t, user)
	const limit, size = 50 << 20, 60_000_000
	r := runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("big", "append", "mailbox", "INBOX", "message_size", size),
		pyOp("noop", "noop"),
		pyOp("small", "append", "mailbox", "INBOX", "message_size", 1000),
	)
	requireImapPyOK(t, "60 MB APPEND", r)
	want := fmt.Sprintf("APPENDLIMIT=%d", limit)
	found := false
	for _, c := range r.Info.CapsAfterLogin {
		found = found || strings.EqualFold(c, want)
	}
	if !found {
		t.Errorf("imaplib: CAPABILITY after login %v, want %s", r.Info.CapsAfterLogin, want)
	}
	if o := r.op(t, "big"); o.Typ == "OK" || !strings.Contains(o.Error+fmt.Sprint(o.Data), "[TOOBIG]") {
		t.Errorf("imaplib: APPEND of %d octets: %s, want NO [TOOBIG]", size, o)
	}
	r.ok(t, "noop")
	r.ok(t, "small")

	c := igLogin(t, s, "append-60mb", user, nil)
	if !c.Caps().Has(imap.Cap(want)) {
		t.Errorf("go-imap: capabilities %v, want %s", c.Caps(), want)
	}
	msg := append([]byte("Subject: big\r\n\r\n"), []byte(strings.Repeat(strings.Repeat("z", 998)+"\r\n", size/1000))...)
	cmd := c.Append("INBOX", int64(len(msg)), nil)
	_, werr := cmd.Write(msg)
	cerr := cmd.Close()
	_, err := cmd.Wait()
	if werr != nil || cerr != nil {
		t.Errorf("go-imap: sending the %d-octet APPEND: write %v, close %v", len(msg), werr, cerr)
	}
	igWantErr(t, "go-imap: APPEND of 60 MB", err, imap.StatusResponseTypeNo, imap.ResponseCodeTooBig)
	if err := c.Noop().Wait(); err != nil {
		t.Errorf("go-imap: NOOP after the refused APPEND: %v", err)
	}
	if msgs := s.Messages(t, user, ""); len(msgs) != 1 {
		t.Errorf("INBOX holds %d messages, want only the small one", len(msgs))
	}
}

// TestIMAPFullDisk: with the data directory on a small tmpfs that is then
// filled, an APPEND from the go-imap client is NO [UNAVAILABLE] (the
// server's trouble, temporary: not SERVERBUG, not the account's
// OVERQUOTA), the session and the server go on, and once there is room
// the same APPEND is stored. Needs root to mount the tmpfs; where that is
// not allowed, internal/imapd's TestAppend_fullDiskIsUnavailable covers
// the same answer with a failing store.
func TestIMAPFullDisk(t *testing.T) {
	base := t.TempDir()
	data := filepath.Join(base, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", data).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs for the data directory (%v %s); TestAppend_fullDiskIsUnavailable in internal/imapd covers the answer", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", data).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", data, err, out)
		}
	})
	s, err := setupServer(base, serverOptions{listen: []string{"smtp", "imap"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop) // before the umount
	s.logOnFailure(t)
	user := uniqueAddr("full-disk")
	s.AddUser(t, user)
	c := igLogin(t, s, "full-disk", user, nil)
	msg := igMessage("a@remote.example", user, "full disk", uniqueID("full"), time.Now(), "", strings.Repeat("가나다라마바사 ", 20000))
	appendMsg := func() error {
		cmd := c.Append("INBOX", int64(len(msg)), nil)
		cmd.Write(msg)
		cmd.Close()
		_, err := cmd.Wait()
		return err
	}

	filler := filepath.Join(data, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(f, zeroReader{})
	f.Close()
	if err == nil || !strings.Contains(err.Error(), "no space") {
		t.Fatalf("filling the tmpfs: %d bytes, %v", n, err)
	}
	igWantErr(t, "APPEND on a full disk", appendMsg(), imap.StatusResponseTypeNo, imap.ResponseCodeUnavailable)
	if err := c.Noop().Wait(); err != nil {
		t.Errorf("NOOP after the refused APPEND: %v", err)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := appendMsg(); err != nil {
		t.Errorf("APPEND once there is room again: %v", err)
	}
	if msgs := s.Messages(t, user, ""); len(msgs) != 1 {
		t.Errorf("INBOX holds %d messages, want the one stored once there was room", len(msgs))
	}
	if !s.Running() {
		t.Fatal("the server exited on a full disk")
	}
}

// zeroReader reads zeros for ever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
