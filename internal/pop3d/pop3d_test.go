package pop3d

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
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
	b := testbed.New(t)
	h := &harness{Bed: b, t: t, ctx: b.Ctx, st: b.Store}
	h.srv = &Server{Hostname: "mx.example.test", Mail: b.Mail, Auth: auth.NewAuthenticator(b.Store, false),
		TLS: b.TLS("mx.example.test"), MaxConnsPerIP: 20, Log: testbed.Quiet()}
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

func (h *harness) deliver(raw string) *store.Message { return h.Put(h.acct.ID, "INBOX", raw) }

func (h *harness) setMode(mode string) {
	a, _ := h.st.Account(h.ctx, h.acct.ID)
	a.POP3Delete = mode
	if err := h.st.UpdateAccount(h.ctx, a); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) count(role store.Role) int {
	mb, _ := h.st.MailboxByRole(h.ctx, h.acct.ID, role)
	st, _ := h.st.MailboxStatus(h.ctx, h.acct.ID, mb.ID)
	return int(st.Messages)
}

type client struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func (h *harness) dial() *client {
	h.t.Helper()
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	c := &client{t: h.t, conn: conn, r: bufio.NewReader(conn)}
	if g := c.line(); !strings.HasPrefix(g, "+OK") {
		h.t.Fatalf("greeting %q", g)
	}
	return c
}

func (c *client) line() string {
	l, err := c.r.ReadString('\n')
	if err != nil {
		return "EOF"
	}
	return strings.TrimRight(l, "\r\n")
}

// cmd sends a command and returns the status line.
func (c *client) cmd(format string, args ...any) string {
	fmt.Fprintf(c.conn, format+"\r\n", args...)
	return c.line()
}

// multi reads a multi-line answer's lines until ".", undoing dot-stuffing.
func (c *client) multi() []string {
	var out []string
	for {
		l := c.line()
		if l == "." || l == "EOF" {
			return out
		}
		out = append(out, strings.TrimPrefix(l, "."))
	}
}

func (c *client) login() {
	c.t.Helper()
	if r := c.cmd("USER bob@example.test"); !strings.HasPrefix(r, "+OK") {
		c.t.Fatal(r)
	}
	if r := c.cmd("PASS pw"); !strings.HasPrefix(r, "+OK") {
		c.t.Fatal(r)
	}
}

func expect(t *testing.T, got, prefix string) {
	t.Helper()
	if !strings.HasPrefix(got, prefix) {
		t.Fatalf("got %q, want %q...", got, prefix)
	}
}

func TestAuthorization_statesAndRefusals(t *testing.T) {
	h := start(t)
	c := h.dial()
	expect(t, c.cmd("STAT"), "-ERR")
	expect(t, c.cmd("PASS pw"), "-ERR")
	expect(t, c.cmd("BOGUS"), "-ERR")
	expect(t, c.cmd("USER bob@example.test"), "+OK")
	expect(t, c.cmd("PASS wrong"), "-ERR [AUTH]")
	expect(t, c.cmd("AUTH PLAIN %s", base64.StdEncoding.EncodeToString([]byte("\x00bob@example.test\x00pw"))), "+OK")
	expect(t, c.cmd("USER x"), "-ERR")
	second := h.dial()
	second.cmd("USER bob@example.test")
	expect(t, second.cmd("PASS pw"), "-ERR [IN-USE]")
	expect(t, c.cmd("QUIT"), "+OK")
	// Once the first session ended, the lock is free.
	third := h.dial()
	third.login()

	a, _ := h.st.Account(h.ctx, h.acct.ID)
	a.ClientAccess = false
	h.st.UpdateAccount(h.ctx, a)
	off := h.dial()
	off.cmd("USER bob@example.test")
	if r := off.cmd("PASS pw"); !strings.HasPrefix(r, "-ERR [AUTH]") || !strings.Contains(r, "turned off") {
		t.Fatalf("clients off: %q", r)
	}
}

func TestAuthPlain_continuation(t *testing.T) {
	h := start(t)
	c := h.dial()
	expect(t, c.cmd("AUTH PLAIN"), "+ ")
	expect(t, c.cmd("%s", base64.StdEncoding.EncodeToString([]byte("\x00bob@example.test\x00pw"))), "+OK")
}

