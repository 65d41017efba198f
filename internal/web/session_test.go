package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"postroom/internal/auth"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

func cookieValue(t *testing.T, c *client) string {
	t.Helper()
	u, _ := url.Parse(c.f.ts.URL)
	for _, k := range c.http.Jar.Cookies(u) {
		if k.Name == cookieName {
			return k.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// hashOf is what the store keeps of a cookie value.
func hashOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// A restart (a new server over the same store), or another node, keeps
// users logged in; the store holds only the hash of the cookie value.
func TestSession_survivesRestartAndStoresOnlyAHash(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	token := cookieValue(t, c)
	if _, err := f.Store.WebSession(f.Ctx, token); err == nil {
		t.Fatal("the cookie value itself is stored")
	}
	if _, err := f.Store.WebSession(f.Ctx, hashOf(token)); err != nil {
		t.Fatalf("the session is not in the store: %v", err)
	}
	f.ts.Close()
	again := &Server{Mail: f.Mail, Sessions: &auth.Sessions{Store: f.Store, Auth: auth.NewAuthenticator(f.Store, false)},
		Events: f.Bus, Log: testbed.Quiet()}
	f.ts = httptest.NewServer(again.Handler())
	t.Cleanup(f.ts.Close)
	// the jar is keyed by host: move the cookie to the new port
	u, _ := url.Parse(f.ts.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: cookieName, Value: token, Path: "/"}})
	if code := c.do("POST", "/api/v1/mailboxes", map[string]string{"name": "재시작 후"}, nil); code != 201 {
		t.Fatalf("after a restart, a state change with the old CSRF token: %d", code)
	}
}

func TestSession_endsOnLogoutIdleAndSuspension(t *testing.T) {
	f := newFixture(t)
	// logout: the same cookie replayed is refused
	c := f.login(t, "alice@example.test")
	token := cookieValue(t, c)
	if code := c.do("DELETE", "/api/v1/session", nil, nil); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	u, _ := url.Parse(f.ts.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: cookieName, Value: token, Path: "/"}})
	if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 401 {
		t.Fatalf("a logged-out cookie: %d", code)
	}
	// idle longer than the sessions' Idle (the server's clock moves, no
	// sleep): a use just within Idle keeps the session, one after is refused
	f.sessions.Idle = 30 * time.Minute
	c = f.login(t, "alice@example.test")
	f.clock.Add(f.sessions.Idle - time.Second)
	if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 200 {
		t.Fatalf("a session used within Idle: %d", code)
	}
	f.clock.Add(f.sessions.Idle + time.Second)
	if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 401 {
		t.Fatalf("an idle session: %d", code)
	}
	if _, err := f.Store.WebSession(f.Ctx, hashOf(cookieValue(t, c))); err == nil {
		t.Fatal("the idle session stays in the store")
	}
	// suspension ends the account's sessions at their next request
	f.sessions.Idle = 0
	c = f.login(t, "alice@example.test")
	a, _ := f.Store.Account(f.Ctx, f.alice.ID)
	a.Enabled = false
	if err := f.Store.UpdateAccount(f.Ctx, a); err != nil {
		t.Fatal(err)
	}
	if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 401 {
		t.Fatalf("a suspended account's session: %d", code)
	}
	if _, err := f.Store.WebSession(f.Ctx, hashOf(cookieValue(t, c))); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the suspended account's session stays: %v", err)
	}
}
