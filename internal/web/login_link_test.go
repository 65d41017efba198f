package web

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"postroom/internal/admin"
	"postroom/internal/store"
)

// linkAnswer is the answer of POST .../login-link.
type linkAnswer struct {
	URL     string `json:"url"`
	Expires string `json:"expires"`
}

// secretOf is the secret in a link's URL, which must be the webmail's
// page with the secret in the fragment.
func secretOf(t *testing.T, f *fixture, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	secret, ok := strings.CutPrefix(u.Fragment, "/login-link/")
	if !ok || u.Scheme+"://"+u.Host != f.ts.URL || u.Path != "/" || u.RawQuery != "" || !strings.HasPrefix(secret, "prl_") {
		t.Fatalf("link %q: want %s/#/login-link/prl_...", link, f.ts.URL)
	}
	return secret
}

// useLink posts a link's secret as the page does, from a fresh browser.
func (f *fixture) useLink(t *testing.T, secret, lang string) (*client, int, map[string]apiError) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, f: f, http: &http.Client{Jar: jar}}
	var out struct {
		CSRF  string
		Error apiError
	}
	code := c.do("POST", "/api/v1/session/link", map[string]string{"token": secret, "language": lang}, &out)
	c.csrf = out.CSRF
	return c, code, map[string]apiError{"error": out.Error}
}

// M14: a token makes a link for a user of its domain; fetching the URL
// changes nothing; the page's POST starts a session that works; the
// second use is refused in the user's language; the link dies at two
// minutes; another domain's user is 404; a revoked token is 401; the
// audit log has the link, never its secret.
func TestLoginLink_tokenMakesOneTimeLink(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(time.Date(2026, 4, 1, 2, 3, 4, 0, time.UTC))
	f.srv.LoginLinks = &admin.Service{Store: f.Store, Now: f.clock.Now}
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	victim := f.Account("victim", func(a *store.Account) { a.DomainID = other.ID })
	boss := f.login(t, "boss@example.test")
	var tok tokenJSON
	if code := boss.do("POST", "/api/v1/admin/tokens", map[string]string{"name": "portal"}, &tok); code != 201 {
		t.Fatalf("token: %d", code)
	}
	linkPath := func(id int64) string {
		return "/api/v1/admin/users/" + strconv.FormatInt(f.srv.outID(idAccount, id), 10) + "/login-link"
	}
	mk := func() string {
		t.Helper()
		code, body := f.bearer(t, "POST", linkPath(f.alice.ID), tok.Secret, nil)
		var l linkAnswer
		json.Unmarshal(body, &l)
		exp, err := time.Parse(time.RFC3339, l.Expires)
		if code != 201 || err != nil || !exp.Equal(f.clock.Now().Add(2*time.Minute)) {
			t.Fatalf("login link: %d %s", code, body)
		}
		return secretOf(t, f, l.URL)
	}
	secret := mk()

	// a scanner fetching the URL gets the page and spends nothing
	resp, err := http.Get(f.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c, code, _ := f.useLink(t, secret, "en")
	if code != 200 || c.csrf == "" {
		t.Fatalf("using the link: %d", code)
	}
	var who struct{ Account accountJSON }
	if code := c.do("GET", "/api/v1/session", nil, &who); code != 200 || who.Account.Email != "alice@example.test" {
		t.Errorf("the link's session: %d %+v", code, who)
	}
	if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 200 {
		t.Errorf("mailboxes with the link's session: %d", code)
	}
	if code := c.do("POST", "/api/v1/mailboxes", map[string]string{"name": "링크"}, nil); code != 201 {
		t.Errorf("a change with the link's session and its CSRF token: %d", code)
	}
	_, code, e := f.useLink(t, secret, "ko")
	if code != 410 || e["error"].Code != "link_invalid" || !strings.Contains(e["error"].Message, "만료") {
		t.Errorf("second use: %d %+v", code, e)
	}
	_, code, e = f.useLink(t, secret, "en")
	if code != 410 || !strings.Contains(e["error"].Message, "expired") {
		t.Errorf("second use in English: %d %+v", code, e)
	}

	late := mk()
	f.clock.Add(2 * time.Minute)
	if _, code, _ := f.useLink(t, late, "en"); code != 410 {
		t.Errorf("a link two minutes old: %d, want 410", code)
	}

	if code, body := f.bearer(t, "POST", linkPath(victim.ID), tok.Secret, nil); code != 404 {
		t.Errorf("another domain's user: %d %s", code, body)
	}
	if code := boss.do("POST", linkPath(f.bob.ID), nil, nil); code != 201 {
		t.Errorf("the administrator's own session: %d", code)
	}
	if code := f.login(t, "alice@example.test").do("POST", linkPath(f.bob.ID), nil, nil); code != 403 {
		t.Errorf("a user: %d, want 403", code)
	}
	if code := boss.do("DELETE", "/api/v1/admin/tokens/"+strconv.FormatInt(tok.ID, 10), nil, nil); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	if code, _ := f.bearer(t, "POST", linkPath(f.alice.ID), tok.Secret, nil); code != 401 {
		t.Errorf("a revoked token: %d, want 401", code)
	}

	log, err := f.Store.AuditEntries(f.Ctx, f.alice.DomainID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, en := range log {
		if strings.Contains(en.Detail, secret) || strings.Contains(en.Detail, late) || strings.Contains(en.Target, "prl_") {
			t.Errorf("the audit log holds a secret: %+v", en)
		}
		if en.Action == "user.login_link" && en.Target == "alice@example.test" && en.Actor == "token portal" && en.Remote == "127.0.0.1" {
			links++
		}
	}
	if links != 2 {
		t.Errorf("%d login links of alice by the token in the audit log, want 2: %+v", links, log)
	}
}
