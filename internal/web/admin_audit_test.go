package web

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"postroom/internal/store"
)

type auditAnswer struct {
	Entries []auditJSON `json:"entries"`
	Next    *int64      `json:"next"`
}

// An administrator's changes over the API are in his domain's audit log
// with his address, role and IP address, newest first, a page at a time;
// another domain's administrator sees none of them, and a user may not
// read the log at all.
func TestAdminAudit_showsWhoDidWhatFromWhere(t *testing.T) {
	f := newFixture(t)
	f.srv.IDKey = bytes.Repeat([]byte{7}, 32)
	f.ts.Config.Handler = f.srv.Handler()
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true })
	boss, eve, alice := f.login(t, "boss@example.test"), f.login(t, "eve@other.test"), f.login(t, "alice@example.test")

	if code := boss.do("POST", "/api/v1/admin/departments", map[string]any{"name": "영업팀"}, nil); code != 201 {
		t.Fatalf("department: %d", code)
	}
	if code := boss.do("POST", "/api/v1/admin/users", map[string]any{"email": "kim@example.test", "password": "a-long-password-1", "name": "김"}, nil); code != 201 {
		t.Fatalf("user: %d", code)
	}
	id := strconv.FormatInt(f.srv.outID(idAccount, f.bob.ID), 10)
	if code := boss.do("PATCH", "/api/v1/admin/users/"+id, map[string]any{"enabled": false, "password": "another-long-pw-2"}, nil); code != 200 {
		t.Fatalf("patch: %d", code)
	}

	var page auditAnswer
	if code := boss.do("GET", "/api/v1/admin/audit", nil, &page); code != 200 {
		t.Fatalf("audit: %d", code)
	}
	var got []string
	for _, e := range page.Entries {
		got = append(got, e.Action+" "+e.Target)
		if e.Actor != "boss@example.test" || e.Role != "admin" || e.IP != "127.0.0.1" || e.Time.IsZero() || e.ID == 0 {
			t.Errorf("entry %+v: want boss@example.test, admin, 127.0.0.1", e)
		}
		if strings.Contains(string(e.Detail), "another-long-pw-2") || strings.Contains(string(e.Detail), "a-long-password-1") {
			t.Errorf("entry %s holds a password: %s", e.Action, e.Detail)
		}
	}
	want := "user.update bob@example.test|user.update bob@example.test|user.create kim@example.test|department.create 영업팀"
	if strings.Join(got, "|") != want || page.Next != nil {
		t.Fatalf("audit log %q next %v, want %q and no next page", got, page.Next, want)
	}
	if d := string(page.Entries[0].Detail); d != `{"fields":["password"]}` {
		t.Errorf("the password's entry: %s", d)
	}

	var first, second auditAnswer
	boss.do("GET", "/api/v1/admin/audit?limit=3", nil, &first)
	if len(first.Entries) != 3 || first.Next == nil || *first.Next != first.Entries[2].ID {
		t.Fatalf("first page of 3: %+v", first)
	}
	boss.do("GET", "/api/v1/admin/audit?limit=3&before="+strconv.FormatInt(*first.Next, 10), nil, &second)
	if len(second.Entries) != 1 || second.Entries[0].Action != "department.create" || second.Next != nil {
		t.Errorf("second page: %+v", second)
	}
	for _, bad := range []string{"limit=0", "limit=x", "before=-1", "before=x"} {
		if code := boss.do("GET", "/api/v1/admin/audit?"+bad, nil, nil); code != 400 {
			t.Errorf("?%s: %d, want 400", bad, code)
		}
	}

	var theirs auditAnswer
	if code := eve.do("GET", "/api/v1/admin/audit", nil, &theirs); code != 200 || len(theirs.Entries) != 0 {
		t.Errorf("another domain's administrator: %d %+v", code, theirs)
	}
	if code := eve.do("GET", "/api/v1/admin/audit?before="+strconv.FormatInt(page.Entries[0].ID, 10), nil, &theirs); code != 200 || len(theirs.Entries) != 0 {
		t.Errorf("another domain's administrator with this domain's cursor: %d %+v", code, theirs)
	}
	if code := alice.do("GET", "/api/v1/admin/audit", nil, nil); code != 403 {
		t.Errorf("a user: %d, want 403", code)
	}
}
