package smtpd

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"postroom/internal/auth"
	"postroom/internal/deliver"
	"postroom/internal/send"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

type harness struct {
	*testbed.Bed
	t     *testing.T
	ctx   context.Context
	store store.Store
	srv   *Server
	addrs map[Role]string
}

func start(t *testing.T, mod func(*Server)) *harness {
	t.Helper()
	b := testbed.New(t)
	p := &deliver.Pipeline{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Hostname: "mx.example.test", Log: testbed.Quiet()}
	sender := &send.Service{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Pipeline: p, MaxMessageSize: 64 << 10, MaxRecipients: 10,
		Log: testbed.Quiet()}
	srv := &Server{Hostname: "mx.example.test", Deliver: p, Send: sender, Auth: auth.NewAuthenticator(b.Store, false), TLS: b.TLS("mx.example.test"),
		MaxMessageSize: 64 << 10, MaxRecipients: 10, MaxConnsPerIP: 20, Log: testbed.Quiet()}
	if mod != nil {
		mod(srv)
	}
	h := &harness{Bed: b, t: t, ctx: b.Ctx, store: b.Store, srv: srv, addrs: map[Role]string{}}
	var wg sync.WaitGroup
	for _, role := range []Role{RoleMX, RoleSubmission, RoleSubmissions} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		h.addrs[role] = l.Addr().String()
		wg.Add(1)
		go func() { defer wg.Done(); srv.Serve(l, role) }()
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		wg.Wait()
	})
	h.user("alice", nil)
	h.user("bob", nil)
	return h
}

func (h *harness) user(local string, mod func(*store.Account)) *store.Account {
	return h.Account(local, mod)
}

func (h *harness) count(addr string, role store.Role) int {
	a, err := h.store.AccountByAddress(h.ctx, addr)
	if err != nil {
		h.t.Fatal(err)
	}
	mb, _ := h.store.MailboxByRole(h.ctx, a.ID, role)
	st, _ := h.store.MailboxStatus(h.ctx, a.ID, mb.ID)
	return int(st.Messages)
}

var insecure = &tls.Config{InsecureSkipVerify: true}

func (h *harness) dial(role Role) *smtp.Client {
	h.t.Helper()
	var c *smtp.Client
	var err error
	switch role {
	case RoleSubmission:
		c, err = smtp.DialStartTLS(h.addrs[role], insecure)
	case RoleSubmissions:
		c, err = smtp.DialTLS(h.addrs[role], insecure)
	default:
		c, err = smtp.Dial(h.addrs[role])
	}
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Close() })
	if err := c.Hello("client.test"); err != nil {
		h.t.Fatal(err)
	}
	return c
}

// code returns "550 5.1.1" for an SMTP error, "" for nil.
func code(err error) string {
	if err == nil {
		return ""
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return fmt.Sprintf("%d %d.%d.%d", se.Code, se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
	}
	var r *Reply // the server's side
	if errors.As(err, &r) {
		return fmt.Sprintf("%d %d.%d.%d", r.Code, r.Enhanced[0], r.Enhanced[1], r.Enhanced[2])
	}
	return "error: " + err.Error()
}

func sendMail(c *smtp.Client, from string, to []string, msg string, opts *smtp.MailOptions) error {
	if err := c.Mail(from, opts); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	return w.Close()
}

const simple = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: test\r\n\r\nHello\r\n"

func TestMX_deliversAndRefuses(t *testing.T) {
	h := start(t, nil)
	h.user("off", func(a *store.Account) { a.Enabled = false })
	h.user("tiny", func(a *store.Account) { a.QuotaBytes = 10 })
	c := h.dial(RoleMX)
	if err := sendMail(c, "someone@remote.test", []string{"bob@example.test"}, simple, nil); err != nil {
		t.Fatal(err)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("bob has %d", n)
	}
	cases := []struct{ name, rcpt, want string }{
		{"unknownRecipient_550", "nobody@example.test", "550 5.1.1"},
		{"suspended_550", "off@example.test", "550 5.2.1"},
		{"overQuota_552", "tiny@example.test", "552 5.2.2"},
		{"relay_554", "victim@elsewhere.test", "554 5.7.1"},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			c.Reset()
			if err := c.Mail("someone@remote.test", &smtp.MailOptions{Size: 1000}); err != nil {
				t.Fatal(err)
			}
			if got := code(c.Rcpt(cs.rcpt, nil)); got != cs.want {
				t.Fatalf("got %q, want %q", got, cs.want)
			}
		})
	}
	t.Run("oversized_552_5.3.4", func(t *testing.T) {
		c.Reset()
		big := "Subject: big\r\n\r\n" + strings.Repeat(strings.Repeat("x", 76)+"\r\n", 1000)
		if got := code(sendMail(c, "s@remote.test", []string{"bob@example.test"}, big, nil)); got != "552 5.3.4" {
			t.Fatalf("got %q", got)
		}
		c.Reset()
		if got := code(c.Mail("s@remote.test", &smtp.MailOptions{Size: 1 << 30})); got != "552 5.3.4" {
			t.Fatalf("SIZE=: got %q", got)
		}
	})
	t.Run("noAuthOnMX", func(t *testing.T) {
		if ok, _ := c.Extension("AUTH"); ok {
			t.Fatal("MX offers AUTH")
		}
	})
	t.Run("overQuotaAtDATA_552", func(t *testing.T) {
		c.Reset()
		if got := code(sendMail(c, "s@remote.test", []string{"tiny@example.test"}, simple, nil)); got != "552 5.2.2" {
			t.Fatalf("got %q", got)
		}
	})
	if n := h.count("bob@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("bob has %d after refusals", n)
	}
}

