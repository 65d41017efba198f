package imapd

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"postroom/internal/blob"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// rawConn is a client that speaks IMAP line by line, for what the go-imap
// client will not send.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func (h *harness) raw(login bool) *rawConn {
	h.t.Helper()
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	c := &rawConn{t: h.t, conn: conn, r: bufio.NewReader(conn)}
	c.line()
	if login {
		c.cmd("l", "LOGIN bob@example.test pw")
	}
	return c
}

func (c *rawConn) line() string {
	c.t.Helper()
	l, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return strings.TrimRight(l, "\r\n")
}

// cmd sends one command line and returns its tagged response.
func (c *rawConn) cmd(tag, line string) string {
	c.t.Helper()
	fmt.Fprintf(c.conn, "%s %s\r\n", tag, line)
	return c.until(tag)
}

func (c *rawConn) until(tag string) string {
	c.t.Helper()
	for {
		if l := c.line(); strings.HasPrefix(l, tag+" ") {
			return l
		}
	}
}

// Client errors our session code decides get their RFC 5530 code, never
// the NO [SERVERBUG] the library gives any error it does not recognise:
// a PLAIN response that is not three NUL-separated fields is the client's
// BAD [CLIENTBUG], with or without an initial response, and LOGIN still
// works afterwards.
func TestAuthenticate_malformedPlainIsClientBug(t *testing.T) {
	h := start(t)
	c := h.raw(false)
	bad := base64.StdEncoding.EncodeToString([]byte("no separators"))
	if got := c.cmd("a", "AUTHENTICATE PLAIN "+bad); !strings.HasPrefix(got, "a BAD [CLIENTBUG]") {
		t.Errorf("AUTHENTICATE PLAIN with a malformed initial response: %q, want BAD [CLIENTBUG]", got)
	}
	fmt.Fprintf(c.conn, "b AUTHENTICATE PLAIN\r\n")
	if l := c.line(); !strings.HasPrefix(l, "+") {
		t.Fatalf("AUTHENTICATE PLAIN: %q, want a continuation", l)
	}
	fmt.Fprintf(c.conn, "%s\r\n", base64.StdEncoding.EncodeToString([]byte("a\x00b")))
	if got := c.until("b"); !strings.HasPrefix(got, "b BAD [CLIENTBUG]") {
		t.Errorf("AUTHENTICATE PLAIN with a malformed response: %q, want BAD [CLIENTBUG]", got)
	}
	if got := c.cmd("c", "LOGIN bob@example.test pw"); !strings.HasPrefix(got, "c OK") {
		t.Errorf("LOGIN after the malformed responses: %q", got)
	}
}

// CAPABILITY's APPENDLIMIT is the message limit the server enforces
// (max_message_size, RFC 7889 §3.1), like STATUS APPENDLIMIT; a message
// over it is NO [TOOBIG] whether its literal is synchronizing or not, and
// the session goes on.
func TestAppendLimit_isMaxMessageSize(t *testing.T) {
	h := start(t)
	c := h.client(nil)
	want := fmt.Sprintf("APPENDLIMIT=%d", h.srv.MaxMessageSize)
	caps, err := c.Capability().Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !caps.Has(imap.Cap(want)) {
		t.Errorf("CAPABILITY %v, want %s", caps, want)
	}
	r := h.raw(true)
	if got := r.cmd("a", "CAPABILITY"); !strings.HasPrefix(got, "a OK") {
		t.Fatal(got)
	}
	big := int(h.srv.MaxMessageSize) + 1
	fmt.Fprintf(r.conn, "b APPEND INBOX {%d}\r\n", big)
	if l := r.line(); strings.HasPrefix(l, "+") {
		io.WriteString(r.conn, strings.Repeat("x", big)+"\r\n")
		if got := r.until("b"); !strings.HasPrefix(got, "b NO [TOOBIG]") {
			t.Errorf("APPEND {%d}: %q, want NO [TOOBIG]", big, got)
		}
	} else if !strings.HasPrefix(l, "b NO [TOOBIG]") {
		t.Errorf("APPEND {%d}: %q, want NO [TOOBIG]", big, l)
	}
	fmt.Fprintf(r.conn, "c APPEND INBOX {%d+}\r\n%s\r\n", big, strings.Repeat("y", big))
	if got := r.until("c"); !strings.HasPrefix(got, "c NO [TOOBIG]") {
		t.Errorf("APPEND {%d+}: %q, want NO [TOOBIG]", big, got)
	}
	// Nothing of the literals was read as a command: NOOP's answer is the
	// next line.
	fmt.Fprintf(r.conn, "d NOOP\r\n")
	if got := r.line(); !strings.HasPrefix(got, "d OK") {
		t.Errorf("NOOP after the refused APPENDs: %q, want d OK", got)
	}
	if n := h.messages("INBOX"); n != 0 {
		t.Errorf("%d messages stored, want none", n)
	}
}

