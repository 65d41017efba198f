package fetch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
	"postroom/internal/testbed"
	"postroom/internal/testbed/clock"
)

// t0 is the tests' fixed time: nothing depends on the real clock.
var t0 = time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)

// maildrop is a small POP3 server (RFC 1939) on 127.0.0.1 with a fixed
// user and password; it counts logins and downloads.
type maildrop struct {
	ln            net.Listener
	mu            sync.Mutex
	msgs          []string // "uidl\x00raw"
	logins, retrs int
}

func newMaildrop(t *testing.T, raws ...string) *maildrop {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	m := &maildrop{ln: ln}
	for i, r := range raws {
		m.msgs = append(m.msgs, fmt.Sprintf("uid%d\x00%s", i, r))
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go m.serve(c)
		}
	}()
	return m
}

func (m *maildrop) port() int { return m.ln.Addr().(*net.TCPAddr).Port }

func (m *maildrop) counts() (int, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.logins, m.retrs
}

func (m *maildrop) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := func(s string) { fmt.Fprint(c, s+"\r\n") }
	w("+OK ready")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		n, _ := strconv.Atoi(arg)
		m.mu.Lock()
		switch cmd {
		case "USER":
			w("+OK")
		case "PASS":
			if arg != "right" {
				w("-ERR [AUTH] no")
			} else {
				m.logins++
				w("+OK")
			}
		case "UIDL":
			w("+OK")
			for i, x := range m.msgs {
				u, _, _ := strings.Cut(x, "\x00")
				w(fmt.Sprintf("%d %s", i+1, u))
			}
			w(".")
		case "RETR":
			m.retrs++
			_, raw, _ := strings.Cut(m.msgs[n-1], "\x00")
			w("+OK")
			fmt.Fprint(c, raw+".\r\n")
		case "QUIT":
			w("+OK")
			m.mu.Unlock()
			return
		default:
			w("+OK")
		}
		m.mu.Unlock()
	}
}

func msg(subject string) string {
	return "From: a@remote.test\r\nTo: kim@example.test\r\nSubject: " + subject + "\r\n\r\nbody " + subject + "\r\n"
}

type fixture struct {
	s     *Service
	b     *testbed.Bed
	clock *clock.Fake
	kim   actor.Actor
	r     *Runner
}

func newFixture(t *testing.T) *fixture {
	b := testbed.New(t)
	c := clock.At(t0)
	s := &Service{Store: b.Store, Mail: b.Mail, Log: testbed.Quiet(), Now: c.Now, Node: "node-a"}
	kim := actor.User(b.Account("kim", nil))
	return &fixture{s: s, b: b, clock: c, kim: kim, r: &Runner{Service: s}}
}