func TestMX_nonASCIIAddressNeedsSMTPUTF8(t *testing.T) {
	h := start(t, nil)
	c := h.dial(RoleMX)
	if got := code(c.Mail("사용자@remote.test", nil)); got != "553 5.6.7" {
		t.Fatalf("without SMTPUTF8: %q", got)
	}
	c.Reset()
	if err := sendMail(c, "사용자@remote.test", []string{"bob@example.test"}, "Subject: 안녕\r\n\r\n본문\r\n", &smtp.MailOptions{UTF8: true}); err != nil {
		t.Fatalf("with SMTPUTF8: %v", err)
	}
}

func TestSubmission_authAndSendAs(t *testing.T) {
	h := start(t, nil)
	h.user("noclients", func(a *store.Account) { a.ClientAccess = false })
	c := h.dial(RoleSubmission)
	if got := code(c.Mail("alice@example.test", nil)); got != "530 5.7.0" {
		t.Fatalf("MAIL before AUTH: %q", got)
	}
	if got := code(c.Auth(sasl.NewPlainClient("", "alice@example.test", "wrong"))); got != "535 5.7.8" {
		t.Fatalf("wrong password: %q", got)
	}
	if err := c.Auth(sasl.NewLoginClient("alice@example.test", testbed.Password)); err != nil {
		t.Fatalf("AUTH LOGIN: %v", err)
	}
	if got := code(c.Mail("bob@example.test", nil)); got != "553 5.7.1" {
		t.Fatalf("MAIL FROM someone else: %q", got)
	}
	c.Reset()
	forged := "From: bob@example.test\r\nSubject: x\r\n\r\nx\r\n"
	if got := code(sendMail(c, "alice@example.test", []string{"bob@example.test"}, forged, nil)); got != "553 5.7.1" {
		t.Fatalf("forged From header: %q", got)
	}
	c.Reset()
	if err := sendMail(c, "alice@example.test", []string{"bob@example.test", "x@remote.test"}, simple, nil); err != nil {
		t.Fatal(err)
	}
	if h.count("bob@example.test", store.RoleInbox) != 1 || h.count("alice@example.test", store.RoleSent) != 1 {
		t.Fatal("local copy or Sent copy missing")
	}
	if q, _ := h.store.Queue(h.ctx); len(q) != 1 || q[0].Recipients[0].Address != "x@remote.test" {
		t.Fatalf("queue %+v", q)
	}
	t.Run("clientAccessOff", func(t *testing.T) {
		c := h.dial(RoleSubmissions)
		if err := c.Auth(sasl.NewPlainClient("", "noclients@example.test", testbed.Password)); code(err) != "535 5.7.8" ||
			!strings.Contains(err.Error(), "turned off") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("implicitTLSAuthPlain", func(t *testing.T) {
		c := h.dial(RoleSubmissions)
		if _, ok := c.TLSConnectionState(); !ok {
			t.Fatal("not TLS")
		}
		if err := c.Auth(sasl.NewPlainClient("", "Bob@Example.test", testbed.Password)); err != nil {
			t.Fatal(err)
		}
	})
}

// rawSession speaks SMTP by hand for what no client library sends.
type rawSession struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawSession {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	s := &rawSession{t: t, conn: conn, r: bufio.NewReader(conn)}
	s.reply() // greeting
	return s
}

// reply reads a whole (multi-line) reply and returns its last line.
func (s *rawSession) reply() string {
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return "EOF"
		}
		if len(line) < 4 || line[3] != '-' {
			return strings.TrimRight(line, "\r\n")
		}
	}
}

func (s *rawSession) cmd(line string) string {
	fmt.Fprint(s.conn, line)
	return s.reply()
}