func TestTransaction_commands(t *testing.T) {
	h := start(t)
	first := h.deliver("Subject: one\r\n\r\nline1\r\n.leading dot\r\nline3\r\n")
	h.deliver("Subject: two\r\n\r\nbody\r\n")
	c := h.dial()
	c.login()
	h.deliver("Subject: during the session\r\n\r\nlater\r\n")
	expect(t, c.cmd("STAT"), fmt.Sprintf("+OK 2 %d", first.Size+int64(len("Subject: two\r\n\r\nbody\r\n"))))
	expect(t, c.cmd("LIST"), "+OK 2 messages")
	if l := c.multi(); len(l) != 2 || l[0] != fmt.Sprintf("1 %d", first.Size) {
		t.Fatalf("LIST %q", l)
	}
	expect(t, c.cmd("UIDL 1"), "+OK 1 "+h.uidl(first))
	expect(t, c.cmd("RETR 1"), fmt.Sprintf("+OK %d octets", first.Size))
	if body := c.multi(); strings.Join(body, "\n") != "Subject: one\n\nline1\n.leading dot\nline3" {
		t.Fatalf("RETR %q", body)
	}
	expect(t, c.cmd("TOP 1 1"), "+OK")
	if top := c.multi(); strings.Join(top, "\n") != "Subject: one\n\nline1" {
		t.Fatalf("TOP %q", top)
	}
	for _, bad := range []string{"RETR 0", "RETR 3", "RETR x", "TOP 1", "LIST 9", "DELE 7"} {
		expect(t, c.cmd("%s", bad), "-ERR")
	}
	expect(t, c.cmd("DELE 1"), "+OK")
	expect(t, c.cmd("RETR 1"), "-ERR")
	expect(t, c.cmd("STAT"), "+OK 1 ")
	expect(t, c.cmd("RSET"), "+OK maildrop has 2")
	expect(t, c.cmd("NOOP"), "+OK")
	expect(t, c.cmd("%s", strings.Repeat("X", 300)), "-ERR")
	expect(t, c.cmd("NOOP"), "+OK") // the session goes on
	// PIPELINING: several commands in one write, answers in order.
	fmt.Fprint(c.conn, "STAT\r\nUIDL 2\r\nNOOP\r\n")
	expect(t, c.line(), "+OK 2")
	expect(t, c.line(), "+OK 2 ")
	expect(t, c.line(), "+OK")
	expect(t, c.cmd("QUIT"), "+OK")
	if n := h.count(store.RoleInbox); n != 3 {
		t.Fatalf("inbox %d after a session without deletions", n)
	}
}

func TestDele_followsTheAccountSetting(t *testing.T) {
	cases := []struct {
		mode              string
		inbox, trash, pop int
	}{
		{store.POP3Keep, 2, 0, 1},
		{store.POP3Trash, 1, 1, 1},
		{store.POP3Delete, 1, 0, 1},
	}
	for _, cs := range cases {
		t.Run(cs.mode, func(t *testing.T) {
			h := start(t)
			h.setMode(cs.mode)
			h.deliver("Subject: a\r\n\r\na\r\n")
			h.deliver("Subject: b\r\n\r\nb\r\n")
			c := h.dial()
			c.login()
			expect(t, c.cmd("DELE 1"), "+OK")
			expect(t, c.cmd("QUIT"), "+OK")
			if in, tr := h.count(store.RoleInbox), h.count(store.RoleTrash); in != cs.inbox || tr != cs.trash {
				t.Fatalf("inbox %d trash %d, want %d %d", in, tr, cs.inbox, cs.trash)
			}
			c = h.dial()
			c.login()
			expect(t, c.cmd("STAT"), fmt.Sprintf("+OK %d ", cs.pop))
		})
	}
}

func TestDele_droppedConnectionDeletesNothing(t *testing.T) {
	h := start(t)
	h.setMode(store.POP3Delete)
	h.deliver("Subject: a\r\n\r\na\r\n")
	c := h.dial()
	c.login()
	expect(t, c.cmd("DELE 1"), "+OK")
	c.conn.Close()
	// The dropped session has ended once its lock is free: the next login
	// gets in instead of -ERR [IN-USE]. Only then is the inbox looked at.
	c = h.loginAfterInUse()
	expect(t, c.cmd("STAT"), "+OK 1 ")
	if n := h.count(store.RoleInbox); n != 1 {
		t.Fatalf("inbox %d after a dropped session", n)
	}
}