func (h *harness) messages(mailbox string) int64 {
	h.t.Helper()
	mb, err := h.st.MailboxByName(h.ctx, h.acct.ID, mailbox)
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := h.st.MailboxStatus(h.ctx, h.acct.ID, mb.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return st.Messages
}

// fullBlobs is a message-file store whose disk fills up on demand: then
// every Put fails as the filesystem backend's does when there is no room.
type fullBlobs struct {
	blob.Store
	full *atomic.Bool
}

func (b fullBlobs) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	if b.full.Load() {
		return "", 0, fmt.Errorf("blob put: %w: %w", blob.ErrFull,
			&fs.PathError{Op: "write", Path: "/data/blobs/tmp/put-1", Err: syscall.ENOSPC})
	}
	return b.Store.Put(ctx, r)
}

// fullStore is a database whose disk fills up on demand: then appending a
// message fails as SQLite's SQLITE_FULL does.
type fullStore struct {
	store.Store
	full *atomic.Bool
}

func (s fullStore) AppendMessage(ctx context.Context, m *store.NewMessage) (*store.Message, error) {
	if s.full.Load() {
		return nil, fmt.Errorf("%w: database or disk is full (13)", store.ErrFull)
	}
	return s.Store.AppendMessage(ctx, m)
}

// APPEND on a full disk (the message file or the database cannot be
// written) is the server's temporary trouble: NO [UNAVAILABLE], never
// NO [SERVERBUG] nor the account's OVERQUOTA; nothing is stored, and once
// there is room again the same APPEND works.
func TestAppend_fullDiskIsUnavailable(t *testing.T) {
	var blobsFull, dbFull atomic.Bool
	h := startWith(t, func(b *testbed.Bed) {
		b.Mail.Blobs = fullBlobs{b.Mail.Blobs, &blobsFull}
		b.Mail.Store = fullStore{b.Mail.Store, &dbFull}
	})
	c := h.client(nil)
	appendMsg := func() error {
		msg := "Subject: hello\r\n\r\n" + strings.Repeat("y", 2000) + "\r\n"
		cmd := c.Append("INBOX", int64(len(msg)), nil)
		cmd.Write([]byte(msg))
		cmd.Close()
		_, err := cmd.Wait()
		return err
	}
	for what, full := range map[string]*atomic.Bool{"message files": &blobsFull, "database": &dbFull} {
		full.Store(true)
		err := appendMsg()
		if err == nil || !strings.Contains(err.Error(), "NO [UNAVAILABLE]") {
			t.Errorf("APPEND with the %s' disk full: %v, want NO [UNAVAILABLE]", what, err)
		}
		full.Store(false)
	}
	if n := h.messages("INBOX"); n != 0 {
		t.Errorf("%d messages stored on a full disk, want none", n)
	}
	if err := appendMsg(); err != nil {
		t.Fatalf("APPEND once there is room again: %v", err)
	}
}
