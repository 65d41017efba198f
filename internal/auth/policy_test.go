package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/store"
	"postroom/internal/store/sqlite"
	"postroom/internal/testbed/clock"
)

// policyFixture is a domain in Seoul with a user (alice, Korean), an
// administrator (boss, English) and the policies wired as serve does.
type policyFixture struct {
	ctx         context.Context
	st          *sqlite.Store
	dom         *store.Domain
	clock       *clock.Fake
	pol         *Policies
	s           *Sessions
	alice, boss *store.Account
	mail        *mailCatcher
}

type caughtMail struct{ to, raw string }

type mailCatcher struct {
	mu   sync.Mutex
	sent []caughtMail
}

func (m *mailCatcher) send(_ context.Context, to string, raw []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, caughtMail{to, string(raw)})
	return nil
}

func (m *mailCatcher) take() []caughtMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.sent
	m.sent = nil
	return out
}

var policyHash = sync.OnceValues(func() (string, error) { return HashPassword("pw") })

func newPolicyFixture(t *testing.T, at time.Time) *policyFixture {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &policyFixture{ctx: context.Background(), st: st, clock: clock.At(at), mail: &mailCatcher{}}
	f.dom = &store.Domain{Name: "example.test", TimeZone: "Asia/Seoul", Language: "ko"}
	if err := st.CreateDomain(f.ctx, f.dom); err != nil {
		t.Fatal(err)
	}
	f.alice = f.account(t, "alice", "ko", false)
	f.boss = f.account(t, "boss", "en", true)
	f.pol = &Policies{Store: st, Mail: f.mail.send}
	a := NewAuthenticator(st, false)
	a.Now = f.clock.Now
	f.s = &Sessions{Store: st, Auth: a, Policy: f.pol, Ages: f.pol, Watch: f.pol, Now: f.clock.Now}
	return f
}

func (f *policyFixture) account(t *testing.T, local, lang string, admin bool) *store.Account {
	t.Helper()
	hash, err := policyHash()
	if err != nil {
		t.Fatal(err)
	}
	a := &store.Account{DomainID: f.dom.ID, LocalPart: local, PasswordHash: hash, Enabled: true, ClientAccess: true,
		Language: lang, TimeZone: "Asia/Seoul", Admin: admin}
	if err := f.st.CreateAccount(f.ctx, a); err != nil {
		t.Fatal(err)
	}
	a, err = f.st.Account(f.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *policyFixture) setPolicy(t *testing.T, mod func(*Security)) {
	t.Helper()
	sec := DefaultSecurity()
	mod(&sec)
	doc, err := json.Marshal(sec)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.SaveDomainSecurity(f.ctx, f.dom.ID, doc); err != nil {
		t.Fatal(err)
	}
}

func (f *policyFixture) webLogin(addr string, from net.Addr) (*Session, error) {
	return f.s.Login(f.ctx, Request{Address: addr, Password: "pw", Remote: from, TLS: true}, "ko")
}

func tcp(ip string) *net.TCPAddr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000} }

var seoul = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		panic(err)
	}
	return loc
}()

// M7: the allowed addresses refuse a user's webmail from elsewhere, with
// the reason, but admit him from a listed IPv4 or IPv6 network, admit an
// administrator from anywhere, and never apply to IMAP from the same
// address.
func TestPolicy_allowedIPsRefuseUsersOnlyOnTheWeb(t *testing.T) {
	f := newPolicyFixture(t, time.Date(2026, 5, 6, 3, 0, 0, 0, time.UTC))
	f.setPolicy(t, func(s *Security) { s.AllowedIPs = []string{"203.0.113.0/24", "2001:db8::/32"} })
	for _, c := range []struct {
		who, from string
		reason    string // "" admitted
	}{
		{"alice@example.test", "198.51.100.7", ReasonIPNotAllowed},
		{"alice@example.test", "203.0.114.1", ReasonIPNotAllowed},
		{"alice@example.test", "2001:db9::1", ReasonIPNotAllowed},
		{"alice@example.test", "203.0.113.200", ""},
		{"alice@example.test", "2001:db8:5::1", ""},
		{"alice@example.test", "::ffff:203.0.113.9", ""},
		{"boss@example.test", "198.51.100.7", ""},
	} {
		_, err := f.webLogin(c.who, tcp(c.from))
		if c.reason == "" && err != nil || c.reason != "" && (!errors.Is(err, ErrAccessDenied) || AccessReason(err) != c.reason) {
			t.Errorf("web login %s from %s: %v, want reason %q", c.who, c.from, err, c.reason)
		}
	}
	for _, p := range []Protocol{ProtoIMAP, ProtoPOP3, ProtoSMTP, ProtoCardDAV} {
		if _, err := f.s.Auth.Login(f.ctx, Request{Address: "alice@example.test", Password: "pw", Protocol: p,
			Remote: tcp("198.51.100.7"), TLS: true}); err != nil {
			t.Errorf("%s login from an address the webmail refuses: %v", p, err)
		}
	}
}

