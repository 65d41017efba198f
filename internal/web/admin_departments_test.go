package web

import (
	"bytes"
	"strconv"
	"testing"

	"postroom/internal/store"
)

// The domain console's organisation over HTTP: an administrator builds
// the tree and places a user (PATCH of the user); the user reads the
// org chart and is refused every admin route; another domain's
// administrator gets 404 for these ids.
func TestAdminDepartments_overHTTP(t *testing.T) {
	f := newFixture(t)
	f.srv.IDKey = bytes.Repeat([]byte{9}, 32)
	f.ts.Config.Handler = f.srv.Handler()
	f.Account("boss", func(a *store.Account) { a.Admin = true; a.DisplayName = "김대표" })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true })
	boss, alice, eve := f.login(t, "boss@example.test"), f.login(t, "alice@example.test"), f.login(t, "eve@other.test")

	var sales, team departmentJSON
	if code := boss.do("POST", "/api/v1/admin/departments", map[string]any{"name": "영업본부"}, &sales); code != 201 || sales.ID == 0 {
		t.Fatalf("create: %d %+v", code, sales)
	}
	if code := boss.do("POST", "/api/v1/admin/departments", map[string]any{"name": "영업1팀", "parent": sales.ID}, &team); code != 201 || team.Parent != sales.ID {
		t.Fatalf("create child: %d %+v", code, team)
	}
	var e map[string]fieldError
	if code := boss.do("PUT", "/api/v1/admin/departments/"+strconv.FormatInt(sales.ID, 10), map[string]any{"name": "영업본부", "parent": team.ID}, &e); code != 400 || e["error"].Reason != "invalid_parent" || e["error"].Message == "" {
		t.Errorf("a cycle: %d %+v", code, e)
	}
	var u userJSON
	aliceID := f.srv.outID(idAccount, f.alice.ID)
	path := "/api/v1/admin/users/" + strconv.FormatInt(aliceID, 10)
	if code := boss.do("PATCH", path, map[string]any{"department": team.ID, "position": "과장", "name": "이영희"}, &u); code != 200 || u.Name != "이영희" {
		t.Fatalf("place alice: %d %+v", code, u)
	}
	var chart struct {
		Departments []orgUnitJSON
		Unassigned  []orgMemberJSON
	}
	if code := alice.do("GET", "/api/v1/org", nil, &chart); code != 200 || len(chart.Departments) != 2 {
		t.Fatalf("org chart: %d %+v", code, chart)
	}
	if ms := chart.Departments[1].Members; len(ms) != 1 || ms[0].Email != "alice@example.test" || ms[0].Position != "과장" || !ms[0].Me {
		t.Errorf("영업1팀: %+v", ms)
	}
	for _, route := range []struct{ method, path string }{
		{"GET", "/api/v1/admin/departments"}, {"POST", "/api/v1/admin/departments"},
		{"PUT", "/api/v1/admin/departments/" + strconv.FormatInt(team.ID, 10)}, {"DELETE", "/api/v1/admin/departments/" + strconv.FormatInt(team.ID, 10)},
		{"PATCH", path},
	} {
		if code := alice.do(route.method, route.path, map[string]any{"name": "x"}, nil); code != 403 {
			t.Errorf("alice %s %s: %d, want 403", route.method, route.path, code)
		}
	}
	if code := eve.do("DELETE", "/api/v1/admin/departments/"+strconv.FormatInt(team.ID, 10), nil, nil); code != 404 {
		t.Errorf("eve deletes example.test's department: %d", code)
	}
	if code := eve.do("PATCH", path, map[string]any{"enabled": false}, nil); code != 404 {
		t.Errorf("eve suspends example.test's user: %d", code)
	}
	if code := eve.do("PATCH", "/api/v1/admin/users/"+strconv.FormatInt(f.srv.outID(idAccount, f.alice.ID), 10), map[string]any{"department": team.ID}, nil); code != 404 {
		t.Errorf("eve places example.test's user: %d", code)
	}
	if acct, _ := f.Store.Account(f.Ctx, f.alice.ID); !acct.Enabled {
		t.Error("eve's refused PATCH suspended alice")
	}
	if code := boss.do("DELETE", "/api/v1/admin/departments/"+strconv.FormatInt(team.ID, 10), nil, nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
}
