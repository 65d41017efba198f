package web

import (
	"errors"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"postroom/internal/auth"
	"postroom/internal/deliver"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// loginStatus is the status of a webmail login (no session kept).
func (f *fixture) loginStatus(t *testing.T, email string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, f: f, http: &http.Client{Jar: jar}}
	return c.do("POST", "/api/v1/session", map[string]string{"email": email, "password": testbed.Password}, nil)
}

// The operator puts a domain on hold: its users' logins are refused on
// the web and on IMAP, a live web session ends at its next request, mail
// to it is refused with 550 5.2.1; another domain goes on. Resumed,
// everything works again. The domain's own administrator cannot touch
// the hold.
func TestOperatorDomain_holdAndResume(t *testing.T) {
	f := newFixture(t)
	op := f.operatorLogin(t, "ko")
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("lee", func(a *store.Account) { a.DomainID = other.ID })
	alice, boss := f.login(t, "alice@example.test"), f.login(t, "boss@example.test")
	pipeline := &deliver.Pipeline{Store: f.Store, Blobs: f.Blobs, Mail: f.Mail, Hostname: "mail.example.test"}
	imapLogin := func(address string) error {
		_, err := f.sessions.Auth.Login(f.Ctx, auth.Request{Address: address, Password: testbed.Password, Protocol: auth.ProtoIMAP,
			Remote: &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 1}})
		return err
	}

	if code := boss.do("PATCH", "/api/v1/operator/domains/example.test", map[string]any{"suspended": true}, nil); code != 403 {
		t.Fatalf("the domain's administrator PATCHed the operator's route: %d", code)
	}
	var d domainJSON
	if code := op.do("PATCH", "/api/v1/operator/domains/example.test", map[string]any{"suspended": true}, &d); code != 200 ||
		!d.Suspended || d.Name != "example.test" || d.Accounts != 3 || d.Admins != 1 {
		t.Fatalf("suspend: %d %+v", code, d)
	}
	if code := alice.do("GET", "/api/v1/mailboxes", nil, nil); code != 401 {
		t.Errorf("a live session on hold: %d, want 401", code)
	}
	if code := boss.do("GET", "/api/v1/admin/users", nil, nil); code != 401 {
		t.Errorf("the administrator's live session on hold: %d, want 401", code)
	}
	if code := f.loginStatus(t, "alice@example.test"); code != 403 {
		t.Errorf("webmail login on hold: %d, want 403", code)
	}
	if err := imapLogin("alice@example.test"); !errors.Is(err, auth.ErrSuspended) {
		t.Errorf("IMAP login on hold: %v", err)
	}
	if _, err := pipeline.Resolve(f.Ctx, "alice@example.test", 100); err == nil || !strings.HasPrefix(err.Error(), "550 5.2.1") {
		t.Errorf("mail on hold: %v, want 550 5.2.1", err)
	}
	if code := f.loginStatus(t, "lee@other.test"); code != 200 {
		t.Errorf("another domain's login: %d", code)
	}
	var doms struct{ Domains []domainJSON }
	op.do("GET", "/api/v1/operator/domains", nil, &doms)
	if len(doms.Domains) != 2 || !doms.Domains[0].Suspended || doms.Domains[1].Suspended {
		t.Errorf("domain list: %+v", doms)
	}

	if code := op.do("PATCH", "/api/v1/operator/domains/example.test", map[string]any{"suspended": false}, &d); code != 200 || d.Suspended {
		t.Fatalf("resume: %d %+v", code, d)
	}
	if code := f.loginStatus(t, "alice@example.test"); code != 200 {
		t.Errorf("webmail login resumed: %d", code)
	}
	if err := imapLogin("alice@example.test"); err != nil {
		t.Errorf("IMAP login resumed: %v", err)
	}
	if _, err := pipeline.Resolve(f.Ctx, "alice@example.test", 100); err != nil {
		t.Errorf("mail resumed: %v", err)
	}
	if code := op.do("PATCH", "/api/v1/operator/domains/nowhere.test", map[string]any{"suspended": true}, nil); code != 404 {
		t.Errorf("an unknown domain: %d, want 404", code)
	}
}