// A live session of a user whose address becomes disallowed is refused
// at its next use, with the reason, and works again once the rules let
// it in; an administrator's is never refused.
func TestPolicy_liveSessionRefusedAtItsNextUse(t *testing.T) {
	f := newPolicyFixture(t, time.Date(2026, 5, 6, 3, 0, 0, 0, time.UTC))
	office := tcp("203.0.113.10")
	alice, err := f.webLogin("alice@example.test", office)
	if err != nil {
		t.Fatal(err)
	}
	boss, err := f.webLogin("boss@example.test", office)
	if err != nil {
		t.Fatal(err)
	}
	f.setPolicy(t, func(s *Security) { s.AllowedIPs = []string{"198.51.100.0/24"} })
	if _, err := f.s.Load(f.ctx, alice.Token, Client{Remote: office}); AccessReason(err) != ReasonIPNotAllowed {
		t.Errorf("alice's session from a disallowed address: %v", err)
	}
	if _, err := f.s.Load(f.ctx, boss.Token, Client{Remote: office}); err != nil {
		t.Errorf("the administrator's session: %v", err)
	}
	f.setPolicy(t, func(s *Security) { s.BlockAll = true })
	if _, err := f.s.Load(f.ctx, alice.Token, Client{Remote: office}); AccessReason(err) != ReasonBlocked {
		t.Errorf("alice's session while everyone is blocked: %v", err)
	}
	if _, err := f.webLogin("alice@example.test", office); AccessReason(err) != ReasonBlocked {
		t.Errorf("alice's login while everyone is blocked: %v", err)
	}
	if _, err := f.webLogin("boss@example.test", office); err != nil {
		t.Errorf("the administrator's login while everyone is blocked: %v", err)
	}
	f.setPolicy(t, func(s *Security) {})
	if _, err := f.s.Load(f.ctx, alice.Token, Client{Remote: office}); err != nil {
		t.Errorf("alice's session once the block is lifted: %v", err)
	}
}

// M9: the window 18:01–08:59 is read in the domain's zone (Seoul, UTC+9)
// and wraps midnight: only 09:00–18:00 is allowed, to the minute.
func TestPolicy_timeWindowWrapsMidnightInTheDomainsZone(t *testing.T) {
	f := newPolicyFixture(t, time.Date(2026, 5, 6, 3, 0, 0, 0, time.UTC))
	f.setPolicy(t, func(s *Security) {
		s.TimeWindow = TimeWindow{Enabled: true, DenyFrom: "18:01", DenyTo: "08:59"}
	})
	for _, c := range []struct {
		hh, mm int // Seoul
		denied bool
	}{
		{23, 30, true}, {7, 0, true}, {12, 0, false}, {0, 0, true}, {8, 59, true}, {9, 0, false},
		{18, 0, false}, {18, 1, true},
	} {
		at := time.Date(2026, 5, 6, c.hh, c.mm, 0, 0, seoul)
		f.clock.Set(at.UTC()) // the server's clock is UTC: the zone is the domain's
		_, err := f.webLogin("alice@example.test", tcp("203.0.113.10"))
		if c.denied != (AccessReason(err) == ReasonOutsideHours) || !c.denied && err != nil {
			t.Errorf("alice at %02d:%02d Seoul: %v, denied %v", c.hh, c.mm, err, c.denied)
		}
		if _, err := f.webLogin("boss@example.test", tcp("203.0.113.10")); err != nil {
			t.Errorf("the administrator at %02d:%02d Seoul: %v", c.hh, c.mm, err)
		}
	}
	// a window that does not wrap
	w := TimeWindow{Enabled: true, DenyFrom: "12:00", DenyTo: "13:00"}
	for hh, want := range map[int]bool{11: false, 12: true, 13: true, 14: false} {
		if got, err := w.Denies(time.Date(2026, 5, 6, hh, 0, 0, 0, seoul)); err != nil || got != want {
			t.Errorf("12:00–13:00 at %02d:00: %v %v, want %v", hh, got, err, want)
		}
	}
}

