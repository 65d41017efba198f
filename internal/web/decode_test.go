package web

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"postroom/internal/store"
)

// post sends body as it is (not marshalled) with the headers given and
// the client's cookie, and returns the status and the error code.
func (c *client) post(path, body string, header map[string]string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.f.ts.URL+path, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var e errorAnswer
	json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Error.Code
}

// A JSON body is one value: anything after it but white space is 400
// and nothing is done (it used to be ignored).
func TestDecode_trailingDataIs400(t *testing.T) {
	f := newMailFixture(t, time.Hour)
	c := f.login(t, "alice@example.test")
	jsonCSRF := map[string]string{"Content-Type": "application/json", "X-CSRF-Token": c.csrf}
	for _, tc := range []struct{ path, body string }{
		{"/api/v1/mailboxes", `{"name":"a"}{"name":"b"}`},
		{"/api/v1/mailboxes", `{"name":"a"} garbage`},
		{"/api/v1/mailboxes", `{"name":"a"}]`},
		{"/api/v1/drafts", `{"subject":"a"} {"subject":"b"}`},
		{"/api/v1/send", `{"to":["bob@example.test"],"subject":"a"}x`},
	} {
		if code, e := c.post(tc.path, tc.body, jsonCSRF); code != 400 || e != "bad_request" {
			t.Errorf("POST %s %s: %d %s, want 400 bad_request", tc.path, tc.body, code, e)
		}
	}
	if code, e := c.post("/api/v1/mailboxes", "{\"name\":\"a\"} \r\n\t", jsonCSRF); code != 201 {
		t.Errorf("white space after the value: %d %s", code, e)
	}
	if _, err := f.Store.MailboxByName(f.Ctx, f.alice.ID, "b"); err == nil {
		t.Error("the second value was acted on")
	}
	if len(f.stored(t, f.alice, store.RoleDrafts)) != 0 || f.queueLen(t) != 0 {
		t.Error("a body with trailing data was saved or sent")
	}
	// the login as well
	anon := &client{t: t, f: f.fixture, http: &http.Client{}}
	if code, e := anon.post("/api/v1/session", `{"email":"alice@example.test","password":"pw"} {}`, map[string]string{"Content-Type": "application/json"}); code != 400 {
		t.Errorf("login with trailing data: %d %s", code, e)
	}
}

// A body that is not application/json is 415 before it is read: a page on
// another site can make a browser post a form or text/plain (a login
// CSRF with a JSON-looking text/plain body logged the victim into the
// attacker's account), never application/json without asking first.
func TestDecode_onlyJSONBodies(t *testing.T) {
	f := newFixture(t)
	anon := &client{t: t, f: f, http: &http.Client{}}
	login := `{"email":"alice@example.test","password":"pw"}`
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		if code, e := anon.post("/api/v1/session", login, map[string]string{"Content-Type": ct}); code != 415 || e != "unsupported_media_type" {
			t.Errorf("login as %q: %d %s, want 415", ct, code, e)
		}
	}
	if code, _ := anon.post("/api/v1/session", login, map[string]string{"Content-Type": "application/json; charset=utf-8"}); code != 200 {
		t.Errorf("login as JSON: %d", code)
	}
	c := f.login(t, "alice@example.test")
	if code, e := c.post("/api/v1/mailboxes", `{"name":"x"}`, map[string]string{"Content-Type": "text/plain", "X-CSRF-Token": c.csrf}); code != 415 {
		t.Errorf("folder as text/plain: %d %s", code, e)
	}
}

// The writing routes take at most max_json_size: beyond the announced
// length the answer is 413 before the body is read, and a chunked body
// is cut at the limit; the limit is far below the message size.
func TestDecode_composeBodyIsBounded(t *testing.T) {
	f := newMailFixture(t, time.Hour)
	f.srv.MaxJSONSize = 64 << 10
	c := f.login(t, "alice@example.test")
	big, _ := json.Marshal(map[string]any{"subject": "big", "html": strings.Repeat("<p>견적서</p>", 10<<10)})
	for _, length := range []int64{int64(len(big)), -1} {
		req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/drafts", strings.NewReader(string(big)))
		req.ContentLength = length
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.csrf)
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e errorAnswer
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 413 || e.Error.Code != "too_large" || e.Error.Limit != 64<<10 {
			t.Errorf("a %d-byte draft (length %d): %d %+v", len(big), length, resp.StatusCode, e)
		}
	}
	if len(f.stored(t, f.alice, store.RoleDrafts)) != 0 {
		t.Error("a draft over the limit was saved")
	}
	if code := c.do("POST", "/api/v1/drafts", map[string]any{"subject": "small", "html": strings.Repeat("<p>견적서</p>", 1<<10)}, nil); code != 201 {
		t.Errorf("a draft under the limit: %d", code)
	}
}

// A state-changing request a page of another site made the browser send
// is 403 cross_origin, the login first of all; the page's own requests
// and programs (no such headers) pass.
func TestCrossOrigin_loginAndChangesFromAnotherSiteAre403(t *testing.T) {
	f := newFixture(t)
	login := `{"email":"alice@example.test","password":"pw"}`
	host := strings.TrimPrefix(f.ts.URL, "http://")
	anon := &client{t: t, f: f, http: &http.Client{}}
	for name, h := range map[string]map[string]string{
		"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site": "cross-site"},
		"Sec-Fetch-Site same-site":  {"Sec-Fetch-Site": "same-site"},
		"foreign Origin":            {"Origin": "https://attacker.example"},
		"Origin on another port":    {"Origin": "http://127.0.0.1:1"},
	} {
		h["Content-Type"] = "application/json"
		if code, e := anon.post("/api/v1/session", login, h); code != 403 || e != "cross_origin" {
			t.Errorf("login, %s: %d %s, want 403 cross_origin", name, code, e)
		}
	}
	for name, h := range map[string]map[string]string{
		"same-origin":     {"Sec-Fetch-Site": "same-origin", "Origin": "http://" + host},
		"own Origin only": {"Origin": "http://" + host},
		"no such headers": {},
	} {
		h["Content-Type"] = "application/json"
		if code, e := anon.post("/api/v1/session", login, h); code != 200 {
			t.Errorf("login, %s: %d %s", name, code, e)
		}
	}
	c := f.login(t, "alice@example.test")
	if code, e := c.post("/api/v1/mailboxes", `{"name":"x"}`, map[string]string{"Content-Type": "application/json",
		"X-CSRF-Token": c.csrf, "Sec-Fetch-Site": "cross-site"}); code != 403 || e != "cross_origin" {
		t.Errorf("a folder from another site, with the token: %d %s", code, e)
	}
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/mailboxes", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := c.http.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("a GET (a link from another site) is no change: %v %v", resp.StatusCode, err)
	}
}

// HTTPS answers carry Strict-Transport-Security; plain HTTP (loopback)
// does not (RFC 6797 §7.2).
func TestSecurityHeaders_HSTSOverTLSOnly(t *testing.T) {
	f := newFixture(t)
	ts := httptest.NewTLSServer(f.srv.Handler())
	defer ts.Close()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("over TLS: Strict-Transport-Security %q", got)
	}
	resp, err = http.Get(f.ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("plain HTTP: Strict-Transport-Security %q", got)
	}
}
