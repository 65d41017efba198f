package web

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"postroom/internal/auth"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// operatorLogin makes the system operator (as `postroom serve` does at
// first start) and logs in with its name on the login route.
func (f *fixture) operatorLogin(t *testing.T, lang string) *client {
	t.Helper()
	hash, err := auth.HashPassword("operator-pw")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Store.CreateOperator(f.Ctx, &store.Operator{Name: "operator", PasswordHash: hash}); err != nil && err != store.ErrExists {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, f: f, http: &http.Client{Jar: jar}}
	var out struct {
		CSRF, Role, Language string
	}
	if code := c.do("POST", "/api/v1/session", map[string]string{"email": "operator", "password": "operator-pw", "language": lang}, &out); code != 200 || out.CSRF == "" {
		t.Fatalf("operator login: %d", code)
	}
	if out.Role != "operator" || out.Language != lang {
		t.Fatalf("operator login answered %+v", out)
	}
	c.csrf = out.CSRF
	return c
}

type invalidAnswer struct {
	Error fieldError
}

// The first hour: the operator logs in on the web with the printed name,
// makes a domain, its administrator and a user, reads its DNS records;
// the new users log in to the webmail.
func TestOperator_createsDomainAdministratorAndUsers(t *testing.T) {
	f := newFixture(t)
	op := f.operatorLogin(t, "ko")

	var sess struct{ Role, CSRF string }
	if code := op.do("GET", "/api/v1/session", nil, &sess); code != 200 || sess.Role != "operator" || sess.CSRF != op.csrf {
		t.Fatalf("GET session as operator: %d %+v", code, sess)
	}
	var d domainJSON
	if code := op.do("POST", "/api/v1/operator/domains", map[string]string{"name": " New-Company.CO.KR "}, &d); code != 201 || d.Name != "new-company.co.kr" {
		t.Fatalf("create domain: %d %+v", code, d)
	}
	var bad invalidAnswer
	if code := op.do("POST", "/api/v1/operator/domains", map[string]string{"name": "new-company.co.kr"}, &bad); code != 400 ||
		bad.Error.Code != "invalid" || bad.Error.Reason != "domain_exists" || bad.Error.Field != "name" {
		t.Fatalf("the same domain again: %d %+v", code, bad)
	}
	var boss userJSON
	if code := op.do("POST", "/api/v1/operator/domains/new-company.co.kr/admins",
		map[string]any{"email": "boss", "name": "홍길동", "password": "boss-password"}, &boss); code != 201 ||
		boss.Email != "boss@new-company.co.kr" || !boss.Admin || boss.Name != "홍길동" {
		t.Fatalf("create administrator: %d %+v", code, boss)
	}
	var kim userJSON
	if code := op.do("POST", "/api/v1/operator/domains/new-company.co.kr/users",
		map[string]any{"email": "kim@new-company.co.kr", "name": "김민지", "password": "kim-password", "quota": 1 << 30}, &kim); code != 201 ||
		kim.Admin || kim.QuotaBytes != 1<<30 || !kim.Enabled {
		t.Fatalf("create user: %d %+v", code, kim)
	}
	for _, c := range []struct {
		body          map[string]any
		field, reason string
	}{
		{map[string]any{"email": "lee", "password": "short"}, "password", "password_too_short"},
		{map[string]any{"email": "lee@example.test", "password": "long-enough"}, "email", "wrong_domain"},
		{map[string]any{"email": "kim", "password": "long-enough"}, "email", "account_exists"},
		{map[string]any{"email": "lee..sun", "password": "long-enough"}, "email", "invalid_address"},
	} {
		var e invalidAnswer
		code := op.do("POST", "/api/v1/operator/domains/new-company.co.kr/users", c.body, &e)
		if code != 400 || e.Error.Field != c.field || e.Error.Reason != c.reason || e.Error.Message == "" || e.Error.Message == c.reason {
			t.Errorf("create %v: %d %+v, want 400 %s/%s with a message", c.body, code, e.Error, c.field, c.reason)
		}
	}
	var e invalidAnswer
	op.do("POST", "/api/v1/operator/domains/new-company.co.kr/users", map[string]any{"email": "lee", "password": "x"}, &e)
	if !strings.Contains(e.Error.Message, "8자") {
		t.Errorf("the operator's session speaks Korean: %q", e.Error.Message)
	}
	var users struct{ Users []userJSON }
	if code := op.do("GET", "/api/v1/operator/domains/new-company.co.kr/users", nil, &users); code != 200 || len(users.Users) != 2 {
		t.Fatalf("users: %d %+v", code, users)
	}
	var doms struct{ Domains []domainJSON }
	op.do("GET", "/api/v1/operator/domains", nil, &doms)
	if len(doms.Domains) != 2 || doms.Domains[0].Name != "example.test" || doms.Domains[1].Accounts != 2 || doms.Domains[1].Admins != 1 {
		t.Fatalf("domains: %+v", doms)
	}
	var dns struct {
		Hostname string
		Records  []dnsRecordJSON
		Zone     string
	}
	if code := op.do("GET", "/api/v1/operator/domains/new-company.co.kr/dns", nil, &dns); code != 200 ||
		dns.Hostname != "mail.example.test" || !strings.Contains(dns.Zone, "new-company.co.kr. 3600 IN MX 10 mail.example.test.") {
		t.Fatalf("dns: %d %+v", code, dns)
	}
	if code := op.do("GET", "/api/v1/operator/domains/nowhere.test/users", nil, nil); code != 404 {
		t.Fatalf("users of an unknown domain: %d", code)
	}

	// the administrator and the user log in to the webmail
	for _, who := range []struct{ email, password, role string }{{"boss@new-company.co.kr", "boss-password", "admin"}, {"kim@new-company.co.kr", "kim-password", "user"}} {
		jar, _ := cookiejar.New(nil)
		c := &client{t: t, f: f, http: &http.Client{Jar: jar}}
		var out struct{ Role string }
		if code := c.do("POST", "/api/v1/session", map[string]string{"email": who.email, "password": who.password}, &out); code != 200 || out.Role != who.role {
			t.Fatalf("login %s: %d %+v", who.email, code, out)
		}
		if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 200 {
			t.Fatalf("%s reads his folders: %d", who.email, code)
		}
	}
}