// M10: a user's session unused for the auto logout ends on the server
// (its row is gone); an administrator's keeps the server's idle time.
func TestPolicy_autoLogoutEndsIdleSessionsServerSide(t *testing.T) {
	f := newPolicyFixture(t, time.Date(2026, 5, 6, 3, 0, 0, 0, time.UTC))
	f.setPolicy(t, func(s *Security) { s.AutoLogoutMinutes = 30 })
	from := tcp("203.0.113.10")
	alice, err := f.webLogin("alice@example.test", from)
	if err != nil {
		t.Fatal(err)
	}
	boss, err := f.webLogin("boss@example.test", from)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(29 * time.Minute)
	if _, err := f.s.Load(f.ctx, alice.Token, Client{Remote: from}); err != nil {
		t.Fatalf("a session used within 30 minutes: %v", err)
	}
	f.clock.Add(31 * time.Minute)
	if _, err := f.s.Load(f.ctx, alice.Token, Client{Remote: from}); !errors.Is(err, ErrNoSession) {
		t.Errorf("a session idle for 31 minutes: %v, want ErrNoSession", err)
	}
	if _, err := f.st.WebSession(f.ctx, tokenHash(alice.Token)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the idle session is still stored: %v", err)
	}
	if _, err := f.s.Load(f.ctx, boss.Token, Client{Remote: from}); err != nil {
		t.Errorf("the administrator's session after an hour: %v", err)
	}
}

// M11's levels, as the console states them.
func TestPasswordLevels_acceptAndRefuse(t *testing.T) {
	for _, c := range []struct {
		level    int
		local    string
		password string
		reason   string // "" accepted
	}{
		{0, "kim.minji", "long-enough", ""},
		{0, "kim.minji", "short-pw1", "too_short"},
		{1, "kim.minji", "abcd1234", ""},
		{1, "kim.minji", "abc1234", "too_short"},
		{1, "kim.minji", "abcdefgh", "letters_and_digits"},
		{1, "kim.minji", "12345678", "letters_and_digits"},
		{1, "kim.minji", "비밀번호입니다12", ""},
		{1, "kim.minji", "KIM.MINJI", "same_as_address"},
		{1, "kim.minji", "kim.minji@Example.test", "same_as_address"},
		{2, "kim.minji", "abcdef1234", "three_classes"},
		{2, "kim.minji", "Abcdef1234", ""},
		{2, "kim.minji", "abcdef12!@", ""},
		{2, "kim.minji", "Abcde123!", "too_short"},
		{2, "kim.minji", "bad\npass-Word1", "invalid_characters"},
		{3, "kim.minji", "Abcdef12345!", ""},
		{3, "kim.minji", "Abcdef1234!", "too_short"},
		{3, "kim.minji", "abcdefgh1234", "three_classes"},
		{3, "kim.minji", "Minji-2026-pass", "contains_id"},
		{3, "kim.minji", "Kim.Minji.2026", "contains_id"},
		{3, "kim.minji", "Xk-2026-Pass!", ""},
		{3, "kim.minji", strings.Repeat("Aa1!", 65), "too_long"},
	} {
		err := PasswordRules{Level: c.level}.Policy().Check(c.local, c.password)
		pe, _ := IsPolicyError(err)
		if c.reason == "" && err != nil || c.reason != "" && (pe == nil || pe.Reason != c.reason) {
			t.Errorf("level %d, %q: %v, want %q", c.level, c.password, err, c.reason)
		}
	}
}

