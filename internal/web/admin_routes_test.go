package web

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"postroom/internal/store"
)

// Every route of the consoles, walked from the router itself (so that a
// route added tomorrow is walked too): without a session it is 401; a
// user's session gets 403 on every administrator and operator route; a
// domain administrator gets 403 on the operator's; and an administrator
// naming another domain's ids gets 404, as if they did not exist, with
// nothing of that domain changed; a revoked token is 401 everywhere
// (issue 16, X1, M14).
func TestAdminRoutes_walkEveryConsoleRoute(t *testing.T) {
	f := newFixture(t)
	f.srv.IDKey = bytes.Repeat([]byte{5}, 32)
	f.ts.Config.Handler = f.srv.Handler()
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true })
	victim := f.Account("victim", func(a *store.Account) { a.DomainID = other.ID })
	boss, alice, eve := f.login(t, "boss@example.test"), f.login(t, "alice@example.test"), f.login(t, "eve@other.test")

	// other.test's objects, made by its own administrator.
	var dep departmentJSON
	if code := eve.do("POST", "/api/v1/admin/departments", map[string]any{"name": "비밀부서"}, &dep); code != 201 {
		t.Fatalf("eve's department: %d", code)
	}
	var list struct{ ID int64 }
	if code := eve.do("POST", "/api/v1/admin/lists", map[string]any{"address": "all@other.test", "name": "전체", "members": []string{"victim@other.test"}}, &list); code != 201 {
		t.Fatalf("eve's list: %d", code)
	}
	var tok tokenJSON
	if code := eve.do("POST", "/api/v1/admin/tokens", map[string]any{"name": "erp"}, &tok); code != 201 {
		t.Fatalf("eve's token: %d", code)
	}
	var revoked tokenJSON
	boss.do("POST", "/api/v1/admin/tokens", map[string]any{"name": "old"}, &revoked)
	if code := boss.do("DELETE", "/api/v1/admin/tokens/"+strconv.FormatInt(revoked.ID, 10), nil, nil); code != 204 {
		t.Fatalf("revoke boss's token: %d", code)
	}
	// theirs is another domain's id for each kind of {id} a console route
	// takes; a route with an {id} of a kind not named here fails the test
	// until it is added.
	theirs := map[string]int64{
		"/api/v1/admin/departments/": dep.ID,
		"/api/v1/admin/users/":       f.srv.outID(idAccount, victim.ID),
		"/api/v1/admin/lists/":       list.ID,
		"/api/v1/admin/tokens/":      tok.ID,
	}
	anon := &client{t: t, f: f, http: f.ts.Client()}
	walked := 0
	for _, rt := range f.srv.routes() {
		if rt.access != adminOnly && rt.access != adminOrToken && rt.access != operatorOnly {
			continue
		}
		walked++
		path := rt.path
		if i := strings.Index(path, "{id}"); i >= 0 {
			id, ok := theirs[path[:i]]
			if !ok {
				t.Errorf("%s %s: no other-domain id of this kind to try; add one to the walk", rt.method, rt.path)
				continue
			}
			path = path[:i] + strconv.FormatInt(id, 10) + path[i+len("{id}"):]
		}
		path = strings.ReplaceAll(path, "{name}", "other.test")
		body := map[string]any{"name": "침입"}
		name := rt.method + " " + rt.path
		if code := anon.doCSRF(rt.method, path, body, nil, ""); code != 401 {
			t.Errorf("%s without a session: %d, want 401", name, code)
		}
		if code := alice.do(rt.method, path, body, nil); code != 403 {
			t.Errorf("%s as a user: %d, want 403", name, code)
		}
		if code, _ := f.bearer(t, rt.method, path, revoked.Secret, body); code != 401 {
			t.Errorf("%s with a revoked token: %d, want 401", name, code)
		}
		if rt.access == operatorOnly {
			if code := boss.do(rt.method, path, body, nil); code != 403 {
				t.Errorf("%s as a domain administrator: %d, want 403", name, code)
			}
			continue
		}
		if strings.Contains(rt.path, "{id}") {
			if code := boss.do(rt.method, path, body, nil); code != 404 {
				t.Errorf("%s with another domain's id: %d, want 404", name, code)
			}
		}
	}
	if walked < 15 {
		t.Fatalf("walked only %d console routes", walked)
	}
	// Nothing of other.test changed.
	var deps struct{ Departments []departmentJSON }
	eve.do("GET", "/api/v1/admin/departments", nil, &deps)
	if len(deps.Departments) != 1 || deps.Departments[0].Name != "비밀부서" {
		t.Errorf("other.test's departments: %+v", deps)
	}
	var lists struct{ Lists []struct{ Name string } }
	eve.do("GET", "/api/v1/admin/lists", nil, &lists)
	if len(lists.Lists) != 1 || lists.Lists[0].Name != "전체" {
		t.Errorf("other.test's lists: %+v", lists)
	}
	if v, err := f.Store.Account(f.Ctx, victim.ID); err != nil || v.DisplayName != "" || !v.Enabled {
		t.Errorf("other.test's user: %+v %v", v, err)
	}
}
