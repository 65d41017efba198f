package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"postroom/internal/store"
)

// readyzCode is GET /readyz's status.
func readyzCode(t *testing.T, f *fixture) int {
	t.Helper()
	resp, err := http.Get(f.ts.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// /readyz: 200 while the store answers and the server is not shutting
// down; 503 when the store fails, and from Drain (SIGTERM) on, while
// /healthz, the liveness, still answers 200.
func TestReadyz_storeDownAndShuttingDownAre503(t *testing.T) {
	f := newFixture(t)
	var storeErr error
	f.srv.Ready = func(context.Context) error { return storeErr }
	if code := readyzCode(t, f); code != http.StatusOK {
		t.Fatalf("ready: %d", code)
	}
	storeErr = errors.New("database is locked")
	if code := readyzCode(t, f); code != http.StatusServiceUnavailable {
		t.Fatalf("store down: %d, want 503", code)
	}
	storeErr = nil
	f.srv.Drain()
	if code := readyzCode(t, f); code != http.StatusServiceUnavailable {
		t.Fatalf("shutting down: %d, want 503", code)
	}
	resp, err := http.Get(f.ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz while draining: %d, want 200 (the process still serves)", resp.StatusCode)
	}
}

// Past the hourly limit the webmail answers 429 with Retry-After and a
// message naming the limit in the user's language; the domain's own
// limit (set by the operator) is the one applied.
func TestSend_hourlyLimit429(t *testing.T) {
	f := newMailFixture(t, 0)
	f.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	f.Domain.MessagesPerHour = 2
	if err := f.Store.UpdateDomain(f.Ctx, f.Domain); err != nil {
		t.Fatal(err)
	}
	alice, bob := f.login(t, "alice@example.test"), f.login(t, "bob@example.test")
	msg := map[string]any{"to": []map[string]string{{"email": "kim@remote.test"}}, "subject": "s", "text": "t"}
	for i := 0; i < 2; i++ {
		if code, _, e := alice.send(msg); code != http.StatusAccepted {
			t.Fatalf("message %d: %d %+v", i+1, code, e)
		}
	}
	for _, tc := range []struct {
		c    *client
		want string
	}{{alice, "시간당 발송 한도(2통)"}, {bob, "sending limit of 2 messages per hour"}} {
		if tc.c == bob { // bob's own two first
			for i := 0; i < 2; i++ {
				if code, _, e := bob.send(msg); code != http.StatusAccepted {
					t.Fatalf("bob's message %d: %d %+v (alice's sends are not his)", i+1, code, e)
				}
			}
		}
		resp, body := tc.c.postJSON("/api/v1/send", msg)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3600" ||
			!bytes.Contains(body, []byte(`"code":"hourly_limit"`)) || !strings.Contains(string(body), tc.want) {
			t.Fatalf("past the limit: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
}

// An administrator downloads the Apple profile of a user of his domain:
// the user's own profile, without a password; another domain's user,
// and any user for a non-administrator, are not found or forbidden.
func TestAdminUserProfile_ownDomainOnly(t *testing.T) {
	f := newFixture(t)
	withAccountTools(f)
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	eve := f.Account("eve", func(a *store.Account) { a.DomainID = other.ID })
	boss, alice := f.login(t, "boss@example.test"), f.login(t, "alice@example.test")
	path := func(a *store.Account) string {
		return fmt.Sprintf("/api/v1/admin/users/%d/apple.mobileconfig", f.srv.outID(idAccount, a.ID))
	}
	code, body, h := boss.get(path(f.alice))
	if code != 200 || h.Get("Content-Type") != "application/x-apple-aspen-config" ||
		!strings.Contains(h.Get("Content-Disposition"), "alice@example.test.mobileconfig") {
		t.Fatalf("boss gets alice's profile: %d %v", code, h)
	}
	for _, want := range []string{"<key>EmailAddress</key><string>alice@example.test</string>",
		"<key>IncomingMailServerUsername</key><string>alice@example.test</string>", "<key>PayloadType</key><string>com.apple.mail.managed</string>"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("profile lacks %s:\n%s", want, body)
		}
	}
	if bytes.Contains(body, []byte("<key>IncomingPassword</key>")) || bytes.Contains(body, []byte("<key>OutgoingPassword</key>")) {
		t.Fatal("the profile holds a password")
	}
	// the same profile the user downloads himself, UUIDs apart
	_, own, _ := alice.get("/api/v1/client-setup/apple.mobileconfig")
	if uuidless(own) != uuidless(body) {
		t.Fatalf("the administrator's profile differs from the user's:\n%s\n%s", body, own)
	}
	if code, _, _ := boss.get(path(eve)); code != 404 {
		t.Fatalf("another domain's user: %d, want 404", code)
	}
	if code, _, _ := alice.get(path(f.bob)); code != 403 {
		t.Fatalf("a user: %d, want 403", code)
	}
}

// uuidless is a profile without its PayloadUUID values (new each time).
func uuidless(b []byte) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "<key>PayloadUUID</key>") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// postJSON posts body as JSON and answers the whole response, its body
// read.
func (c *client) postJSON(path string, body any) (*http.Response, []byte) {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.f.ts.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, out
}

// The operator sets a domain's hourly limit over the API and the domain
// list shows it; a value below -1 is refused in the session's language;
// the domain's administrator may not change it.
func TestOperatorDomain_messagesPerHour(t *testing.T) {
	f := newFixture(t)
	op := f.operatorLogin(t, "ko")
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	boss := f.login(t, "boss@example.test")
	var d domainJSON
	if code := op.do("PATCH", "/api/v1/operator/domains/example.test", map[string]any{"messages_per_hour": 20}, &d); code != 200 || d.MessagesPerHour != 20 {
		t.Fatalf("PATCH: %d %+v", code, d)
	}
	var doms struct{ Domains []domainJSON }
	if code := op.do("GET", "/api/v1/operator/domains", nil, &doms); code != 200 || len(doms.Domains) != 1 || doms.Domains[0].MessagesPerHour != 20 {
		t.Fatalf("list: %d %+v", code, doms)
	}
	var e invalidAnswer
	if code := op.do("PATCH", "/api/v1/operator/domains/example.test", map[string]any{"messages_per_hour": -2}, &e); code != 400 ||
		e.Error.Field != "messages_per_hour" || e.Error.Reason != "invalid_messages_per_hour" || !strings.Contains(e.Error.Message, "시간당 발송 한도") {
		t.Fatalf("-2: %d %+v", code, e.Error)
	}
	if code := boss.do("PATCH", "/api/v1/operator/domains/example.test", map[string]any{"messages_per_hour": 9999}, nil); code != 403 {
		t.Fatalf("the domain's administrator: %d, want 403", code)
	}
}