func (f *fixture) pop3(t *testing.T, m *maildrop, every int, password string) Account {
	t.Helper()
	x, err := f.s.Create(f.b.Ctx, f.kim, Settings{Name: "old", Protocol: POP3, Host: "127.0.0.1", Port: m.port(),
		Security: None, User: "kim", Password: password, Leave: true, Every: every, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func (f *fixture) tick(t *testing.T) int {
	t.Helper()
	n, err := f.r.Tick(f.b.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) inbox(t *testing.T) int {
	t.Helper()
	mb, err := f.b.Mail.MailboxByName(f.b.Ctx, f.kim, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	uids, err := f.b.Mail.UIDs(f.b.Ctx, f.kim, mb.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(uids)
}

func TestRunner_fetchesDueAccountsOnly_andNothingTwice(t *testing.T) {
	f := newFixture(t)
	due := newMaildrop(t, msg("one"), msg("two"))
	manual := newMaildrop(t, msg("three"))
	f.pop3(t, due, 10, "right")
	f.pop3(t, manual, 0, "right")
	if n := f.tick(t); n != 1 {
		t.Fatalf("first tick fetched %d accounts, want 1", n)
	}
	if got := f.inbox(t); got != 2 {
		t.Fatalf("inbox holds %d, want 2", got)
	}
	if logins, _ := manual.counts(); logins != 0 {
		t.Errorf("the on-demand account was fetched by the runner")
	}
	f.clock.Add(9 * time.Minute)
	if n := f.tick(t); n != 0 {
		t.Errorf("tick before the period fetched %d", n)
	}
	f.clock.Add(time.Minute)
	if n := f.tick(t); n != 1 {
		t.Errorf("tick after the period fetched %d, want 1", n)
	}
	logins, retrs := due.counts()
	if logins != 2 || retrs != 2 || f.inbox(t) != 2 {
		t.Errorf("after two runs: %d logins, %d RETR, inbox %d; want 2, 2 (UIDLs remembered), 2", logins, retrs, f.inbox(t))
	}
	list, _ := f.s.List(f.b.Ctx, f.kim)
	if list[0].LastImported != 0 || !list[0].LastRun.Equal(t0.Add(10*time.Minute)) || !list[0].NextRun.Equal(t0.Add(20*time.Minute)) {
		t.Errorf("after the second run: %+v", list[0])
	}
}

func TestRunner_respectsAnotherNodesLease(t *testing.T) {
	f := newFixture(t)
	m := newMaildrop(t, msg("one"))
	x := f.pop3(t, m, 10, "right")
	kimID, _ := f.kim.OwnAccount()
	if _, err := f.b.Store.ClaimExternalAccount(f.b.Ctx, kimID, x.ID, "node-b", t0, Lease); err != nil {
		t.Fatal(err)
	}
	if n := f.tick(t); n != 0 {
		t.Fatalf("fetched %d accounts another node holds", n)
	}
	if _, err := f.s.FetchNow(f.b.Ctx, f.kim, x.ID); !errors.Is(err, store.ErrConflict) {
		t.Errorf("FetchNow of a held account: %v, want ErrConflict", err)
	}
	if logins, _ := m.counts(); logins != 0 {
		t.Fatalf("the server saw %d logins", logins)
	}
	f.clock.Add(Lease + time.Second) // node-b died: its lease ran out
	if n := f.tick(t); n != 1 || f.inbox(t) != 1 {
		t.Errorf("after the lease: fetched %d, inbox %d", n, f.inbox(t))
	}
}

func TestRunner_backsOffAfterFailures(t *testing.T) {
	f := newFixture(t)
	m := newMaildrop(t, msg("one"))
	x := f.pop3(t, m, 10, "wrong")
	f.tick(t)
	got, _ := f.s.Get(f.b.Ctx, f.kim, x.ID)
	if got.LastErrorKind != KindLogin || got.Failures != 1 || !got.NextRun.Equal(t0.Add(20*time.Minute)) {
		t.Fatalf("after a refused login: kind %q failures %d next %v", got.LastErrorKind, got.Failures, got.NextRun)
	}
	if strings.Contains(got.LastError, "wrong") || !strings.Contains(got.LastError, "127.0.0.1") {
		t.Errorf("last error %q: the host, never the password", got.LastError)
	}
	f.clock.Add(10 * time.Minute)
	if n := f.tick(t); n != 0 {
		t.Errorf("fetched at the normal period despite the failure")
	}
	f.clock.Add(10 * time.Minute)
	f.tick(t)
	got, _ = f.s.Get(f.b.Ctx, f.kim, x.ID)
	if got.Failures != 2 || !got.NextRun.Equal(t0.Add(60*time.Minute)) {
		t.Errorf("second failure: failures %d next %v, want 2 and +60m", got.Failures, got.NextRun)
	}
	// Fixing the password schedules it at once and a success resets.
	in := got.Settings
	in.Password = "right"
	if _, err := f.s.Update(f.b.Ctx, f.kim, x.ID, in); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.FetchNow(f.b.Ctx, f.kim, x.ID); err != nil || got.Failures != 0 || got.LastImported != 1 || got.LastErrorKind != "" {
		t.Errorf("after the fix: %+v, %v", got, err)
	}
}

func TestFetchNow_cannotConnect(t *testing.T) {
	f := newFixture(t)
	m := newMaildrop(t)
	x := f.pop3(t, m, 0, "right")
	m.ln.Close()
	got, err := f.s.FetchNow(f.b.Ctx, f.kim, x.ID)
	if err != nil || got.LastErrorKind != KindConnect || got.Failures != 1 || !got.NextRun.IsZero() {
		t.Errorf("fetch of a closed port: kind %q failures %d next %v err %v", got.LastErrorKind, got.Failures, got.NextRun, err)
	}
}

func TestTenancy_anotherUsersExternalAccountsAreNotFound(t *testing.T) {
	f := newFixture(t)
	x := f.pop3(t, newMaildrop(t), 0, "right")
	lee := actor.User(f.b.Account("lee", nil))
	if _, err := f.s.Get(f.b.Ctx, lee, x.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get: %v", err)
	}
	if _, err := f.s.Update(f.b.Ctx, lee, x.ID, x.Settings); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Update: %v", err)
	}
	if _, err := f.s.FetchNow(f.b.Ctx, lee, x.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FetchNow: %v", err)
	}
	if err := f.s.Delete(f.b.Ctx, lee, x.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Delete: %v", err)
	}
	if list, _ := f.s.List(f.b.Ctx, lee); len(list) != 0 {
		t.Errorf("lee lists %+v", list)
	}
	if _, err := f.s.List(f.b.Ctx, actor.CommandLine); !errors.Is(err, ErrForbidden) {
		t.Errorf("an operator's List: %v", err)
	}
}

func TestCreate_passwordSealedAndNeverShown(t *testing.T) {
	f := newFixture(t)
	x := f.pop3(t, newMaildrop(t), 0, "right-horse-battery")
	kimID, _ := f.kim.OwnAccount()
	row, err := f.b.Store.ExternalAccount(f.b.Ctx, kimID, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(row.Password, []byte("right-horse")) || len(row.Password) < 28 {
		t.Errorf("stored password %q is not sealed", row.Password)
	}
	if !x.PasswordSet || x.Password != "" {
		t.Errorf("the account shows its password: %+v", x)
	}
	if p, err := f.s.open(f.b.Ctx, kimID+1, row.Password); err == nil || p != "" {
		t.Errorf("the sealed password opened for another account")
	}
}

func TestCreate_invalidSettingsNameTheField(t *testing.T) {
	f := newFixture(t)
	ok := Settings{Name: "x", Protocol: POP3, Host: "pop.example.net", Security: TLS, User: "kim", Password: "p", Every: 10}
	for _, c := range []struct {
		field, reason string
		mod           func(*Settings)
	}{
		{"name", "required", func(s *Settings) { s.Name = " " }},
		{"protocol", "unknown", func(s *Settings) { s.Protocol = "smtp" }},
		{"host", "invalid", func(s *Settings) { s.Host = "pop.example.net:995" }},
		{"security", "plain_needs_consent", func(s *Settings) { s.Security = None }},
		{"port", "invalid", func(s *Settings) { s.Port = 70000 }},
		{"user", "required", func(s *Settings) { s.User = "" }},
		{"password", "required", func(s *Settings) { s.Password = "" }},
		{"every", "unknown", func(s *Settings) { s.Every = 15 }},
		{"folder", "not_found", func(s *Settings) { s.Folder = "없는 폴더" }},
	} {
		in := ok
		c.mod(&in)
		_, err := f.s.Create(f.b.Ctx, f.kim, in)
		if ie, isInv := IsInvalid(err); !isInv || ie.Field != c.field || ie.Reason != c.reason {
			t.Errorf("%s: %v, want %s %s", c.field, err, c.field, c.reason)
		}
	}
	plain := ok
	plain.Security, plain.PlainOK = None, true
	got, err := f.s.Create(f.b.Ctx, f.kim, plain)
	if err != nil || got.Port != 110 || got.Folder != "INBOX" {
		t.Fatalf("plain text with consent: %+v, %v", got, err)
	}
	for range MaxAccounts - 1 {
		if _, err := f.s.Create(f.b.Ctx, f.kim, ok); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.Create(f.b.Ctx, f.kim, ok); err == nil {
		t.Errorf("a sixth external account was accepted")
	} else if ie, _ := IsInvalid(err); ie == nil || ie.Reason != "too_many" {
		t.Errorf("sixth: %v", err)
	}
}

func TestFetchNow_tlsToAPlainServerIsATLSFailure(t *testing.T) {
	f := newFixture(t)
	m := newMaildrop(t, msg("one"))
	x, err := f.s.Create(f.b.Ctx, f.kim, Settings{Name: "tls", Protocol: POP3, Host: "127.0.0.1", Port: m.port(),
		Security: TLS, User: "kim", Password: "right", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.s.FetchNow(f.b.Ctx, f.kim, x.ID)
	if err != nil || got.LastErrorKind != KindTLS {
		t.Errorf("TLS to a plain-text server: kind %q (%s), %v", got.LastErrorKind, got.LastError, err)
	}
	if logins, _ := m.counts(); logins != 0 {
		t.Errorf("the password was sent")
	}
}
