package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"postroom/internal/store"
)

// bearer calls the API as a program holding secret.
func (f *fixture) bearer(t *testing.T, method, path, secret string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, f.ts.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// M14: a token is shown once, works on the accounts routes of its own
// domain only, nowhere else, and not at all once revoked.
func TestAdminTokens_scopedAndRevocable(t *testing.T) {
	f := newFixture(t)
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true })
	victim := f.Account("victim", func(a *store.Account) { a.DomainID = other.ID })
	boss, eve := f.login(t, "boss@example.test"), f.login(t, "eve@other.test")

	var tok tokenJSON
	if code := boss.do("POST", "/api/v1/admin/tokens", map[string]string{"name": "인사 시스템"}, &tok); code != 201 || !strings.HasPrefix(tok.Secret, "prt_") || tok.Prefix == "" {
		t.Fatalf("create: %d %+v", code, tok)
	}
	var list struct{ Tokens []tokenJSON }
	boss.do("GET", "/api/v1/admin/tokens", nil, &list)
	if len(list.Tokens) != 1 || list.Tokens[0].Secret != "" || list.Tokens[0].LastUsed != nil {
		t.Fatalf("list: %+v", list)
	}
	row, err := f.Store.APITokens(f.Ctx, f.alice.DomainID)
	if err != nil || len(row) != 1 || strings.Contains(row[0].Hash, tok.Secret) || row[0].Hash == tok.Secret {
		t.Fatalf("the secret is stored: %+v %v", row, err)
	}

	code, body := f.bearer(t, "GET", "/api/v1/admin/users", tok.Secret, nil)
	if code != 200 || !strings.Contains(string(body), "alice@example.test") || strings.Contains(string(body), "other.test") {
		t.Fatalf("users with the token: %d %s", code, body)
	}
	if code, body := f.bearer(t, "POST", "/api/v1/admin/users", tok.Secret, map[string]any{"email": "hr-made@example.test", "password": "a-long-password-1"}); code != 201 {
		t.Fatalf("create with the token: %d %s", code, body)
	}
	if code, _ := f.bearer(t, "PATCH", "/api/v1/admin/users/"+strconv.FormatInt(victim.ID, 10), tok.Secret, map[string]any{"enabled": false}); code != 404 {
		t.Errorf("another domain's user with the token: %d", code)
	}
	for _, p := range []struct{ method, path string }{
		{"GET", "/api/v1/admin/departments"}, {"GET", "/api/v1/admin/tokens"}, {"POST", "/api/v1/admin/tokens"},
		{"GET", "/api/v1/mailboxes"}, {"GET", "/api/v1/contacts"}, {"GET", "/api/v1/operator/domains"},
	} {
		if code, _ := f.bearer(t, p.method, p.path, tok.Secret, map[string]string{"name": "x"}); code != 401 {
			t.Errorf("%s %s with a token: %d, want 401", p.method, p.path, code)
		}
	}
	if code := eve.do("DELETE", "/api/v1/admin/tokens/"+strconv.FormatInt(tok.ID, 10), nil, nil); code != 404 {
		t.Errorf("eve revokes example.test's token: %d", code)
	}
	boss.do("GET", "/api/v1/admin/tokens", nil, &list)
	if list.Tokens[0].LastUsed == nil {
		t.Errorf("a use is not recorded: %+v", list.Tokens[0])
	}
	if code := boss.do("DELETE", "/api/v1/admin/tokens/"+strconv.FormatInt(tok.ID, 10), nil, nil); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	if code, _ := f.bearer(t, "GET", "/api/v1/admin/users", tok.Secret, nil); code != 401 {
		t.Errorf("a revoked token: %d", code)
	}
	if code, _ := f.bearer(t, "GET", "/api/v1/admin/users", "prt_made-up", nil); code != 401 {
		t.Errorf("a made-up token: %d", code)
	}
}
