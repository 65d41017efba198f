package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/auth"
	"postroom/internal/message"
	"postroom/internal/settings"
)

// sentMail is a message the reset flow handed to the outbound queue.
type sentMail struct {
	to  string
	raw string
}

type mailbag struct {
	mu   sync.Mutex
	sent []sentMail
}

func (m *mailbag) send(_ context.Context, to string, raw []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, sentMail{to, string(raw)})
	return nil
}

func (m *mailbag) all() []sentMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sentMail(nil), m.sent...)
}

// passwordFixture wires settings and passwords as serve does, with the
// outbound queue replaced by a bag (the queue's delivery is proven with
// the real server in tests/interop).
func passwordFixture(t *testing.T) (*fixture, *mailbag) {
	f := settingsFixture(t)
	set := f.srv.Settings.(*settings.Service)
	bag := &mailbag{}
	f.srv.Passwords = &auth.Passwords{Store: f.Store, Sessions: f.sessions, Reset: auth.ResetConfig{Mail: bag.send,
		Recovery: func(ctx context.Context, id int64) (string, error) {
			s, err := set.ForAccount(ctx, id)
			return s.RecoveryEmail, err
		},
		Link: func(token string) string { return "https://mail.example.test/#/reset/" + token }}}
	return f, bag
}

func (f *fixture) loginWith(t *testing.T, email, password string) (*client, int) {
	t.Helper()
	c := f.login(t, "bob@example.test") // a client with a jar; its session is replaced below
	var out struct{ CSRF string }
	code := c.do("POST", "/api/v1/session", map[string]string{"email": email, "password": password}, &out)
	c.csrf = out.CSRF
	return c, code
}

func TestAccountPassword_changeEndsOtherSessionsAndKeepsThisOne(t *testing.T) {
	f, _ := passwordFixture(t)
	c := f.login(t, "alice@example.test")
	other := f.login(t, "alice@example.test")
	bobs := f.login(t, "bob@example.test")
	const fresh = "새 비밀번호-2026"
	for _, tc := range []struct {
		current, new, field, reason string
	}{
		{"wrong", fresh, "current", "wrong_password"},
		{"pw", "short", "new", "too_short"},
		{"pw", "alice@example.test", "new", "same_as_address"},
		{"pw", "ALICE", "new", "too_short"},
	} {
		var e struct{ Error fieldError }
		code := c.do("POST", "/api/v1/account/password", map[string]string{"current": tc.current, "new": tc.new}, &e)
		if code != 400 || e.Error.Code != "invalid" || e.Error.Field != tc.field || e.Error.Reason != tc.reason || e.Error.Message == "" {
			t.Errorf("%s → %s: %d %+v", tc.current, tc.new, code, e.Error)
		}
		if tc.reason == "too_short" && !strings.Contains(e.Error.Message, "10") {
			t.Errorf("too_short says no length: %q", e.Error.Message)
		}
	}
	if code := other.do("GET", "/api/v1/settings", nil, nil); code != 200 {
		t.Fatalf("a refused change ended a session: %d", code)
	}
	if code := c.do("POST", "/api/v1/account/password", map[string]string{"current": "pw", "new": fresh}, nil); code != http.StatusNoContent {
		t.Fatalf("the change: %d", code)
	}
	if code := c.do("GET", "/api/v1/settings", nil, nil); code != 200 {
		t.Errorf("the session that changed the password ended: %d", code)
	}
	if code := other.do("GET", "/api/v1/settings", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("another session of the account: %d, want 401", code)
	}
	if code := bobs.do("GET", "/api/v1/settings", nil, nil); code != 200 {
		t.Errorf("another account's session: %d", code)
	}
	if _, code := f.loginWith(t, "alice@example.test", "pw"); code != http.StatusUnauthorized {
		t.Errorf("the old password: %d", code)
	}
	if _, code := f.loginWith(t, "alice@example.test", fresh); code != 200 {
		t.Errorf("the new password: %d", code)
	}
	// every protocol reads the same hash: IMAP is refused the old one
	if _, err := f.sessions.Auth.Login(f.Ctx, auth.Request{Address: "alice@example.test", Password: "pw", Protocol: auth.ProtoIMAP}); err == nil {
		t.Error("an IMAP login with the old password")
	}
}

var resetLinkRE = regexp.MustCompile(`https://mail\.example\.test/#/reset/([A-Za-z0-9_-]+)`)

