package session

import (
	"bufio"
	"compress/flate"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// harness runs sessions on a loopback listener over a real store.
type harness struct {
	*testbed.Bed
	t    *testing.T
	cfg  *Config
	addr string
	acct *store.Account

	mu   sync.Mutex
	live []*Session
}

func start(t *testing.T) *harness { return startWith(t, nil) }

// startWith is start with the sessions' configuration changed by
// configure first.
func startWith(t *testing.T, configure func(*harness)) *harness {
	t.Helper()
	b := testbed.New(t)
	h := &harness{Bed: b, t: t}
	h.cfg = &Config{Mail: b.Mail, Auth: auth.NewAuthenticator(b.Store, false), Events: b.Bus,
		MaxMessageSize: testbed.MaxMessageSize, Hubs: &Hubs{}, Log: testbed.Quiet(), Version: "test"}
	if configure != nil {
		configure(h)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.addr = l.Addr().String()
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s := New(h.cfg, c)
			h.mu.Lock()
			h.live = append(h.live, s)
			h.mu.Unlock()
			wg.Add(1)
			go func() { defer wg.Done(); s.Serve() }()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		h.mu.Lock()
		for _, s := range h.live {
			s.Shutdown()
		}
		h.mu.Unlock()
		wg.Wait()
	})
	h.acct = b.Account("bob", nil)
	return h
}

// client is a raw IMAP client: lines in, lines out.
type client struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
	w    io.Writer
}

func (h *harness) dial(login bool) *client {
	h.t.Helper()
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	c := &client{t: h.t, conn: conn, r: bufio.NewReader(conn), w: conn}
	if g := c.line(); !strings.HasPrefix(g, "* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ") {
		h.t.Fatalf("greeting %q", g)
	}
	if login {
		c.want("l LOGIN bob@example.test pw", "l OK [CAPABILITY ...")
	}
	return c
}

