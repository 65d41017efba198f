package web

import (
	"testing"

	"postroom/internal/store"
)

type domainAnswer struct {
	domainDefaultsJSON
	Error fieldError
}

// 기본 설정 over HTTP (M1): the administrator reads his domain (quota,
// usage, accounts), changes its defaults, and a user he then creates
// takes them; the operator's terms are not his to change here; a user is
// refused; another domain's administrator changes only his own.
func TestAdminDomain_overHTTP(t *testing.T) {
	f := newFixture(t)
	d := f.Domain
	d.QuotaBytes, d.MaxUsers, d.Language, d.TimeZone = 5<<30, 40, "ko", "Asia/Seoul"
	if err := f.Store.UpdateDomain(f.Ctx, d); err != nil {
		t.Fatal(err)
	}
	f.Account("boss", func(a *store.Account) { a.Admin = true; a.Language = "ko" })
	other := &store.Domain{Name: "other.test", Language: "ko", TimeZone: "Asia/Seoul"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true })
	f.Put(f.alice.ID, "INBOX", "Subject: x\r\n\r\nsome bytes\r\n")
	boss, alice, eve := f.login(t, "boss@example.test"), f.login(t, "alice@example.test"), f.login(t, "eve@other.test")

	var got domainAnswer
	if code := boss.do("GET", "/api/v1/admin/domain", nil, &got); code != 200 || got.Name != "example.test" || got.Language != "ko" ||
		got.TimeZone != "Asia/Seoul" || got.Quota != 5<<30 || got.Used <= 0 || got.Users != 3 || got.MaxUsers != 40 {
		t.Fatalf("GET: %d %+v", code, got)
	}
	if code := boss.do("PATCH", "/api/v1/admin/domain", map[string]any{"language": "en", "time_zone": "Europe/Paris"}, &got); code != 200 ||
		got.Language != "en" || got.TimeZone != "Europe/Paris" || got.Quota != 5<<30 {
		t.Fatalf("PATCH: %d %+v", code, got)
	}
	for _, c := range []struct {
		body          map[string]any
		field, reason string
	}{
		{map[string]any{"language": "fr"}, "language", "invalid_language"},
		{map[string]any{"time_zone": "Mars/Olympus"}, "time_zone", "invalid_time_zone"},
	} {
		var e domainAnswer
		if code := boss.do("PATCH", "/api/v1/admin/domain", c.body, &e); code != 400 || e.Error.Field != c.field || e.Error.Reason != c.reason || e.Error.Message == "" {
			t.Errorf("PATCH %v: %d %+v", c.body, code, e.Error)
		}
	}
	if code := boss.do("PATCH", "/api/v1/admin/domain", map[string]any{"quota": 0}, nil); code != 400 {
		t.Errorf("the administrator changing the quota: %d", code)
	}
	if code := alice.do("GET", "/api/v1/admin/domain", nil, nil); code != 403 {
		t.Errorf("a user's GET: %d", code)
	}
	if code := alice.do("PATCH", "/api/v1/admin/domain", map[string]any{"language": "ko"}, nil); code != 403 {
		t.Errorf("a user's PATCH: %d", code)
	}

	// a new user takes the defaults
	if code := boss.do("POST", "/api/v1/admin/users", map[string]any{"email": "new@example.test", "name": "New", "password": "Long-enough-9"}, nil); code != 201 {
		t.Fatalf("create a user: %d", code)
	}
	a, err := f.Store.AccountByAddress(f.Ctx, "new@example.test")
	if err != nil || a.Language != "en" || a.TimeZone != "Europe/Paris" {
		t.Fatalf("the new user: %+v %v", a, err)
	}
	// eve's change stays in other.test
	if code := eve.do("PATCH", "/api/v1/admin/domain", map[string]any{"language": "ko", "time_zone": "UTC"}, &got); code != 200 || got.Name != "other.test" {
		t.Fatalf("eve's PATCH: %d %+v", code, got)
	}
	if d, err := f.Store.Domain(f.Ctx, "example.test"); err != nil || d.TimeZone != "Europe/Paris" || d.Language != "en" {
		t.Errorf("example.test after eve's PATCH: %+v %v", d, err)
	}
}
