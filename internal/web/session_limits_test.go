package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"postroom/internal/auth"
	"postroom/internal/testbed"
)

// Once the account's budget of failed logins is spent, the login form is
// answered 429 too_many_failures with Retry-After, in the user's
// language, and the right password is refused too (from an address the
// account never logged in from).
func TestSession_tooManyFailuresIs429WithRetryAfter(t *testing.T) {
	f := newFixture(t)
	post := func(password string) (*http.Response, apiError) {
		t.Helper()
		req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/session", strings.NewReader(`{"email":"bob@example.test","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e map[string]apiError
		json.NewDecoder(resp.Body).Decode(&e)
		return resp, e["error"]
	}
	for i := range auth.DefaultLimits.Account {
		if resp, e := post("wrong"); resp.StatusCode != 401 {
			t.Fatalf("failure %d: %d %+v", i+1, resp.StatusCode, e)
		}
	}
	resp, e := post(testbed.Password)
	if resp.StatusCode != http.StatusTooManyRequests || e.Code != "too_many_failures" || !strings.Contains(e.Message, "로그인") {
		t.Fatalf("the right password once the budget is spent: %d %+v", resp.StatusCode, e)
	}
	if got := resp.Header.Get("Retry-After"); got != "900" {
		t.Fatalf("Retry-After %q, want 900 (the 15 minutes window)", got)
	}
}

// A new password ends the sessions opened with the old one at their next
// request.
func TestSession_aNewPasswordEndsTheSession(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 200 {
		t.Fatalf("before: %d", code)
	}
	hash, _ := auth.HashPassword("another-password-26")
	a, _ := f.Store.Account(f.Ctx, f.alice.ID)
	a.PasswordHash = hash
	if err := f.Store.UpdateAccount(f.Ctx, a); err != nil {
		t.Fatal(err)
	}
	if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 401 {
		t.Fatalf("after the password changed: %d, want 401", code)
	}
}