func (c *client) line() string {
	c.t.Helper()
	l, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read: %v (after %q)", err, l)
	}
	if !strings.HasSuffix(l, "\r\n") {
		c.t.Fatalf("line without CRLF: %q", l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

func (c *client) send(line string) {
	c.t.Helper()
	if _, err := io.WriteString(c.w, line+"\r\n"); err != nil {
		c.t.Fatal(err)
	}
	if f, ok := c.w.(*flate.Writer); ok {
		f.Flush()
	}
}

// want sends line and compares every response up to the tagged one
// (tag: line's first word) with want: exact, or a prefix where a want
// ends in "...".
func (c *client) want(line string, want ...string) {
	c.t.Helper()
	c.send(line)
	tag, _, _ := strings.Cut(line, " ")
	var got []string
	for {
		l := c.line()
		got = append(got, l)
		if strings.HasPrefix(l, tag+" ") {
			break
		}
	}
	if !match(got, want) {
		c.t.Errorf("%s\n got: %q\nwant: %q", line, got, want)
	}
}

func match(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if p, ok := strings.CutSuffix(want[i], "..."); ok {
			if !strings.HasPrefix(got[i], p) {
				return false
			}
		} else if got[i] != want[i] {
			return false
		}
	}
	return true
}

// step is one command of a script and its expected responses.
type step struct {
	send string
	want []string
}

func s(send string, want ...string) step { return step{send, want} }

// TestProtocol sends raw commands and compares raw responses, each case
// from the RFC text it cites (issue 17 items 1, 2, 3, 5, 10, 12).
func TestProtocol(t *testing.T) {
	cases := []struct {
		name  string
		login bool
		setup func(h *harness)
		steps []step
	}{
		{name: "item 1: LIST \"\" \"\" is the delimiter and root (RFC 3501 §6.3.8, RFC 9051 §6.3.9)", login: true, steps: []step{
			s(`a LIST "" ""`, `* LIST (\Noselect) "/" ""`, "a OK ..."),
		}},
		{name: "item 2: CREATE of a modified UTF-7 name, LIST of it (RFC 3501 §5.1.3)", login: true, steps: []step{
			s(`a CREATE "p&AOQA5A-"`, "a OK ..."),
			s(`b LIST "" "p*"`, `* LIST (\HasNoChildren) "/" p&AOQA5A-`, "b OK ..."),
			s(`c CREATE "&ycDFtA-/&vPTWTA-"`, "c OK ..."),
			s(`d LIST "" "&ycDFtA-%"`, `* LIST (\HasChildren) "/" &ycDFtA-`, "d OK ..."),
			s(`e LIST "" "&ycDFtA-/%"`, `* LIST (\HasNoChildren) "/" &ycDFtA-/&vPTWTA-`, "e OK ..."),
		}},
		{name: "item 2: LIST with atom-specials in the pattern matches nothing and succeeds", login: true, steps: []step{
			s(`a LIST "" "(x)\"{y}] %*"`, "a OK ..."),
		}},
		{name: "item 12: an invalid modified UTF-7 name is BAD", login: true, steps: []step{
			s(`a LIST "" "&"`, "a BAD ..."),
			s(`b CREATE "&Jjo"`, "b BAD ..."),
			s(`c NOOP`, "c OK ..."),
		}},
		{name: "item 12: an unterminated quoted string is BAD at once", login: true, steps: []step{
			s(`a CREATE "abc`, "a BAD ..."),
			s(`b NOOP`, "b OK ..."),
		}},
		{name: "item 12: an unknown command before login is BAD, the connection stays", steps: []step{
			s(`a FROBNICATE`, "a BAD ..."),
			s(`b CAPABILITY`, "* CAPABILITY IMAP4rev1 IMAP4rev2 ...", "b OK ..."),
		}},
		{name: "commands in a state where they are not valid are BAD (RFC 9051 §3)", steps: []step{
			s(`a SELECT INBOX`, "a BAD ..."),
			s(`b FETCH 1 FLAGS`, "b BAD ..."),
			s(`l LOGIN bob@example.test pw`, "l OK [CAPABILITY ..."),
			s(`c LOGIN bob@example.test pw`, "c BAD ..."),
			s(`d CLOSE`, "d BAD ..."),
		}},
		{name: "item 10: ID answers the server's name (RFC 2971 §3.1)", steps: []step{
			s(`a ID ("name" "test client")`, `* ID ("name" "Postroom" "version" "test")`, "a OK ..."),
			s(`b ID NIL`, `* ID ("name" "Postroom" "version" "test")`, "b OK ..."),
		}},
		{name: "wrong password is NO [AUTHENTICATIONFAILED] (RFC 5530 §3)", steps: []step{
			s(`a LOGIN bob@example.test wrong`, "a NO [AUTHENTICATIONFAILED] ..."),
		}},
		{name: "AUTHENTICATE PLAIN with an initial response (RFC 4959)", steps: []step{
			s(`a AUTHENTICATE PLAIN AGJvYkBleGFtcGxlLnRlc3QAcHc=`, "a OK [CAPABILITY ..."),
		}},
		{name: "ENABLE lists what it turned on (RFC 5161 §3.2)", login: true, steps: []step{
			s(`a ENABLE CONDSTORE X-UNKNOWN`, "* ENABLED CONDSTORE", "a OK ..."),
			s(`b ENABLE QRESYNC`, "* ENABLED QRESYNC", "b OK ..."),
			s(`c ENABLE CONDSTORE`, "* ENABLED", "c OK ..."),
		}},
		{name: "NAMESPACE: one personal namespace (RFC 2342 §5)", login: true, steps: []step{
			s(`a NAMESPACE`, `* NAMESPACE (("" "/")) NIL NIL`, "a OK ..."),
		}},
		{name: "quota (RFC 9208 §4)", login: true, setup: func(h *harness) {
			h.Store.UpdateAccount(h.Ctx, withQuota(h.acct, 10<<20))
			h.Put(h.acct.ID, "INBOX", "Subject: big\r\n\r\n"+strings.Repeat("x", 1500)+"\r\n")
		}, steps: []step{
			s(`a GETQUOTAROOT INBOX`, `* QUOTAROOT INBOX ""`, `* QUOTA "" (STORAGE 2 10240)`, "a OK ..."),
			s(`b GETQUOTA ""`, `* QUOTA "" (STORAGE 2 10240)`, "b OK ..."),
			s(`c SETQUOTA "" (STORAGE 1)`, "c NO [NOPERM] ..."),
			s(`d GETQUOTAROOT Nowhere`, "d NO [NONEXISTENT] ..."),
		}},
		{name: "item 3: SELECT reports \\Recent to the first session only (RFC 3501 §2.3.2)", login: true, setup: func(h *harness) {
			h.Put(h.acct.ID, "INBOX", "Subject: one\r\n\r\n1\r\n")
		}, steps: []step{
			s(`a SELECT INBOX`, `* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)`, "* 1 EXISTS", "* 1 RECENT",
				"* OK [UNSEEN 1] ...", "* OK [UIDVALIDITY ...", "* OK [UIDNEXT 2] ...",
				`* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ...`, "* OK [HIGHESTMODSEQ ...",
				"* OK [MAILBOXID ...", "a OK [READ-WRITE] ..."),
			s(`b EXAMINE INBOX`, `* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)`, "* 1 EXISTS", "* 0 RECENT",
				"* OK [UNSEEN 1] ...", "* OK [UIDVALIDITY ...", "* OK [UIDNEXT 2] ...",
				`* OK [PERMANENTFLAGS ()] ...`, "* OK [HIGHESTMODSEQ ...", "* OK [MAILBOXID ...", "b OK [READ-ONLY] ..."),
		}},
		{name: "item 5: CLOSE after EXAMINE is OK and expunges nothing (RFC 3501 §6.4.2)", login: true, setup: func(h *harness) {
			m := h.Put(h.acct.ID, "INBOX", "Subject: one\r\n\r\n1\r\n")
			h.Mail.StoreFlags(h.Ctx, h.who(), m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{`\Deleted`})
		}, steps: []step{
			s(`a EXAMINE INBOX`, "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* OK [MAILBOXID ...", "a OK [READ-ONLY] ..."),
			s(`b CLOSE`, "b OK ..."),
			s(`c STATUS INBOX (MESSAGES DELETED)`, "* STATUS INBOX (MESSAGES 1 DELETED 1)", "c OK ..."),
			s(`d SELECT INBOX`, "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* OK [MAILBOXID ...", "d OK [READ-WRITE] ..."),
			s(`e CLOSE`, "e OK ..."),
			s(`f STATUS INBOX (MESSAGES DELETED)`, "* STATUS INBOX (MESSAGES 0 DELETED 0)", "f OK ..."),
		}},
		{name: "SELECT of a mailbox that does not exist: NO [NONEXISTENT], authenticated state", login: true, steps: []step{
			s(`a SELECT Nowhere`, "a NO [NONEXISTENT] ..."),
			s(`b CLOSE`, "b BAD ..."),
		}},
		{name: "CREATE, RENAME, SUBSCRIBE, LSUB, DELETE (RFC 9051 §6.3)", login: true, steps: []step{
			s(`a CREATE Projects/`, "a OK ..."),
			s(`b CREATE Projects`, "b NO [ALREADYEXISTS] ..."),
			s(`c RENAME Projects Work`, "c OK ..."),
			s(`d SUBSCRIBE Work`, "d OK ..."),
			s(`e LSUB "" W*`, `* LSUB (\HasNoChildren) "/" Work`, "e OK ..."),
			s(`f LIST (SUBSCRIBED) "" "W*"`, `* LIST (\HasNoChildren \Subscribed) "/" Work`, "f OK ..."),
			s(`g DELETE Work`, "g OK ..."),
			s(`h DELETE Work`, "h NO [NONEXISTENT] ..."),
			s(`i DELETE INBOX`, "i NO ..."),
			s(`j CREATE inbox`, "j NO [ALREADYEXISTS] ..."),
		}},
		{name: "raw UTF-8 names are taken in a rev1 session and listed in modified UTF-7 (RFC 3501 §5.1.3)", login: true, steps: []step{
			s(`a CREATE "보관함/견적"`, "a OK ..."),
			s(`b LIST "" "&vPStANVo-/*"`, `* LIST (\HasNoChildren) "/" &vPStANVo-/&rKzIAQ-`, "b OK ..."),
		}},
		{name: "with UTF8=ACCEPT names are UTF-8 both ways (RFC 6855 §3)", login: true, steps: []step{
			s(`a ENABLE UTF8=ACCEPT`, "* ENABLED UTF8=ACCEPT", "a OK ..."),
			s(`b CREATE "보관함"`, "b OK ..."),
			s(`c LIST "" "보*"`, `* LIST (\HasNoChildren) "/" "보관함"`, "c OK ..."),
			s(`d STATUS "보관함" (MESSAGES)`, `* STATUS "보관함" (MESSAGES 0)`, "d OK ..."),
		}},
		{name: "RENAME INBOX moves its messages and leaves INBOX empty (RFC 3501 §6.3.5)", login: true, setup: func(h *harness) {
			h.Put(h.acct.ID, "INBOX", "Subject: one\r\n\r\n1\r\n")
		}, steps: []step{
			s(`a RENAME INBOX Old`, "a OK ..."),
			s(`b STATUS INBOX (MESSAGES)`, "* STATUS INBOX (MESSAGES 0)", "b OK ..."),
			s(`c STATUS Old (MESSAGES)`, "* STATUS Old (MESSAGES 1)", "c OK ..."),
		}},
		{name: "STATUS items (RFC 9051 §6.3.11, RFC 8438, RFC 7162, RFC 7889)", login: true, setup: func(h *harness) {
			h.Put(h.acct.ID, "INBOX", "Subject: one\r\n\r\n1\r\n")
		}, steps: []step{
			s(`a STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ APPENDLIMIT)`,
				"* STATUS INBOX (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {UV} UNSEEN 1 DELETED 0 SIZE 19 RECENT 1 HIGHESTMODSEQ 2 APPENDLIMIT 1048576)", "a OK ..."),
			s(`b EXAMINE INBOX`, "* ...", "* ...", "* 1 RECENT", "* ...", "* ...", "* ...", "* ...", "* ...", "* OK [MAILBOXID ...", "b OK ..."),
			s(`c UNSELECT`, "c OK ..."),
			s(`d STATUS INBOX (RECENT)`, "* STATUS INBOX (RECENT 0)", "d OK ..."),
		}},
		{name: "SELECT (CONDSTORE) and rev2 drops RECENT and UNSEEN (RFC 7162 §3.1.8, RFC 9051 §6.3.2)", login: true, setup: func(h *harness) {
			h.Put(h.acct.ID, "INBOX", "Subject: one\r\n\r\n1\r\n")
		}, steps: []step{
			s(`a ENABLE IMAP4rev2`, "* ENABLED IMAP4rev2", "a OK ..."),
			s(`b SELECT INBOX (CONDSTORE)`, `* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)`, "* 1 EXISTS", `* LIST () "/" INBOX`,
				"* OK [UIDVALIDITY {UV}] ...", "* OK [UIDNEXT 2] ...", "* OK [PERMANENTFLAGS ...", "* OK [HIGHESTMODSEQ 2] ...", "* OK [MAILBOXID ...", "b OK [READ-WRITE] ..."),
			s(`c SELECT INBOX`, "* OK [CLOSED] ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* OK [MAILBOXID ...", "c OK [READ-WRITE] ..."),
		}},
		{name: "SELECT (QRESYNC) reports VANISHED (EARLIER) and changed flags (RFC 7162 §3.2.5)", login: true, setup: func(h *harness) {
			var ms []*store.Message
			for i := range 3 {
				ms = append(ms, h.Put(h.acct.ID, "INBOX", fmt.Sprintf("Subject: %d\r\n\r\n%d\r\n", i, i)))
			}
			mb := ms[0].MailboxID
			h.Mail.Expunge(h.Ctx, h.who(), mb, []uint32{ms[0].UID})
			h.Mail.StoreFlags(h.Ctx, h.who(), mb, []uint32{ms[2].UID}, store.FlagsAdd, []string{`\Seen`})
		}, steps: []step{
			s(`a SELECT INBOX (QRESYNC ({UV} 3))`, "a BAD ..."),
			s(`b ENABLE QRESYNC`, "* ENABLED QRESYNC", "b OK ..."),
			s(`c SELECT INBOX (QRESYNC ({UV} 3 1:3))`, "* ...", "* 2 EXISTS", "* 2 RECENT", "* OK [UNSEEN 1] ...", "* ...", "* ...", "* ...", "* OK [HIGHESTMODSEQ 6] ...", "* OK [MAILBOXID ...",
				"* VANISHED (EARLIER) 1", `* 2 FETCH (FLAGS (\Seen \Recent) UID 3 MODSEQ (6))`, "c OK [READ-WRITE] ..."),
			s(`d SELECT INBOX (QRESYNC (1 3))`, "* OK [CLOSED] ...", "* ...", "* 2 EXISTS", "* 0 RECENT", "* ...", "* ...", "* ...", "* ...", "* ...", "* OK [MAILBOXID ...", "d OK [READ-WRITE] ..."),
		}},
		{name: "LIST (SUBSCRIBED RECURSIVEMATCH) lists a parent of a subscribed folder with CHILDINFO (RFC 5258 §3.5)", login: true, steps: []step{
			s(`a CREATE Work/Plans`, "a OK ..."),
			s(`b UNSUBSCRIBE Work`, "b OK ..."),
			s(`c LIST (SUBSCRIBED RECURSIVEMATCH) "" "W%"`, `* LIST (\HasChildren) "/" Work ("CHILDINFO" ("SUBSCRIBED"))`, "c OK ..."),
			s(`d LIST (SUBSCRIBED) "" "W%"`, "d OK ..."),
			s(`e LIST (SUBSCRIBED) "" "W*"`, `* LIST (\HasNoChildren \Subscribed) "/" Work/Plans`, "e OK ..."),
			s(`f LSUB "" "W%"`, `* LSUB (\Noselect \HasChildren) "/" Work`, "f OK ..."),
			s(`g LSUB "" "W*"`, `* LSUB (\HasNoChildren) "/" Work/Plans`, "g OK ..."),
		}},
		{name: "CREATE with USE takes the special use over (RFC 6154 §3, §5.3)", login: true, steps: []step{
			s(`a CREATE Old (USE (\Archive))`, "a OK [MAILBOXID ..."),
			s(`b CREATE Both (USE (\Archive \Sent))`, "b NO [USEATTR] ..."),
			s(`c CREATE Every (USE (\All))`, "c NO [USEATTR] ..."),
			s(`d LIST (SPECIAL-USE) "" "*"`, `* LIST (\HasNoChildren \Drafts) "/" Drafts`, `* LIST (\HasNoChildren \Archive) "/" Old`,
				`* LIST (\HasNoChildren \Sent) "/" Sent`, `* LIST (\HasNoChildren \Junk) "/" Spam`, `* LIST (\HasNoChildren \Trash) "/" Trash`, "d OK ..."),
			s(`e DELETE Archive`, "e OK ..."),
		}},
		{name: "LIST-EXTENDED SPECIAL-USE and LIST-STATUS (RFC 6154, RFC 5819)", login: true, steps: []step{
			s(`a LIST (SPECIAL-USE) "" "*" RETURN (STATUS (MESSAGES))`, `* LIST (\HasNoChildren \Archive) "/" ...`, "* STATUS ...",
				`* LIST (\HasNoChildren \Drafts) "/" ...`, "* STATUS ...", `* LIST (\HasNoChildren \Sent) "/" ...`, "* STATUS ...",
				`* LIST (\HasNoChildren \Junk) "/" ...`, "* STATUS ...", `* LIST (\HasNoChildren \Trash) "/" ...`, "* STATUS ...", "a OK ..."),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t)
			if tc.setup != nil {
				tc.setup(h)
			}
			c := h.dial(tc.login)
			inbox, err := h.Store.MailboxByName(h.Ctx, h.acct.ID, "INBOX")
			if err != nil {
				t.Fatal(err)
			}
			uv := fmt.Sprint(inbox.UIDValidity)
			for _, st := range tc.steps {
				want := make([]string, len(st.want))
				for i, w := range st.want {
					want[i] = strings.ReplaceAll(w, "{UV}", uv)
				}
				c.want(strings.ReplaceAll(st.send, "{UV}", uv), want...)
			}
		})
	}
}

