package web

import (
	"testing"

	"postroom/internal/store"
)

// An account at a mailing list's address is refused over HTTP too, in
// the administrator's language, and nothing is created.
func TestAdminUsers_listAddressRefused(t *testing.T) {
	f := newFixture(t)
	f.Account("boss", func(a *store.Account) { a.Admin = true; a.Language = "en" })
	boss := f.login(t, "boss@example.test")
	if code := boss.do("POST", "/api/v1/admin/lists", map[string]any{"address": "sales@example.test", "members": []string{"bob@example.test"}}, nil); code != 201 {
		t.Fatalf("the list: %d", code)
	}
	var e struct{ Error fieldError }
	body := map[string]any{"email": "Sales@example.test", "password": "Long-enough-9"}
	if code := boss.do("POST", "/api/v1/admin/users", body, &e); code != 400 || e.Error.Field != "email" ||
		e.Error.Reason != "address_taken_by_list" || e.Error.Message != messages["en"]["address_taken_by_list"] {
		t.Fatalf("%d %+v", code, e.Error)
	}
	if _, err := f.Store.AccountByAddress(f.Ctx, "sales@example.test"); err == nil {
		t.Fatal("the account was made")
	}
}
