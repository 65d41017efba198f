package web

import (
	"bytes"
	"strconv"
	"testing"

	"postroom/internal/admin"
	"postroom/internal/settings"
	"postroom/internal/store"
)

// recovery_email on the console's accounts (M3): given at creation,
// shown in the table, changed by PATCH, refused with its field and a
// translated message (and then nothing is created or changed); the
// user's own settings read what the administrator gave.
func TestAdminUsers_recoveryEmail(t *testing.T) {
	f := newFixture(t)
	f.srv.IDKey = bytes.Repeat([]byte{9}, 32)
	f.ts.Config.Handler = f.srv.Handler()
	set := &settings.Service{Store: f.Store}
	f.srv.Org.(*admin.Service).Recovery = set
	f.Account("boss", func(a *store.Account) { a.Admin = true; a.Language = "ko" })
	boss := f.login(t, "boss@example.test")

	type user struct {
		ID            int64
		Email         string
		RecoveryEmail string `json:"recovery_email"`
		Error         fieldError
	}
	var e user
	body := map[string]any{"email": "kim@example.test", "name": "김", "password": "Long-enough-9", "recovery_email": "kim@example.test"}
	if code := boss.do("POST", "/api/v1/admin/users", body, &e); code != 400 || e.Error.Field != "recovery_email" ||
		e.Error.Reason != "recovery_is_own_address" || e.Error.Message != messages["ko"]["recovery_is_own_address"] {
		t.Fatalf("own address: %d %+v", code, e.Error)
	}
	var made user
	body["recovery_email"] = "Kim.Home@Remote.example"
	if code := boss.do("POST", "/api/v1/admin/users", body, &made); code != 201 || made.RecoveryEmail != "kim.home@remote.example" {
		t.Fatalf("create: %d %+v", code, made)
	}
	kim, err := f.Store.AccountByAddress(f.Ctx, "kim@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if own, err := set.ForAccount(f.Ctx, kim.ID); err != nil || own.RecoveryEmail != made.RecoveryEmail {
		t.Fatalf("his own setting: %q %v", own.RecoveryEmail, err)
	}
	var list struct{ Users []user }
	if code := boss.do("GET", "/api/v1/admin/users?q=kim", nil, &list); code != 200 || len(list.Users) != 1 || list.Users[0].RecoveryEmail != made.RecoveryEmail {
		t.Fatalf("the table: %d %+v", code, list)
	}
	path := "/api/v1/admin/users/" + strconv.FormatInt(made.ID, 10)
	if code := boss.do("PATCH", path, map[string]any{"recovery_email": "nope", "name": "바뀜"}, &e); code != 400 || e.Error.Field != "recovery_email" || e.Error.Reason != "invalid_recovery_email" {
		t.Fatalf("PATCH a malformed address: %d %+v", code, e.Error)
	}
	if a, _ := f.Store.Account(f.Ctx, kim.ID); a.DisplayName != "김" {
		t.Errorf("a refused PATCH changed the name to %q", a.DisplayName)
	}
	var changed user
	if code := boss.do("PATCH", path, map[string]any{"recovery_email": "kim2@remote.example"}, &changed); code != 200 || changed.RecoveryEmail != "kim2@remote.example" {
		t.Fatalf("PATCH: %d %+v", code, changed)
	}
}