func withQuota(a *store.Account, q int64) *store.Account {
	a.QuotaBytes = q
	return a
}

func (h *harness) who() actor.Actor { return actor.User(h.acct) }

// TestRecent_newMessageGoesToOneSession: a message delivered while two
// sessions have INBOX selected is \Recent in exactly one (RFC 3501
// §2.3.2), and NOOP reports it (item 3).
func TestRecent_newMessageGoesToOneSession(t *testing.T) {
	h := start(t)
	a, b := h.dial(true), h.dial(true)
	for _, c := range []*client{a, b} {
		c.want("s SELECT INBOX", "* ...", "* 0 EXISTS", "* 0 RECENT", "* ...", "* ...", "* ...", "* ...", "* OK [MAILBOXID ...", "s OK ...")
	}
	h.Put(h.acct.ID, "INBOX", "Subject: one\r\n\r\n1\r\n")
	recent := 0
	for _, c := range []*client{a, b} {
		c.send("n NOOP")
		lines := c.until("n")
		if len(lines) != 3 || lines[0] != "* 1 EXISTS" || lines[2] != "n OK Noop completed" {
			t.Fatalf("NOOP: %q", lines)
		}
		if lines[1] == "* 1 RECENT" {
			recent++
		} else if lines[1] != "* 0 RECENT" {
			t.Fatalf("NOOP: %q", lines)
		}
	}
	if recent != 1 {
		t.Errorf("\\Recent in %d sessions, want 1", recent)
	}
}