func TestPasswordReset_oneTimeLinkToTheRecoveryAddress(t *testing.T) {
	f, bag := passwordFixture(t)
	c := f.login(t, "alice@example.test")
	if code := c.do("PATCH", "/api/v1/settings", map[string]any{"recovery_email": "alice.kim@remote.test"}, nil); code != 200 {
		t.Fatalf("recovery address: %d", code)
	}
	anon := func(path string, body any) (int, string) {
		jar := f.login(t, "bob@example.test") // a client; the routes are public
		var raw map[string]any
		code := jar.doCSRF("POST", path, body, &raw, "")
		f.srv.Passwords.(*auth.Passwords).Wait() // the link goes after the answer
		return code, strings.TrimSpace(strings.Join(mapKeys(raw), ","))
	}
	// the same answer for an account with a recovery address, one
	// without (bob), and no account
	for _, addr := range []string{"alice@example.test", "bob@example.test", "nobody@example.test"} {
		if code, body := anon("/api/v1/password-reset", map[string]string{"email": addr}); code != http.StatusAccepted || body != "" {
			t.Errorf("reset for %s: %d %q", addr, code, body)
		}
	}
	sent := bag.all()
	if len(sent) != 1 || sent[0].to != "alice.kim@remote.test" || !strings.Contains(sent[0].raw, "Auto-Submitted: auto-generated") {
		t.Fatalf("mails: %+v", sent)
	}
	m := resetLinkRE.FindStringSubmatch(message.Parse([]byte(sent[0].raw)).Text())
	if m == nil {
		t.Fatalf("no link in:\n%s", sent[0].raw)
	}
	token := m[1]
	if code, _ := anon("/api/v1/password-reset/confirm", map[string]string{"token": token, "new": "short"}); code != 400 {
		t.Errorf("a new password the policy refuses: %d", code)
	}
	const fresh = "Reset-Password-2026"
	if code, _ := anon("/api/v1/password-reset/confirm", map[string]string{"token": token, "new": fresh}); code != http.StatusNoContent {
		t.Fatalf("confirm (the refused try must leave the token usable): %d", code)
	}
	if code := c.do("GET", "/api/v1/settings", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("a session from before the reset: %d, want 401", code)
	}
	if _, code := f.loginWith(t, "alice@example.test", fresh); code != 200 {
		t.Errorf("login with the reset password: %d", code)
	}
	var e struct{ Error fieldError }
	jar := f.login(t, "bob@example.test")
	if code := jar.doCSRF("POST", "/api/v1/password-reset/confirm", map[string]string{"token": token, "new": "Another-Password-1"}, &e, ""); code != 400 || e.Error.Field != "token" || e.Error.Reason != "invalid_token" {
		t.Errorf("the token a second time: %d %+v", code, e.Error)
	}

	// a link expires after 30 minutes (the server's clock)
	anon("/api/v1/password-reset", map[string]string{"email": "alice@example.test"})
	sent = bag.all()
	late := resetLinkRE.FindStringSubmatch(message.Parse([]byte(sent[len(sent)-1].raw)).Text())[1]
	f.clock.Set(time.Now().Add(31 * time.Minute))
	if code, _ := anon("/api/v1/password-reset/confirm", map[string]string{"token": late, "new": "Expired-Password-1"}); code != 400 {
		t.Errorf("an expired link: %d", code)
	}
	f.clock.Set(time.Time{})

	// the budget per address: three in an hour, whether the address
	// exists or not; the answer is the same 429
	for addr, asked := range map[string]int{"alice@example.test": 2, "nobody@example.test": 1} {
		for ; asked < 3; asked++ {
			if code, _ := anon("/api/v1/password-reset", map[string]string{"email": addr}); code != http.StatusAccepted {
				t.Errorf("request %d for %s: %d", asked+1, addr, code)
			}
		}
		if code, _ := anon("/api/v1/password-reset", map[string]string{"email": addr}); code != http.StatusTooManyRequests {
			t.Errorf("a request over the budget for %s: %d", addr, code)
		}
	}
}

type shortPolicy struct{}

func (shortPolicy) PasswordPolicy(context.Context, int64) (auth.PasswordPolicy, error) {
	return auth.PasswordPolicy{MinLength: 2}, nil
}

// A domain's policy plugs in (the console's, later): with a minimum of 2
// the current password "pw" is long enough and is refused as the old one.
func TestAccountPassword_domainPolicyAndTheOldPassword(t *testing.T) {
	f, _ := passwordFixture(t)
	f.srv.Passwords.(*auth.Passwords).Policies = shortPolicy{}
	c := f.login(t, "alice@example.test")
	var e struct{ Error fieldError }
	if code := c.do("POST", "/api/v1/account/password", map[string]string{"current": "pw", "new": "pw"}, &e); code != 400 || e.Error.Reason != "same_as_old" {
		t.Errorf("the same password: %d %+v", code, e.Error)
	}
	if code := c.do("POST", "/api/v1/account/password", map[string]string{"current": "pw", "new": "p2"}, nil); code != http.StatusNoContent {
		t.Errorf("a short password the domain allows: %d", code)
	}
}

func mapKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
