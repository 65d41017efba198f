package web

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	"postroom/internal/store"
)

// The domain console's mailing lists over HTTP: the administrator
// creates, lists, changes and deletes his domain's lists with the API's
// ids; a refused value is 400 with its reason and a translated message;
// a user is refused every route (403), another domain's administrator
// finds none of them (404).
func TestAdminLists_overHTTP(t *testing.T) {
	f := newFixture(t)
	f.srv.IDKey = bytes.Repeat([]byte{7}, 32)
	f.ts.Config.Handler = f.srv.Handler()
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true })
	boss, alice, eve := f.login(t, "boss@example.test"), f.login(t, "alice@example.test"), f.login(t, "eve@other.test")

	var sales listJSON
	body := map[string]any{"address": "Sales@example.test", "name": "영업팀", "members": []string{"Alice@example.test", "x@remote.test", "alice@example.test"}}
	if code := boss.do("POST", "/api/v1/admin/lists", body, &sales); code != 201 || sales.ID == 0 {
		t.Fatalf("create: %d %+v", code, sales)
	}
	if sales.Address != "sales@example.test" || sales.Name != "영업팀" || !slices.Equal(sales.Members, []string{"alice@example.test", "x@remote.test"}) || sales.MembersOnly {
		t.Fatalf("created %+v", sales)
	}
	stored, err := f.Store.ListByLocalPart(f.Ctx, f.alice.DomainID, "sales")
	if err != nil {
		t.Fatal(err)
	}
	if sales.ID == stored.ID {
		t.Fatalf("the API's id is the store's (%d): not through the id codec", sales.ID)
	}
	path := "/api/v1/admin/lists/" + strconv.FormatInt(sales.ID, 10)

	var e map[string]fieldError
	if code := boss.do("POST", "/api/v1/admin/lists", map[string]any{"address": "bob@example.test"}, &e); code != 400 ||
		e["error"].Reason != "address_is_account" || e["error"].Field != "address" || e["error"].Message == "" {
		t.Errorf("an account's address: %d %+v", code, e)
	}
	if code := boss.do("POST", "/api/v1/admin/lists", map[string]any{"address": "team@example.test", "members": []string{"nobody@example.test"}}, &e); code != 400 ||
		e["error"].Reason != "unknown_member" || e["error"].Value != "nobody@example.test" || e["error"].Message == "" {
		t.Errorf("an unknown member: %d %+v", code, e)
	}

	var updated listJSON
	body = map[string]any{"address": "sales@example.test", "name": "영업", "members": []string{"bob@example.test"}, "members_only": true}
	if code := boss.do("PUT", path, body, &updated); code != 200 || updated.ID != sales.ID || !updated.MembersOnly ||
		!slices.Equal(updated.Members, []string{"bob@example.test"}) || updated.Name != "영업" {
		t.Fatalf("update: %d %+v", code, updated)
	}
	var all struct{ Lists []listJSON }
	if code := boss.do("GET", "/api/v1/admin/lists", nil, &all); code != 200 || len(all.Lists) != 1 || all.Lists[0].ID != sales.ID {
		t.Fatalf("list: %d %+v", code, all)
	}

	for _, route := range []struct{ method, path string }{
		{"GET", "/api/v1/admin/lists"}, {"POST", "/api/v1/admin/lists"}, {"PUT", path}, {"DELETE", path},
	} {
		if code := alice.do(route.method, route.path, body, nil); code != 403 {
			t.Errorf("alice %s %s: %d, want 403", route.method, route.path, code)
		}
	}
	if code := eve.do("PUT", path, map[string]any{"address": "sales@other.test"}, nil); code != 404 {
		t.Errorf("another domain's administrator changed the list: %d", code)
	}
	if code := eve.do("DELETE", path, nil, nil); code != 404 {
		t.Errorf("another domain's administrator deleted the list: %d", code)
	}
	if code := eve.do("GET", "/api/v1/admin/lists", nil, &all); code != 200 || len(all.Lists) != 0 {
		t.Errorf("another domain's administrator sees: %d %+v", code, all)
	}
	if code := boss.do("DELETE", "/api/v1/admin/lists/"+strconv.FormatInt(stored.ID, 10), nil, nil); code != 404 && stored.ID != sales.ID {
		t.Errorf("the store's id in the path: %d, want 404", code)
	}
	if code := boss.do("DELETE", path, nil, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code := boss.do("DELETE", path, nil, nil); code != 404 {
		t.Fatalf("delete twice: %d", code)
	}
}
