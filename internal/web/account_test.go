package web

import (
	"encoding/json"
	"net/http"
	"testing"
)

// errorOf reads a GET answer's error as the client sees it.
func (c *client) errorOf(path string) apiError {
	c.t.Helper()
	var e map[string]apiError
	c.do("GET", path, nil, &e)
	return e["error"]
}

// A new language is saved and followed by the very next error message;
// either setting may come alone.
func TestAccount_patchSavesAndSwitchesLanguageAtOnce(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	if e := c.errorOf("/api/v1/messages/987654"); e.Message != messages["ko"]["not_found"] {
		t.Fatalf("before: %+v, want the Korean message", e)
	}
	var got accountJSON
	code := c.do("PATCH", "/api/v1/account", map[string]string{"language": "en", "time_zone": "America/New_York"}, &got)
	want := accountJSON{ID: f.alice.ID, Email: "alice@example.test", Language: "en", TimeZone: "America/New_York"}
	if code != 200 || got != want {
		t.Fatalf("PATCH: %d %+v, want 200 %+v", code, got, want)
	}
	if e := c.errorOf("/api/v1/messages/987654"); e.Message != messages["en"]["not_found"] {
		t.Fatalf("after: %+v, want the English message", e)
	}
	if code := c.do("PATCH", "/api/v1/account", map[string]string{"time_zone": "UTC"}, &got); code != 200 || got.Language != "en" || got.TimeZone != "UTC" {
		t.Fatalf("time zone alone: %d %+v", code, got)
	}
	stored, err := f.Store.Account(f.Ctx, f.alice.ID)
	if err != nil || stored.Language != "en" || stored.TimeZone != "UTC" || stored.PasswordHash != f.alice.PasswordHash {
		t.Fatalf("stored %+v %v", stored, err)
	}
}

// Another language, an unknown zone, the server's "Local" zone or an
// unknown field are refused in the user's language, and nothing is saved.
func TestAccount_patchRefusesBadValues(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	for _, tc := range []struct {
		body any
		code string
	}{
		{map[string]string{"language": "fr"}, "invalid"},
		{map[string]string{"language": "ko", "time_zone": "Asia/Nowhere"}, "invalid"},
		{map[string]string{"time_zone": "Local"}, "invalid"},
		{map[string]string{"time_zone": ""}, "invalid"},
		{map[string]string{"time_zone": "../../etc/passwd"}, "invalid"},
		{map[string]string{"lang": "en"}, "bad_request"},
	} {
		var e map[string]apiError
		if code := c.do("PATCH", "/api/v1/account", tc.body, &e); code != 400 || e["error"].Code != tc.code ||
			e["error"].Message != messages["ko"][tc.code] {
			t.Errorf("%v: %d %+v, want 400 %s in Korean", tc.body, code, e, tc.code)
		}
	}
	stored, _ := f.Store.Account(f.Ctx, f.alice.ID)
	if stored.Language != f.alice.Language || stored.TimeZone != f.alice.TimeZone {
		t.Fatalf("a refused change was saved: %+v", stored)
	}
}

func TestAccount_patchNeedsTheCSRFToken(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	for _, token := range []string{"", "forged"} {
		if code := c.doCSRF("PATCH", "/api/v1/account", map[string]string{"language": "en"}, nil, token); code != 403 {
			t.Errorf("token %q: %d, want 403", token, code)
		}
	}
	if stored, _ := f.Store.Account(f.Ctx, f.alice.ID); stored.Language != "ko" {
		t.Fatalf("language changed without the token: %q", stored.Language)
	}
	if e := c.errorOf("/api/v1/messages/987654"); e.Message != messages["ko"]["not_found"] {
		t.Fatalf("session language changed without the token: %+v", e)
	}
}

type bootstrapAnswer struct {
	CSRF      string
	Account   accountJSON
	Mailboxes []mailboxJSON
	Inbox     threadPageAnswer
}

// One GET gives the first screen: token, account, folders with counts and
// the Inbox's first page, with the list's own query parameters.
func TestSession_bootstrapInOneRequest(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.ts.URL + "/api/v1/session")
	if err != nil {
		t.Fatal(err)
	}
	var anon sessionState
	json.NewDecoder(resp.Body).Decode(&anon)
	resp.Body.Close()
	if resp.StatusCode != 200 || anon.Authenticated {
		t.Fatalf("without a session: %d %+v, want 200 and not authenticated", resp.StatusCode, anon)
	}
	for _, s := range []string{"A", "Re: A", "B"} {
		f.Put(f.alice.ID, "INBOX", "Subject: "+s+"\r\n\r\nx\r\n")
	}
	f.Put(f.alice.ID, "Archive", "Subject: archived\r\n\r\nx\r\n")
	c := f.login(t, "alice@example.test")
	var got bootstrapAnswer
	if code := c.do("GET", "/api/v1/session?per_page=1&page=3", nil, &got); code != 200 {
		t.Fatalf("bootstrap: %d", code)
	}
	if got.CSRF != c.csrf || got.Account.Email != "alice@example.test" || got.Account.Language != "ko" {
		t.Errorf("token or account: %+v", got)
	}
	var mbs mailboxesAnswer
	c.do("GET", "/api/v1/mailboxes", nil, &mbs)
	if a, b := mustJSON(t, got.Mailboxes), mustJSON(t, mbs.Mailboxes); a != b {
		t.Errorf("mailboxes\n%s\nwant as GET /api/v1/mailboxes\n%s", a, b)
	}
	if in := got.Inbox; in.Total != 3 || in.Page != 1 || in.PerPage != 1 || len(in.Messages) != 1 || in.Messages[0].Subject != "B" {
		t.Errorf("inbox page: %+v", in)
	}
	c.do("GET", "/api/v1/session?thread=1&unread=1", nil, &got)
	if in := got.Inbox; in.Total != 2 || len(in.Messages) != 2 || in.Messages[1].ThreadCount != 2 {
		t.Errorf("inbox threads: %+v", in)
	}
	// The token it gives works for changes (a reloaded page has only this).
	if code := c.doCSRF("POST", "/api/v1/mailboxes", map[string]string{"name": "x"}, nil, got.CSRF); code != 201 {
		t.Errorf("change with the bootstrap's token: %d", code)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