// The operator's terms are checked and answered in the session's
// language; the account limit refuses one account too many.
func TestOperatorDomain_termsAndUserLimit(t *testing.T) {
	f := newFixture(t)
	op := f.operatorLogin(t, "en")
	for _, c := range []struct {
		body          map[string]any
		field, reason string
	}{
		{map[string]any{"quota": -1}, "quota", "invalid_quota"},
		{map[string]any{"max_users": -2}, "max_users", "invalid_max_users"},
		{map[string]any{"language": "fr"}, "language", "invalid_language"},
		{map[string]any{"time_zone": "Nowhere/Town"}, "time_zone", "invalid_time_zone"},
	} {
		var e invalidAnswer
		if code := op.do("PATCH", "/api/v1/operator/domains/example.test", c.body, &e); code != 400 || e.Error.Field != c.field ||
			e.Error.Reason != c.reason || e.Error.Message == "" || e.Error.Message == c.reason {
			t.Errorf("PATCH %v: %d %+v, want 400 %s/%s with a message", c.body, code, e.Error, c.field, c.reason)
		}
	}
	var d domainJSON
	if code := op.do("PATCH", "/api/v1/operator/domains/example.test", map[string]any{"quota": 1 << 30, "max_users": 3,
		"language": "en", "time_zone": "UTC"}, &d); code != 200 || d.QuotaBytes != 1<<30 || d.MaxUsers != 3 || d.Language != "en" || d.TimeZone != "UTC" {
		t.Fatalf("terms: %d %+v", code, d)
	}
	if code := op.do("POST", "/api/v1/operator/domains/example.test/users", map[string]any{"email": "kim", "password": "kims-password-26"}, nil); code != 201 {
		t.Fatalf("the third account: %d", code)
	}
	var e invalidAnswer
	if code := op.do("POST", "/api/v1/operator/domains/example.test/users", map[string]any{"email": "lee", "password": "lees-password-26"}, &e); code != 400 ||
		e.Error.Reason != "user_limit" || !strings.Contains(e.Error.Message, "maximum number of users") {
		t.Fatalf("the fourth account: %d %+v", code, e.Error)
	}
	ko := f.operatorLogin(t, "ko")
	ko.do("POST", "/api/v1/operator/domains/example.test/users", map[string]any{"email": "lee", "password": "lees-password-26"}, &e)
	if !strings.Contains(e.Error.Message, "최대 사용자 수") {
		t.Fatalf("in Korean: %+v", e.Error)
	}
}

// Deleting a domain needs its name typed back; the status panel counts
// what is left.
func TestOperatorDomain_deleteConfirmedAndStatus(t *testing.T) {
	f := newFixture(t)
	op := f.operatorLogin(t, "ko")
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	boss := f.login(t, "boss@example.test")
	if code := op.do("POST", "/api/v1/operator/domains", map[string]string{"name": "gone.test"}, nil); code != 201 {
		t.Fatalf("create: %d", code)
	}
	if code := op.do("POST", "/api/v1/operator/domains/gone.test/users", map[string]any{"email": "kim", "password": "kims-password-26"}, nil); code != 201 {
		t.Fatalf("create user: %d", code)
	}
	var st statusJSON
	if code := op.do("GET", "/api/v1/operator/status", nil, &st); code != 200 || st.Domains != 2 || st.Accounts != 4 || st.SuspendedDomains != 0 || st.Version == "" {
		t.Fatalf("status: %d %+v", code, st)
	}
	if l, later := f.Store.(store.LaterIndexStore); later { // the indexer's backlog
		f.Put(f.bob.ID, "INBOX", "Subject: 회의\r\n\r\n내일\r\n")
		want, err := l.IndexBacklog(f.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		if code := op.do("GET", "/api/v1/operator/status", nil, &st); code != 200 || want == 0 || st.SearchIndex.Waiting != want {
			t.Fatalf("status: %d, search index %+v, want %d waiting", code, st.SearchIndex, want)
		}
	}
	if code := boss.do("GET", "/api/v1/operator/status", nil, nil); code != 403 {
		t.Fatalf("status as an administrator: %d", code)
	}
	if code := boss.do("DELETE", "/api/v1/operator/domains/gone.test", map[string]string{"confirm": "gone.test"}, nil); code != 403 {
		t.Fatalf("delete as an administrator: %d", code)
	}
	for _, typed := range []string{"", "gone", "example.test"} {
		var e invalidAnswer
		if code := op.do("DELETE", "/api/v1/operator/domains/gone.test", map[string]string{"confirm": typed}, &e); code != 400 ||
			e.Error.Code != "invalid" || e.Error.Field != "confirm" || e.Error.Reason != "confirm_mismatch" || !strings.Contains(e.Error.Message, "일치하지") {
			t.Fatalf("delete with %q typed: %d %+v", typed, code, e.Error)
		}
	}
	if code := op.do("DELETE", "/api/v1/operator/domains/gone.test", nil, nil); code != 400 {
		t.Fatalf("delete without a body: %d", code)
	}
	if code := op.do("DELETE", "/api/v1/operator/domains/nowhere.test", map[string]string{"confirm": "nowhere.test"}, nil); code != 404 {
		t.Fatalf("delete an unknown domain: %d", code)
	}
	if code := op.do("DELETE", "/api/v1/operator/domains/gone.test", map[string]string{"confirm": "gone.test"}, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code := f.loginStatus(t, "kim@gone.test"); code != 401 {
		t.Fatalf("a deleted domain's user logs in: %d", code)
	}
	if code := op.do("GET", "/api/v1/operator/status", nil, &st); code != 200 || st.Domains != 1 || st.Accounts != 3 {
		t.Fatalf("status after: %d %+v", code, st)
	}
}
