package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"postroom/internal/settings"
)

// settingsFixture is the web fixture with the settings service wired.
func settingsFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.srv.Settings = &settings.Service{Store: f.Store, Defaults: settings.Defaults{SendDelay: 10 * time.Second}}
	return f
}

type settingsAnswer struct {
	settings.Settings
	Error fieldError
}

func TestSettings_getAndPatchOnlyTheNamedFields(t *testing.T) {
	f := settingsFixture(t)
	c := f.login(t, "alice@example.test")
	var got settingsAnswer
	if code := c.do("GET", "/api/v1/settings", nil, &got); code != 200 || got.Mail.PerPage != 50 || got.Language != "ko" {
		t.Fatalf("GET: %d %+v", code, got)
	}
	got = settingsAnswer{}
	code := c.do("PATCH", "/api/v1/settings", map[string]any{"mail": map[string]any{"per_page": 20}, "name": "김앨리스"}, &got)
	if code != 200 || got.Mail.PerPage != 20 || got.Mail.Layout != "split" || got.Name != "김앨리스" {
		t.Fatalf("PATCH: %d %+v", code, got)
	}
	// the session and the account show the same name and language
	var sess struct{ Account accountJSON }
	c.do("GET", "/api/v1/session", nil, &sess)
	if sess.Account.Name != "김앨리스" {
		t.Errorf("session's account name: %q", sess.Account.Name)
	}
	got = settingsAnswer{}
	if code := c.do("PATCH", "/api/v1/settings", map[string]any{"language": "en", "time_zone": "Europe/Paris"}, &got); code != 200 {
		t.Fatalf("PATCH language: %d", code)
	}
	sess.Account = accountJSON{}
	c.do("GET", "/api/v1/session", nil, &sess)
	if sess.Account.Language != "en" || sess.Account.TimeZone != "Europe/Paris" {
		t.Errorf("session's account after a language change: %+v", sess.Account)
	}
	// CSRF is required
	if code := c.doCSRF("PATCH", "/api/v1/settings", map[string]any{"name": "x"}, nil, ""); code != http.StatusForbidden {
		t.Errorf("PATCH without CSRF: %d", code)
	}
}

func TestSettings_invalidIs400WithTheField(t *testing.T) {
	f := settingsFixture(t)
	c := f.login(t, "alice@example.test") // speaks Korean
	var got settingsAnswer
	code := c.do("PATCH", "/api/v1/settings", map[string]any{
		"vacation":      map[string]any{"enabled": true, "start": "2026-08-10", "end": "2026-08-01"},
		"notifications": map[string]any{"desktop": true}}, &got)
	if code != 400 || got.Error.Code != "invalid" || got.Error.Field != "vacation.end" || !strings.Contains(got.Error.Message, "종료일") {
		t.Fatalf("end before start: %d %+v", code, got.Error)
	}
	got = settingsAnswer{}
	code = c.do("PATCH", "/api/v1/settings", map[string]any{"forwarding": map[string]any{"addresses": []string{"Alice@Example.test"}}}, &got)
	if code != 400 || got.Error.Field != "forwarding.addresses[0]" || got.Error.Reason != "own_address" {
		t.Fatalf("forward to oneself: %d %+v", code, got.Error)
	}
	got = settingsAnswer{}
	c.do("GET", "/api/v1/settings", nil, &got)
	if got.Notifications.Desktop || got.Vacation.Enabled || len(got.Forwarding.Addresses) != 0 {
		t.Errorf("a refused PATCH saved: %+v", got.Settings)
	}
}

// The page size setting is the default page of the message list and of
// search (S2-3); a request's own per_page still wins.
func TestSettings_perPageIsTheListsPageSize(t *testing.T) {
	f := settingsFixture(t)
	for i := range 25 {
		f.Put(f.alice.ID, "INBOX", fmt.Sprintf("From: x@remote.test\r\nTo: alice@example.test\r\nSubject: 회의 %d\r\n\r\n회의 body\r\n", i))
	}
	c := f.login(t, "alice@example.test")
	inbox := c.mailboxID("INBOX")
	page := func(query string) int {
		var p struct {
			Messages []any
			PerPage  int `json:"per_page"`
		}
		c.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages%s", inbox, query), nil, &p)
		return len(p.Messages)
	}
	search := func() int {
		var p struct{ Messages []any }
		c.do("GET", "/api/v1/search?q=body", nil, &p)
		return len(p.Messages)
	}
	if n, s := page(""), search(); n != 25 || s != 25 {
		t.Fatalf("default page 50: list %d, search %d", n, s)
	}
	if code := c.do("PATCH", "/api/v1/settings", map[string]any{"mail": map[string]any{"per_page": 10}}, nil); code != 200 {
		t.Fatalf("PATCH: %d", code)
	}
	if n, s := page(""), search(); n != 10 || s != 10 {
		t.Errorf("per_page 10: list %d, search %d", n, s)
	}
	if n := page("?per_page=20"); n != 20 {
		t.Errorf("the request's per_page: %d", n)
	}
}