// loginAfterInUse logs in, trying again while the account's previous
// session has not ended yet (-ERR [IN-USE]).
func (h *harness) loginAfterInUse() *client {
	h.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		c := h.dial()
		expect(h.t, c.cmd("USER bob@example.test"), "+OK")
		r := c.cmd("PASS pw")
		if strings.HasPrefix(r, "+OK") {
			return c
		}
		if !strings.HasPrefix(r, "-ERR [IN-USE]") {
			h.t.Fatalf("login after a dropped session: %q", r)
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("still %q after 10 s: the dropped session never ended", r)
		}
		c.conn.Close()
		time.Sleep(10 * time.Millisecond) // a pause between polls, not a wait for the outcome
	}
}

// uidl is the UIDL the store gave m.
func (h *harness) uidl(m *store.Message) string {
	h.t.Helper()
	list, err := h.st.Listing(h.ctx, m.AccountID, m.MailboxID)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, e := range list {
		if e.ID == m.ID {
			return e.UIDL
		}
	}
	h.t.Fatalf("message %d is not in mailbox %d", m.ID, m.MailboxID)
	return ""
}

// A message's UIDL survives a move out of INBOX and back (by IMAP or the
// webmail): a "leave a copy on the server" client never downloads it twice.
func TestUIDL_stableAcrossMoves(t *testing.T) {
	h := start(t)
	m := h.deliver("Subject: a\r\n\r\na\r\n")
	c := h.dial()
	c.login()
	before := c.cmd("UIDL 1")
	expect(t, c.cmd("QUIT"), "+OK")
	in, _ := h.st.MailboxByRole(h.ctx, h.acct.ID, store.RoleInbox)
	arch, _ := h.st.MailboxByRole(h.ctx, h.acct.ID, store.RoleArchive)
	_, dst, err := h.Mail.Move(h.ctx, actor.User(h.acct), in.ID, arch.ID, []uint32{m.UID})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Mail.Move(h.ctx, actor.User(h.acct), arch.ID, in.ID, dst); err != nil {
		t.Fatal(err)
	}
	c = h.dial()
	c.login()
	expect(t, c.cmd("UIDL 1"), before)
}

// UIDLs are opaque (RFC 1939 §7 asks only that they be unique): not the
// global, sequential message id, which would tell each user how much mail
// the server takes in for every account.
func TestUIDL_isNotTheMessageID(t *testing.T) {
	h := start(t)
	other := h.Account("alice", nil)
	var mine []*store.Message
	for i := range 3 {
		h.Put(other.ID, "INBOX", "Subject: hers\r\n\r\nx\r\n")
		mine = append(mine, h.deliver(fmt.Sprintf("Subject: %d\r\n\r\nx\r\n", i)))
	}
	c := h.dial()
	c.login()
	expect(t, c.cmd("UIDL"), "+OK")
	lines := c.multi()
	seen := map[string]bool{}
	for i, l := range lines {
		_, u, _ := strings.Cut(l, " ")
		if u == fmt.Sprint(mine[i].ID) || u == fmt.Sprint(mine[i].UID) || seen[u] || u == "" {
			t.Errorf("UIDL line %q: message id %d, UID %d; want an opaque unique-id", l, mine[i].ID, mine[i].UID)
		}
		seen[u] = true
	}
	if len(lines) != 3 {
		t.Fatalf("UIDL listed %q, want 3 messages", lines)
	}
}

func TestSTLS_upgradesThenLogin(t *testing.T) {
	h := start(t)
	c := h.dial()
	expect(t, c.cmd("CAPA"), "+OK")
	if capa := strings.Join(c.multi(), " "); !strings.Contains(capa, "STLS") || !strings.Contains(capa, "UIDL") {
		t.Fatalf("CAPA %q", capa)
	}
	expect(t, c.cmd("STLS"), "+OK")
	tc := tls.Client(c.conn, &tls.Config{InsecureSkipVerify: true})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	c.conn, c.r = tc, bufio.NewReader(tc)
	c.login()
	expect(t, c.cmd("QUIT"), "+OK")
}
