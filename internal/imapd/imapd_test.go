package imapd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"postroom/internal/auth"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

type harness struct {
	*testbed.Bed
	t    *testing.T
	ctx  context.Context
	st   store.Store
	srv  *Server
	addr string
	acct *store.Account
}

func start(t *testing.T) *harness {
	t.Helper()
	return startWith(t, nil)
}

// startWith is start with the bed's services changed by configure before
// the server starts.
func startWith(t *testing.T, configure func(*testbed.Bed)) *harness {
	t.Helper()
	b := testbed.New(t)
	if configure != nil {
		configure(b)
	}
	h := &harness{Bed: b, t: t, ctx: b.Ctx, st: b.Store}
	h.srv = &Server{Mail: b.Mail, Events: b.Bus, Auth: auth.NewAuthenticator(b.Store, false),
		MaxMessageSize: 1 << 20, MaxConnsPerIP: 50, MaxConnsPerUser: 3, Log: testbed.Quiet()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.addr = l.Addr().String()
	go h.srv.Serve(l, false)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h.srv.Shutdown(ctx)
	})
	h.acct = b.Account("bob", nil)
	return h
}

// deliver stores a message into a mailbox the way the delivery pipeline
// does, without going through IMAP.
func (h *harness) deliver(mailbox, raw string) *store.Message { return h.Put(h.acct.ID, mailbox, raw) }

func (h *harness) client(handler *imapclient.UnilateralDataHandler) *imapclient.Client {
	h.t.Helper()
	c, err := imapclient.DialInsecure(h.addr, &imapclient.Options{UnilateralDataHandler: handler})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Close() })
	if err := c.Login("bob@example.test", "pw").Wait(); err != nil {
		h.t.Fatal(err)
	}
	return c
}

func TestIdle_deliveryAndOtherSessionsChangesArePushed(t *testing.T) {
	h := start(t)
	h.deliver("INBOX", "Subject: one\r\n\r\n1\r\n")
	exists := make(chan uint32, 10)
	expunged := make(chan uint32, 10)
	flags := make(chan []imap.Flag, 10)
	b := h.client(&imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
		Expunge: func(seq uint32) { expunged <- seq },
		Fetch: func(m *imapclient.FetchMessageData) {
			if buf, err := m.Collect(); err == nil && buf.Flags != nil {
				flags <- buf.Flags
			}
		},
	})
	if _, err := b.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := b.Idle()
	if err != nil {
		t.Fatal(err)
	}
	wait := func(what string, ch any) {
		t.Helper()
		timeout := time.After(30 * time.Second) // a missing push, not a slow one (speed is not asserted)
		switch ch := ch.(type) {
		case chan uint32:
			select {
			case <-ch:
			case <-timeout:
				t.Fatalf("no %s pushed during IDLE", what)
			}
		case chan []imap.Flag:
			select {
			case <-ch:
			case <-timeout:
				t.Fatalf("no %s pushed during IDLE", what)
			}
		}
	}
	h.deliver("INBOX", "Subject: two\r\n\r\n2\r\n")
	wait("EXISTS for a delivery", exists)

	a := h.client(nil)
	if _, err := a.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := a.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	wait("FETCH FLAGS for another session's STORE", flags)
	if err := a.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	wait("EXPUNGE for another session's EXPUNGE", expunged)
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	// After IDLE, B's view matches the store: one message, UID 2.
	msgs, err := b.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{UID: true}).Collect()
	if err != nil || len(msgs) != 1 || msgs[0].UID != 2 {
		t.Fatalf("fetch after idle: %v %+v", err, msgs)
	}
}

func TestSession_perUserConnectionLimit(t *testing.T) {
	h := start(t)
	for i := 0; i < 3; i++ {
		h.client(nil)
	}
	c, err := imapclient.DialInsecure(h.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Login("bob@example.test", "pw").Wait()
	if err == nil || !strings.Contains(err.Error(), "LIMIT") {
		t.Fatalf("fourth login: %v", err)
	}
}

func TestExamine_isReadOnly(t *testing.T) {
	h := start(t)
	h.deliver("INBOX", "Subject: one\r\n\r\nbody\r\n")
	c := h.client(nil)
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}}).Collect(); err != nil {
		t.Fatal(err)
	}
	err := c.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}}, nil).Close()
	if err == nil {
		t.Fatal("STORE in EXAMINE succeeded")
	}
	m, _ := h.st.MessageByUID(h.ctx, h.acct.ID, mustMailbox(h, "INBOX"), 1)
	if len(m.Flags) != 0 {
		t.Fatalf("read-only session changed flags: %v", m.Flags)
	}
}

func mustMailbox(h *harness, name string) int64 {
	mb, err := h.st.MailboxByName(h.ctx, h.acct.ID, name)
	if err != nil {
		h.t.Fatal(err)
	}
	return mb.ID
}

func TestShutdown_saysBYE(t *testing.T) {
	h := start(t)
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	n, _ := conn.Read(buf) // greeting
	if !strings.HasPrefix(string(buf[:n]), "* OK") {
		t.Fatalf("greeting %q", buf[:n])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	all, _ := io.ReadAll(conn)
	if !strings.Contains(string(all), "* BYE") {
		t.Fatalf("after shutdown the client read %q", all)
	}
}

func TestFetch_sequenceNumberBeyondTheMailboxIsBAD(t *testing.T) {
	h := start(t)
	h.deliver("INBOX", "Subject: one\r\n\r\n1\r\n")
	c := h.client(nil)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	_, err := c.Fetch(imap.SeqSetNum(5), &imap.FetchOptions{Flags: true}).Collect()
	if err == nil || !strings.Contains(err.Error(), "BAD") {
		t.Fatalf("FETCH 5 on a 1-message mailbox: %v", err)
	}
	if msgs, err := c.Fetch(imap.UIDSetNum(5), &imap.FetchOptions{Flags: true}).Collect(); err != nil || len(msgs) != 0 {
		t.Fatalf("UID FETCH of an unknown UID: %v %v", msgs, err)
	}
	if msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{Flags: true}).Collect(); err != nil || len(msgs) != 1 {
		t.Fatalf("the session goes on: %v %v", msgs, err)
	}
}

// The library refuses an over-limit APPEND without reading a LITERAL+
// literal, so the message's lines would run as commands; every literal
// must reach Append and be read there.
func TestAppend_overLimitLiteralPlusIsReadNotRun(t *testing.T) {
	h := start(t)
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(conn)
	r.ReadString('\n')
	fmt.Fprintf(conn, "a LOGIN bob@example.test pw\r\n")
	for l, _ := r.ReadString('\n'); !strings.HasPrefix(l, "a "); l, _ = r.ReadString('\n') {
	}
	body := "inj1 CREATE Injected\r\n" + strings.Repeat("x", int(h.srv.MaxMessageSize)) + "\r\n"
	fmt.Fprintf(conn, "b APPEND INBOX {%d+}\r\n%s\r\nc NOOP\r\n", len(body), body)
	var lines []string
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read: %v after %q", err, lines)
		}
		lines = append(lines, l)
		if strings.HasPrefix(l, "c ") {
			break
		}
	}
	all := strings.Join(lines, "")
	if !strings.Contains(all, "b NO [TOOBIG]") || strings.Contains(all, "inj1") {
		t.Fatalf("responses: %q", all)
	}
	if _, err := h.st.MailboxByName(h.ctx, h.acct.ID, "Injected"); err == nil {
		t.Fatal("a line of the message ran as a command")
	}
}