// until reads responses up to the tagged one.
func (c *client) until(tag string) []string {
	c.t.Helper()
	var got []string
	for {
		l := c.line()
		got = append(got, l)
		if strings.HasPrefix(l, tag+" ") {
			return got
		}
	}
}

// TestIdle_pushesAndEndsWithDone: a delivery during IDLE is pushed at
// once; DONE ends it with the tagged OK (RFC 2177 §3).
func TestIdle_pushesAndEndsWithDone(t *testing.T) {
	h := start(t)
	c := h.dial(true)
	c.want("s SELECT INBOX", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* OK [MAILBOXID ...", "s OK ...")
	c.send("i IDLE")
	if l := c.line(); l != "+ idling" {
		t.Fatalf("IDLE: %q", l)
	}
	h.Put(h.acct.ID, "INBOX", "Subject: one\r\n\r\n1\r\n")
	if l := c.line(); l != "* 1 EXISTS" {
		t.Fatalf("pushed: %q", l)
	}
	if l := c.line(); l != "* 1 RECENT" {
		t.Fatalf("pushed: %q", l)
	}
	c.send("DONE")
	if got := c.until("i"); !match(got, []string{"i OK ..."}) {
		t.Errorf("DONE: %q", got)
	}
	c.want("n NOOP", "n OK ...")
}

// TestShutdown_saysBye: a session waiting for a command, and one in IDLE,
// get BYE when the server shuts down (RFC 9051 §7.1.5).
func TestShutdown_saysBye(t *testing.T) {
	h := start(t)
	a, b := h.dial(true), h.dial(true)
	b.send("i IDLE")
	if l := b.line(); l != "+ idling" {
		t.Fatalf("IDLE: %q", l)
	}
	h.mu.Lock()
	for _, s := range h.live {
		s.Shutdown()
	}
	h.mu.Unlock()
	for _, c := range []*client{a, b} {
		if l := c.line(); !strings.HasPrefix(l, "* BYE ") {
			t.Errorf("after shutdown: %q, want BYE", l)
		}
	}
}

// TestCompress_deflateBothWays: after COMPRESS DEFLATE (RFC 4978 §3) the
// session reads and answers through deflate.
func TestCompress_deflateBothWays(t *testing.T) {
	h := start(t)
	c := h.dial(true)
	c.want("z COMPRESS DEFLATE", "z OK ...")
	fw, _ := flate.NewWriter(c.conn, flate.DefaultCompression)
	c.w = fw
	c.r = bufio.NewReader(flate.NewReader(c.conn))
	c.want("a NAMESPACE", `* NAMESPACE (("" "/")) NIL NIL`, "a OK ...")
	c.want("b COMPRESS DEFLATE", "b NO [COMPRESSIONACTIVE] ...")
	c.want(`c LIST "" ""`, `* LIST (\Noselect) "/" ""`, "c OK ...")
}

// TestLoginEnded_byeBeforeNextCommand: a suspended account's session gets
// BYE at its next command (issue 13).
func TestLoginEnded_byeBeforeNextCommand(t *testing.T) {
	h := start(t)
	c := h.dial(true)
	h.acct.Enabled = false
	if err := h.Store.UpdateAccount(context.Background(), h.acct); err != nil {
		t.Fatal(err)
	}
	c.send("a NOOP")
	if l := c.line(); !strings.HasPrefix(l, "* BYE ") {
		t.Errorf("NOOP of a suspended account: %q, want BYE", l)
	}
}

// TestBadCommands_limit: past maxBad invalid commands in a row the server
// gives up with BYE (item 12 keeps the connection below it).
func TestBadCommands_limit(t *testing.T) {
	h := start(t)
	c := h.dial(false)
	for i := 1; i < maxBad; i++ {
		c.want(fmt.Sprintf("x%d FROB", i), fmt.Sprintf("x%d BAD ...", i))
	}
	c.send("y FROB")
	if l := c.line(); l != "y BAD Unknown command" && !strings.HasPrefix(l, "y BAD") {
		t.Fatalf("%q", l)
	}
	if l := c.line(); !strings.HasPrefix(l, "* BYE ") {
		t.Errorf("after %d bad commands: %q, want BYE", maxBad, l)
	}
}

// TestAuthenticate_challenge: AUTHENTICATE PLAIN without an initial
// response gets an empty challenge "+ " (RFC 9051 §6.2.2); "*" cancels
// with BAD; the response then logs in.
func TestAuthenticate_challenge(t *testing.T) {
	h := start(t)
	c := h.dial(false)
	c.send("a AUTHENTICATE PLAIN")
	if l := c.line(); l != "+ " {
		t.Fatalf("challenge %q, want %q", l, "+ ")
	}
	c.send("*")
	if got := c.until("a"); !match(got, []string{"a BAD ..."}) {
		t.Errorf("cancelled: %q", got)
	}
	c.send("b AUTHENTICATE PLAIN")
	if l := c.line(); l != "+ " {
		t.Fatalf("challenge %q", l)
	}
	c.send("AGJvYkBleGFtcGxlLnRlc3QAcHc=")
	if got := c.until("b"); !match(got, []string{"b OK [CAPABILITY ..."}) {
		t.Errorf("AUTHENTICATE: %q", got)
	}
}

// TestStartTLS: STARTTLS (RFC 9051 §6.2.1) switches to TLS after its OK;
// STARTTLS is then no longer offered; a command pipelined behind
// STARTTLS ends the connection instead of being read as if it came
// through TLS (CVE-2011-0411).
func TestStartTLS(t *testing.T) {
	h := startWith(t, func(h *harness) { h.cfg.TLS = h.TLS("mail.example.test") })
	c := h.dial(false)
	c.send("a CAPABILITY")
	if got := c.until("a"); len(got) != 2 || !strings.HasSuffix(got[0], " STARTTLS AUTH=PLAIN") {
		t.Errorf("CAPABILITY before TLS: %q, want STARTTLS offered", got)
	}
	c.want("b STARTTLS", "b OK ...")
	tc := tls.Client(c.conn, &tls.Config{InsecureSkipVerify: true, ServerName: "mail.example.test"})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	c.r, c.w = bufio.NewReader(tc), tc
	c.send("c CAPABILITY")
	got := c.until("c")
	if len(got) != 2 || strings.Contains(got[0], "STARTTLS") || !strings.HasPrefix(got[0], "* CAPABILITY ") {
		t.Errorf("CAPABILITY over TLS: %q", got)
	}
	c.want("d STARTTLS", "d BAD ...")

	p := h.dial(false)
	p.send("a STARTTLS\r\nb NOOP")
	if l := p.line(); !strings.HasPrefix(l, "a OK") {
		t.Fatalf("STARTTLS: %q", l)
	}
	if l, err := p.r.ReadString('\n'); err == nil {
		t.Errorf("after a command pipelined behind STARTTLS: %q, want the connection closed", l)
	}
}

// TestAutologout: a client silent for longer than the idle timeout gets
// BYE and the connection closes (RFC 9051 §5.4).
func TestAutologout(t *testing.T) {
	h := startWith(t, func(h *harness) { h.cfg.IdleTimeout = 50 * time.Millisecond })
	c := h.dial(false)
	if l := c.line(); !strings.HasPrefix(l, "* BYE Autologout") {
		t.Errorf("silent client: %q, want BYE", l)
	}
	if _, err := c.r.ReadString('\n'); err == nil {
		t.Error("connection still open after the BYE")
	}
}