// M11 where the user sets a password himself: his change and a reset
// link follow the domain's level.
func TestPasswordLevels_userChangeAndResetLink(t *testing.T) {
	f := newPolicyFixture(t, time.Now())
	f.setPolicy(t, func(s *Security) { s.PasswordPolicy.Level = 3 })
	p := &Passwords{Store: f.st, Sessions: f.s, Policies: f.pol}
	sess, err := f.webLogin("alice@example.test", tcp("203.0.113.10"))
	if err != nil {
		t.Fatal(err)
	}
	c := Client{Remote: tcp("203.0.113.10"), TLS: true}
	for pw, reason := range map[string]string{"Abcdef1234!": "too_short", "abcdefgh1234": "three_classes", "Alice-2026-pass": "contains_id"} {
		if pe, ok := IsPolicyError(p.Change(f.ctx, sess, c, "pw", pw)); !ok || pe.Reason != reason {
			t.Errorf("change to %q: %v, want %s", pw, pe, reason)
		}
	}
	if err := p.Change(f.ctx, sess, c, "pw", "Xk-2026-Pass!"); err != nil {
		t.Fatalf("a level-3 password: %v", err)
	}
	token := "reset-token-of-alice"
	if err := f.st.CreatePasswordReset(f.ctx, tokenHash(token), f.alice.ID, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.s.Now = time.Now // the reset's expiry is on the store's clock
	if pe, ok := IsPolicyError(p.ConfirmReset(f.ctx, token, "abcdefgh1234")); !ok || pe.Reason != "three_classes" {
		t.Errorf("reset to a level-1 password: %v", pe)
	}
	if err := p.ConfirmReset(f.ctx, token, "Other-2026-Pass?"); err != nil {
		t.Errorf("reset to a level-3 password: %v", err)
	}
}

// M11's change interval: a password older than change_days makes the
// login say so; without allow_later the session must change it first,
// and a change ends that.
func TestPolicy_expiredPasswordAtLogin(t *testing.T) {
	// the store records when a password is set on its own clock: the
	// server's is put 91 days after it
	f := newPolicyFixture(t, time.Now().Add(91*24*time.Hour))
	from := tcp("203.0.113.10")
	sess, err := f.webLogin("alice@example.test", from)
	if err != nil || sess.PasswordExpired {
		t.Fatalf("no interval: %v, expired %v", err, sess != nil && sess.PasswordExpired)
	}
	f.setPolicy(t, func(s *Security) { s.PasswordPolicy = PasswordRules{ChangeDays: 90, AllowLater: true} })
	sess, err = f.webLogin("alice@example.test", from)
	if err != nil || !sess.PasswordExpired || !sess.ChangeLater || sess.MustChangePassword() {
		t.Fatalf("90 days, later allowed: %v %+v", err, sess)
	}
	f.setPolicy(t, func(s *Security) { s.PasswordPolicy = PasswordRules{ChangeDays: 90} })
	sess, err = f.webLogin("alice@example.test", from)
	if err != nil || !sess.MustChangePassword() {
		t.Fatalf("90 days, no later: %v %+v", err, sess)
	}
	if got, err := f.s.Load(f.ctx, sess.Token, Client{Remote: from}); err != nil || !got.MustChangePassword() {
		t.Errorf("the session's next use: %v %+v", err, got)
	}
	f.setPolicy(t, func(s *Security) { s.PasswordPolicy = PasswordRules{ChangeDays: 100} })
	if got, err := f.s.Load(f.ctx, sess.Token, Client{Remote: from}); err != nil || got.PasswordExpired {
		t.Errorf("a 91-day-old password under 100 days: %v %+v", err, got)
	}
	f.setPolicy(t, func(s *Security) { s.PasswordPolicy = PasswordRules{ChangeDays: 90} })
	p := &Passwords{Store: f.st, Sessions: f.s, Policies: f.pol}
	if err := p.Change(f.ctx, sess, Client{Remote: from, TLS: true}, "pw", "a-fresh-password-1"); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(time.Now().Add(time.Minute))
	if got, err := f.s.Load(f.ctx, sess.Token, Client{Remote: from}); err != nil || got.PasswordExpired {
		t.Errorf("after the change: %v %+v", err, got)
	}
	// mail clients are not asked
	if _, err := f.s.Auth.Login(f.ctx, Request{Address: "boss@example.test", Password: "pw", Protocol: ProtoIMAP, Remote: from, TLS: true}); err != nil {
		t.Errorf("IMAP with an expired password: %v", err)
	}
}

// M12: a web login from a /24 the account did not use in the last 30
// days mails each administrator once, in his language; a known /24, a
// second login from the new one, and IMAP logins mail nobody.
func TestLoginWatch_mailsOnceForANewNetwork(t *testing.T) {
	f := newPolicyFixture(t, time.Date(2026, 5, 6, 3, 0, 0, 0, time.UTC))
	f.account(t, "kim", "ko", true)  // a second administrator, in Korean
	f.account(t, "gone", "ko", true) // suspended below: not warned
	gone, _ := f.st.AccountByAddress(f.ctx, "gone@example.test")
	gone.Enabled = false
	if err := f.st.UpdateAccount(f.ctx, gone); err != nil {
		t.Fatal(err)
	}
	f.setPolicy(t, func(s *Security) { s.LoginWatch = LoginWatch{Enabled: true, Days: 30, Class: "C"} })
	past := func(ip string, days int, proto string) {
		l := &store.Login{AccountID: f.alice.ID, Time: f.clock.Now().AddDate(0, 0, -days), Protocol: proto, IP: ip, Success: true}
		if err := f.st.RecordLogin(f.ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	past("203.0.113.5", 3, "imap")   // the office, from a phone
	past("198.51.100.20", 40, "web") // a hotel, too long ago
	for _, c := range []struct {
		from   string
		mailed bool
	}{
		{"203.0.113.77", false},  // the office's /24
		{"198.51.100.21", true},  // the hotel's, not seen for 40 days
		{"198.51.100.99", false}, // the same network again: warned once
		{"192.0.2.1", true},      // another
		{"192.0.2.1", false},
	} {
		f.clock.Add(time.Minute)
		if _, err := f.webLogin("alice@example.test", tcp(c.from)); err != nil {
			t.Fatal(err)
		}
		sent := f.mail.take()
		if !c.mailed {
			if len(sent) != 0 {
				t.Errorf("login from %s mailed %d warnings", c.from, len(sent))
			}
			continue
		}
		byTo := map[string]string{}
		for _, m := range sent {
			byTo[m.to] = m.raw
		}
		if len(sent) != 2 || byTo["boss@example.test"] == "" || byTo["kim@example.test"] == "" {
			t.Fatalf("login from %s mailed %v, want boss and kim once", c.from, mapKeysOf(byTo))
		}
		if subj, body := readMail(t, byTo["boss@example.test"]); subj != "[Postroom] Login from a new network: alice@example.test" ||
			!strings.Contains(body, "IP address: "+c.from) {
			t.Errorf("the English warning: %q\n%s", subj, body)
		}
		if subj, body := readMail(t, byTo["kim@example.test"]); subj != "[Postroom] 새 네트워크에서 로그인: alice@example.test" ||
			!strings.Contains(body, "IP 주소: "+c.from) || !strings.Contains(body, "최근 30일") {
			t.Errorf("the Korean warning: %q\n%s", subj, body)
		}
	}
	// a mail client from yet another network is not watched
	if _, err := f.s.Auth.Login(f.ctx, Request{Address: "alice@example.test", Password: "pw", Protocol: ProtoIMAP,
		Remote: tcp("100.64.0.1"), TLS: true}); err != nil {
		t.Fatal(err)
	}
	if sent := f.mail.take(); len(sent) != 0 {
		t.Errorf("an IMAP login mailed %d warnings", len(sent))
	}
	// class B compares the /16: 192.0.3.x is the /16 of 192.0.2.1
	f.setPolicy(t, func(s *Security) { s.LoginWatch = LoginWatch{Enabled: true, Days: 30, Class: "B"} })
	if _, err := f.webLogin("alice@example.test", tcp("192.0.3.1")); err != nil {
		t.Fatal(err)
	}
	if sent := f.mail.take(); len(sent) != 0 {
		t.Errorf("class B, a known /16: %d warnings", len(sent))
	}
}

// readMail decodes a warning's subject and text, and checks that it is
// one no responder answers (RFC 3834).
func readMail(t *testing.T, raw string) (subject, text string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if m.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("no Auto-Submitted: auto-generated:\n%s", raw)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Content-Transfer-Encoding") == "base64" {
		if body, err = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\r\n", "")); err != nil {
			t.Fatal(err)
		}
	}
	return subject, string(body)
}

func mapKeysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