// Each kind of session reaches only its own routes: the operator's
// console routes refuse mail users (domain administrators too), and the
// mail routes refuse the operator, who has no mailbox.
func TestOperator_routesAreTheOperatorsAlone(t *testing.T) {
	f := newFixture(t)
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	op := f.operatorLogin(t, "en")
	for _, who := range []struct {
		name string
		c    *client
	}{{"user", f.login(t, "alice@example.test")}, {"domain administrator", f.login(t, "boss@example.test")}} {
		for _, rt := range f.srv.routes() {
			if rt.access != operatorOnly {
				continue
			}
			path := strings.ReplaceAll(rt.path, "{name}", "example.test")
			if code := who.c.do(rt.method, path, map[string]any{"name": "evil.test", "email": "x", "password": "long-enough"}, nil); code != 403 {
				t.Errorf("%s: %s %s = %d, want 403", who.name, rt.method, path, code)
			}
		}
	}
	anon := &client{t: t, f: f, http: &http.Client{}}
	for _, rt := range f.srv.routes() {
		path := strings.NewReplacer("{name}", "example.test", "{id}", "1", "{n}", "0", "{cid}", "x", "{token}", "x").Replace(rt.path)
		switch rt.access {
		case userOnly:
			if code := op.do(rt.method, path, map[string]any{}, nil); code != 403 {
				t.Errorf("operator: %s %s = %d, want 403", rt.method, path, code)
			}
		case operatorOnly:
			if code := anon.do(rt.method, path, nil, nil); code != 401 {
				t.Errorf("no session: %s %s = %d, want 401", rt.method, path, code)
			}
			if rt.method != "GET" {
				if code := op.doCSRF(rt.method, path, map[string]any{}, nil, ""); code != 403 {
					t.Errorf("operator without CSRF token: %s %s = %d, want 403", rt.method, path, code)
				}
			}
		}
	}
	if doms, _ := f.Store.Domains(f.Ctx); len(doms) != 1 {
		t.Fatalf("refused requests made domains: %+v", doms)
	}
	// the console's language is the session's own
	var out struct{ Language string }
	if code := op.do("PATCH", "/api/v1/session", map[string]string{"language": "ko"}, &out); code != 200 || out.Language != "ko" {
		t.Fatalf("PATCH session language: %d %+v", code, out)
	}
	var e invalidAnswer
	op.do("POST", "/api/v1/operator/domains", map[string]string{"name": "bad name"}, &e)
	if e.Error.Reason != "invalid_domain" || !strings.Contains(e.Error.Message, "도메인") {
		t.Fatalf("after switching to Korean: %+v", e.Error)
	}
	if code := op.do("PATCH", "/api/v1/session", map[string]string{"language": "fr"}, nil); code != 400 {
		t.Fatalf("PATCH session language fr: %d", code)
	}
	// a wrong operator password is the same refusal as a wrong address
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, f: f, http: &http.Client{Jar: jar}}
	var refused struct{ Error apiError }
	if code := c.do("POST", "/api/v1/session", map[string]string{"email": "operator", "password": testbed.Password}, &refused); code != 401 ||
		refused.Error.Code != "invalid_credentials" {
		t.Fatalf("wrong operator password: %d %+v", code, refused)
	}
}
