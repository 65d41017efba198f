package web

import (
	"fmt"
	"net"
	"strings"
	"testing"

	extfetch "postroom/internal/fetch"
	"postroom/internal/testbed"
)

func externalFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.srv.External = &extfetch.Service{Store: f.Store, Mail: f.Mail, Log: testbed.Quiet()}
	return f
}

// closedPort is a port on 127.0.0.1 nobody listens on.
func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func TestExternalAccounts_crudTenancyAndNoPassword(t *testing.T) {
	f := externalFixture(t)
	c := f.login(t, "alice@example.test")
	acct := map[string]any{"name": "옛 메일", "protocol": "pop3", "host": "127.0.0.1", "port": closedPort(t),
		"security": "none", "user": "alice", "password": "s3cret-pass", "leave_on_server": true, "every": 30}
	var created map[string]any
	if code := c.do("POST", "/api/v1/external-accounts", acct, &created); code != 201 {
		t.Fatalf("create: %d %v", code, created)
	}
	if _, has := created["password"]; has || created["password_set"] != true || created["enabled"] != true ||
		created["folder"] != "INBOX" || created["next_run"] == nil {
		t.Errorf("created: %v", created)
	}
	id := int64(created["id"].(float64))
	var list struct {
		Accounts []map[string]any
		Limit    int
	}
	if code := c.do("GET", "/api/v1/external-accounts", nil, &list); code != 200 || len(list.Accounts) != 1 || list.Limit != 5 {
		t.Fatalf("list: %d %+v", code, list)
	}
	for k, v := range list.Accounts[0] {
		if strings.Contains(fmt.Sprint(v), "s3cret") || k == "password" {
			t.Errorf("the list shows the password in %s", k)
		}
	}
	// An update without a password keeps it.
	delete(acct, "password")
	acct["every"], acct["enabled"] = 0, false
	var upd map[string]any
	if code := c.do("PUT", fmt.Sprintf("/api/v1/external-accounts/%d", id), acct, &upd); code != 200 ||
		upd["password_set"] != true || upd["every"] != float64(0) || upd["enabled"] != false || upd["next_run"] != nil {
		t.Errorf("update: %d %v", code, upd)
	}
	// Fetching a port nobody listens on is an outcome, not an error.
	var done map[string]any
	if code := c.do("POST", fmt.Sprintf("/api/v1/external-accounts/%d/fetch", id), nil, &done); code != 200 ||
		done["last_error_kind"] != "connect" || done["last_run"] == nil || done["running"] != false {
		t.Errorf("fetch now: %d %v", code, done)
	}
	bob := f.login(t, "bob@example.test")
	for _, m := range []string{"PUT", "DELETE"} {
		if code := bob.do(m, fmt.Sprintf("/api/v1/external-accounts/%d", id), acct, nil); code != 404 {
			t.Errorf("bob %s alice's: %d", m, code)
		}
	}
	if code := bob.do("POST", fmt.Sprintf("/api/v1/external-accounts/%d/fetch", id), nil, nil); code != 404 {
		t.Errorf("bob fetches alice's: %d", code)
	}
	var bobs struct{ Accounts []map[string]any }
	if bob.do("GET", "/api/v1/external-accounts", nil, &bobs); len(bobs.Accounts) != 0 {
		t.Errorf("bob lists %v", bobs)
	}
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/external-accounts/%d", id), nil, nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
	if code := c.do("POST", fmt.Sprintf("/api/v1/external-accounts/%d/fetch", id), nil, nil); code != 404 {
		t.Errorf("fetch of a deleted one: %d", code)
	}
}

func TestExternalAccounts_invalidAre400WithTheField(t *testing.T) {
	f := externalFixture(t)
	c := f.login(t, "alice@example.test")
	base := func() map[string]any {
		return map[string]any{"name": "x", "protocol": "imap", "host": "imap.example.net", "security": "tls",
			"user": "alice", "password": "p", "every": 10}
	}
	for _, tc := range []struct {
		key    string
		value  any
		field  string
		reason string
	}{
		{"name", "", "name", "required"},
		{"protocol", "exchange", "protocol", "unknown"},
		{"host", "imap://x", "host", "invalid"},
		{"security", "none", "security", "plain_needs_consent"},
		{"every", 5, "every", "unknown"},
		{"password", "", "password", "required"},
		{"folder", "없는 메일함", "folder", "not_found"},
	} {
		req := base()
		req[tc.key] = tc.value
		var e errorAnswer
		if code := c.do("POST", "/api/v1/external-accounts", req, &e); code != 400 || e.Error.Field != tc.field ||
			e.Error.Reason != tc.reason || e.Error.Message == "" {
			t.Errorf("%s=%v: %d %+v, want 400 %s %s", tc.key, tc.value, code, e, tc.field, tc.reason)
		}
	}
	for range 5 {
		if code := c.do("POST", "/api/v1/external-accounts", base(), nil); code != 201 {
			t.Fatalf("create: %d", code)
		}
	}
	var e errorAnswer
	if code := c.do("POST", "/api/v1/external-accounts", base(), &e); code != 400 || e.Error.Reason != "too_many" {
		t.Errorf("sixth: %d %+v", code, e)
	}
}
