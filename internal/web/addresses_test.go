package web

import (
	"net/url"
	"testing"

	"postroom/internal/store"
)

func TestAddresses_recentThenDirectoryOwnDomainOnly(t *testing.T) {
	f := newFixture(t)
	f.Account("chulsoo", func(a *store.Account) { a.DisplayName = "김철수" })
	f.Account("gone", func(a *store.Account) { a.DisplayName = "퇴사자"; a.Enabled = false })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := f.Store.CreateAccount(f.Ctx, &store.Account{DomainID: other.ID, LocalPart: "chulsoo2", DisplayName: "김철수 (다른 회사)", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	f.Put(f.alice.ID, "Sent", "From: alice@example.test\r\nTo: =?UTF-8?B?67CV7KeA7ZuI?= <park@partner.test>\r\nCc: bob@example.test\r\nSubject: x\r\n\r\nx\r\n")
	c := f.login(t, "alice@example.test")
	get := func(q string) []addressEntry {
		var out struct{ Addresses []addressEntry }
		if code := c.do("GET", "/api/v1/addresses?limit=100&q="+url.QueryEscape(q), nil, &out); code != 200 {
			t.Fatalf("q=%s: %d", q, code)
		}
		return out.Addresses
	}
	all := get("")
	want := []addressEntry{
		{Name: "박지훈", Email: "park@partner.test", Source: "recent"},
		{Email: "bob@example.test", Source: "recent"},
		{Name: "김철수", Email: "chulsoo@example.test", Source: "directory"},
	}
	if len(all) != len(want) {
		t.Fatalf("all: %+v", all)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Fatalf("entry %d: %+v, want %+v (all %+v)", i, all[i], want[i], all)
		}
	}
	if got := get("철수"); len(got) != 1 || got[0].Email != "chulsoo@example.test" {
		t.Fatalf("q=철수 (another domain's namesake must not show): %+v", got)
	}
	if got := get("PARK"); len(got) != 1 || got[0].Name != "박지훈" {
		t.Fatalf("q=PARK: %+v", got)
	}
}
