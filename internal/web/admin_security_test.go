package web

import (
	"net/http"
	"testing"

	"postroom/internal/auth"
	"postroom/internal/store"
)

type securityAnswer struct {
	AllowedIPs        []string `json:"allowed_ips"`
	BlockAll          bool     `json:"block_all"`
	AutoLogoutMinutes int      `json:"auto_logout_minutes"`
	Error             fieldError
}

// The security page over HTTP: the administrator reads and saves the
// policy (refusals name the field), a user is 403 forbidden; allowed
// addresses that exclude the test client (127.0.0.1) refuse the user's
// live session and his login with the reason, in his language, and
// leave the administrator in.
func TestAdminSecurity_overHTTP(t *testing.T) {
	f := newFixture(t)
	pol := &auth.Policies{Store: f.Store}
	f.sessions.Policy, f.sessions.Ages = pol, pol
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	boss := f.login(t, "boss@example.test")
	alice := f.login(t, "alice@example.test") // Korean

	var got securityAnswer
	if code := boss.do("GET", "/api/v1/admin/security", nil, &got); code != 200 || got.BlockAll || got.AllowedIPs == nil {
		t.Fatalf("GET defaults: %d %+v", code, got)
	}
	if code := alice.do("GET", "/api/v1/admin/security", nil, nil); code != http.StatusForbidden {
		t.Errorf("a user's GET: %d", code)
	}
	if code := alice.do("PUT", "/api/v1/admin/security", map[string]any{"block_all": true}, nil); code != http.StatusForbidden {
		t.Errorf("a user's PUT: %d", code)
	}
	for _, c := range []struct {
		body          map[string]any
		field, reason string
	}{
		{map[string]any{"allowed_ips": []string{"10.0.0.0/40"}}, "allowed_ips", "invalid_network"},
		{map[string]any{"auto_logout_minutes": 1441}, "auto_logout_minutes", "invalid_minutes"},
		{map[string]any{"time_window": map[string]any{"enabled": true, "deny_from": "25:00", "deny_to": "08:59"}}, "time_window.deny_from", "invalid_time"},
		{map[string]any{"password_policy": map[string]any{"level": 7}}, "password_policy.level", "invalid_level"},
	} {
		var e securityAnswer
		if code := boss.do("PUT", "/api/v1/admin/security", c.body, &e); code != 400 || e.Error.Field != c.field || e.Error.Reason != c.reason || e.Error.Message == "" {
			t.Errorf("PUT %v: %d %+v", c.body, code, e.Error)
		}
	}
	if code := boss.do("PUT", "/api/v1/admin/security", map[string]any{"nonsense": 1}, nil); code != 400 {
		t.Errorf("an unknown field: %d", code)
	}
	// only 203.0.113.0/24: the test client, 127.0.0.1, is outside
	if code := boss.do("PUT", "/api/v1/admin/security", map[string]any{"allowed_ips": []string{"203.0.113.9/24"}}, &got); code != 200 ||
		len(got.AllowedIPs) != 1 || got.AllowedIPs[0] != "203.0.113.0/24" {
		t.Fatalf("PUT allowed_ips: %d %+v", code, got)
	}
	var e struct{ Error fieldError }
	if code := alice.do("GET", "/api/v1/mailboxes", nil, &e); code != http.StatusForbidden || e.Error.Code != "access_denied" ||
		e.Error.Reason != "ip_not_allowed" || e.Error.Message != messages["ko"]["access_ip_not_allowed"] {
		t.Errorf("alice's live session: %d %+v", code, e.Error)
	}
	if code := alice.do("POST", "/api/v1/session", map[string]string{"email": "alice@example.test", "password": "pw"}, &e); code != http.StatusForbidden ||
		e.Error.Reason != "ip_not_allowed" {
		t.Errorf("alice's login: %d %+v", code, e.Error)
	}
	if code := boss.do("GET", "/api/v1/mailboxes", nil, nil); code != 200 {
		t.Errorf("the administrator outside the allowed addresses: %d", code)
	}
	if code := boss.do("PUT", "/api/v1/admin/security", map[string]any{"block_all": true}, nil); code != 200 {
		t.Fatal("PUT block_all")
	}
	if code := alice.do("GET", "/api/v1/mailboxes", nil, &e); code != http.StatusForbidden || e.Error.Reason != "blocked" {
		t.Errorf("alice while everyone is blocked: %d %+v", code, e.Error)
	}
	if code := boss.do("PUT", "/api/v1/admin/security", map[string]any{}, nil); code != 200 {
		t.Fatal("PUT defaults")
	}
	if code := alice.do("GET", "/api/v1/mailboxes", nil, nil); code != 200 {
		t.Errorf("alice once the rules let her in: %d", code)
	}
}