func TestMX_garbageNeverCrashes(t *testing.T) {
	const chunk = "Subject: chunk\r\n\r\nbody\r\n"
	h := start(t, nil)
	s := dialRaw(t, h.addrs[RoleMX])
	for _, c := range []struct{ send, want string }{
		{"EHLO client.test\r\n", "250 "},
		{"HELLO?\r\n", "5"},
		{"\x00\x01\x02\r\n", "5"},
		{"EHLO x\r\n", "250 "},
		{"MAIL FROM:<a@remote.test>\r\n", "250 "},
		{"RCPT TO:<bob@example.test>\r\n", "250 "},
		{"DATA\r\n", "354 "},
		{"Subject: nul\r\n\r\na\x00b\r\n.\r\n", "554 5.6.0"},
		{"MAIL FROM:<a@remote.test>\r\n", "250 "},
		{"RCPT TO:<bob@example.test>\r\n", "250 "},
		{"DATA\r\n", "354 "},
		// Bare LF inside is kept (as CRLF); only CRLF.CRLF ends DATA, so "\n.\r\n" cannot smuggle a second message.
		{"Subject: bare lf\nX-8bit: \xbe\xc8\xb3\xe7\n\nline\n.\nMAIL FROM:<evil@x>\r\n.\r\n", "250 "},
		{"MAIL FROM:<a@remote.test>\r\n", "250 "},
		{"RCPT TO:<bob@example.test>\r\n", "250 "},
		{fmt.Sprintf("BDAT %d LAST\r\n%s", len(chunk), chunk), "250 "},
		{"MAIL FROM:<a@remote.test>\r\n", "250 "},
		{"RCPT TO:<bob@example.test>\r\n", "250 "},
		{"DATA\r\n", "354 "},
		{"Subject: long\r\n\r\n" + strings.Repeat("x", 20000) + "\r\n.\r\n", "250 "},
		{"QUIT\r\n", "221 "},
	} {
		if got := s.cmd(c.send); !strings.HasPrefix(got, c.want) {
			t.Fatalf("sent %q: got %q, want %q", c.send[:min(len(c.send), 40)], got, c.want)
		}
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 3 {
		t.Fatalf("bob has %d messages, want 3 (bare LF, BDAT, long line)", n)
	}
	if p, _ := h.store.CheckConsistency(h.ctx); len(p) != 0 {
		t.Fatal(p)
	}
}

func TestServer_perIPConnectionLimit(t *testing.T) {
	h := start(t, func(s *Server) { s.MaxConnsPerIP = 2 })
	dialRaw(t, h.addrs[RoleMX])
	dialRaw(t, h.addrs[RoleMX])
	conn, err := net.Dial("tcp", h.addrs[RoleMX])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	line, _ := bufio.NewReader(conn).ReadString('\n')
	if !strings.HasPrefix(line, "421 4.7.0") {
		t.Fatalf("third connection: %q", line)
	}
}

func TestShutdown_inFlightFinishesIdleGets421(t *testing.T) {
	h := start(t, nil)
	idle := dialRaw(t, h.addrs[RoleMX])
	idle.cmd("EHLO idle.test\r\n")
	busy := dialRaw(t, h.addrs[RoleMX])
	for _, c := range []string{"EHLO busy.test\r\n", "MAIL FROM:<a@remote.test>\r\n", "RCPT TO:<bob@example.test>\r\n", "DATA\r\n"} {
		busy.cmd(c)
	}
	fmt.Fprint(busy.conn, "Subject: in flight\r\n\r\nfirst half\r\n")
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- h.srv.Shutdown(ctx)
	}()
	if got := idle.reply(); !strings.HasPrefix(got, "421 ") {
		t.Fatalf("idle client got %q", got)
	}
	if got := busy.cmd("second half\r\n.\r\n"); !strings.HasPrefix(got, "250 ") {
		t.Fatalf("in-flight transaction got %q", got)
	}
	if got := busy.cmd("MAIL FROM:<a@remote.test>\r\n"); !strings.HasPrefix(got, "421 ") {
		t.Fatalf("new transaction while closing got %q", got)
	}
	busy.cmd("QUIT\r\n")
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("in-flight message not stored: %d", n)
	}
}

// A recipient named twice in one transaction gets one copy: submission
// resolves recipients as the webmail does (internal/send).
func TestSubmission_aRepeatedRecipientGetsOneCopy(t *testing.T) {
	h := start(t, nil)
	c := h.dial(RoleSubmission)
	if err := c.Auth(sasl.NewPlainClient("", "alice@example.test", testbed.Password)); err != nil {
		t.Fatal(err)
	}
	if err := sendMail(c, "alice@example.test", []string{"bob@example.test", "Bob@Example.test"}, simple, nil); err != nil {
		t.Fatal(err)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("bob has %d copies", n)
	}
}
