package web

import (
	"net/url"
	"testing"

	"postroom/internal/store"
)

// The accounts table over HTTP: searched by department, sorted, paged;
// the person-with-plus button places the new user; a refused department
// creates nobody; users and other domains' administrators are refused.
func TestAdminUsers_listAndCreate(t *testing.T) {
	f := newFixture(t)
	f.Account("boss", func(a *store.Account) { a.Admin = true; a.DisplayName = "김대표" })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true })
	f.Put(f.bob.ID, "INBOX", "Subject: big\r\n\r\n"+string(make([]byte, 5000))+"\r\n")
	boss, alice, eve := f.login(t, "boss@example.test"), f.login(t, "alice@example.test"), f.login(t, "eve@other.test")
	var dep departmentJSON
	boss.do("POST", "/api/v1/admin/departments", map[string]any{"name": "개발팀"}, &dep)

	var made userJSON
	if code := boss.do("POST", "/api/v1/admin/users", map[string]any{"email": "new@example.test", "name": "신입", "password": "a-long-password-1",
		"department": dep.ID, "position": "사원"}, &made); code != 201 || made.Email != "new@example.test" {
		t.Fatalf("create: %d %+v", code, made)
	}
	if code := boss.do("POST", "/api/v1/admin/users", map[string]any{"email": "ghost@example.test", "password": "a-long-password-1", "department": 987654}, nil); code != 400 {
		t.Errorf("create in no department: %d", code)
	}
	if _, err := f.Store.AccountByAddress(f.Ctx, "ghost@example.test"); err == nil {
		t.Error("a refused department created the account")
	}
	type list struct {
		Users []adminUserJSON
		Total int
	}
	get := func(c *client, query string) (int, list) {
		var l list
		code := c.do("GET", "/api/v1/admin/users?"+query, nil, &l)
		return code, l
	}
	_, all := get(boss, "")
	if all.Total != 4 || all.Users[0].Email != "alice@example.test" {
		t.Fatalf("all (by name, then address): %+v", all)
	}
	if _, l := get(boss, "q="+url.QueryEscape("개발")); l.Total != 1 || l.Users[0].Email != "new@example.test" || l.Users[0].Position != "사원" || l.Users[0].DeptName != "개발팀" {
		t.Errorf("by department: %+v", l)
	}
	if _, l := get(boss, "sort=-usage"); l.Users[0].Email != "bob@example.test" {
		t.Errorf("by usage, largest first: %+v", l.Users[0])
	}
	if _, l := get(boss, "sort=last_login"); l.Total != 4 {
		t.Errorf("by last login: %+v", l)
	}
	if _, l := get(boss, "sort=-last_login"); l.Users[0].LastLogin == nil {
		t.Errorf("the latest login first has no time: %+v", l.Users[0])
	}
	if code, _ := get(boss, "sort=shoe_size"); code != 400 {
		t.Errorf("unknown sort: %d", code)
	}
	if code, _ := get(alice, ""); code != 403 {
		t.Errorf("a user lists the accounts: %d", code)
	}
	if code := alice.do("POST", "/api/v1/admin/users", map[string]any{"email": "x@example.test", "password": "a-long-password-1"}, nil); code != 403 {
		t.Errorf("a user creates an account: %d", code)
	}
	if _, l := get(eve, ""); l.Total != 1 {
		t.Errorf("eve's table shows another domain: %+v", l)
	}
	var e map[string]fieldError
	if code := eve.do("POST", "/api/v1/admin/users", map[string]any{"email": "spy@example.test", "password": "a-long-password-1"}, &e); code != 400 || e["error"].Reason != "wrong_domain" {
		t.Errorf("eve creates in example.test: %d %+v", code, e)
	}
	if _, err := f.Store.AccountByAddress(f.Ctx, "spy@example.test"); err == nil {
		t.Error("eve created an account in example.test")
	}
}
