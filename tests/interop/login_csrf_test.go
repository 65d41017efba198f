package interop

// Login CSRF (issue 13, item 5): a page on another site must not be able
// to log the visitor's browser into an account of its choosing (the
// attacker's: what the victim then writes or files lands there). Proved
// with curl setting what a browser sends, and in Chromium with a real
// form.

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// curlPost posts body to url with curl and the headers given, keeping
// cookies in jar; it returns the status and the body.
func curlPost(t *testing.T, curl, jar, url, body string, headers ...string) (int, string) {
	t.Helper()
	args := []string{"-sS", "-c", jar, "-o", "-", "-w", "\n%{http_code}", "--data-binary", body}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	out, err := exec.Command(curl, append(args, url)...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl: %v %s", err, out)
	}
	s := strings.TrimRight(string(out), "\n")
	i := strings.LastIndexByte(s, '\n')
	var code int
	fmt.Sscan(s[i+1:], &code)
	return code, s[:max(i, 0)]
}

// What a cross-site form can make a browser send to POST /api/v1/session
// logs nobody in and sets no cookie: a text/plain body shaped as JSON
// (what an HTML form with enctype=text/plain posts; it used to log in),
// and JSON marked as coming from another site by Origin or
// Sec-Fetch-Site. curl without those headers (a program) still logs in.
func TestLoginCSRF_crossSiteLoginsAreRefused(t *testing.T) {
	curl := requireTool(t, "curl", "curl")
	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	attacker := uniqueAddr("attacker")
	s.AddUser(t, attacker)
	url := "http://" + s.Addr(t, "http") + "/api/v1/session"
	// a text/plain form's single field named `{"email":"...","password":"...","language":"`
	// and valued `"}` posts this (the "=" lands in a field the login reads)
	formBody := fmt.Sprintf(`{"email":%q,"password":%q,"language":"="}`, attacker, testPassword)
	for _, tc := range []struct {
		name    string
		headers []string
		code    int
	}{
		{"text/plain form, cross-site", []string{"Content-Type: text/plain", "Origin: https://attacker.example", "Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: navigate"}, 403},
		{"text/plain, no browser headers", []string{"Content-Type: text/plain"}, 415},
		{"urlencoded form", []string{"Content-Type: application/x-www-form-urlencoded"}, 415},
		{"JSON, foreign Origin", []string{"Content-Type: application/json", "Origin: https://attacker.example"}, 403},
		{"JSON, Sec-Fetch-Site cross-site", []string{"Content-Type: application/json", "Sec-Fetch-Site: cross-site"}, 403},
	} {
		jar := filepath.Join(t.TempDir(), "jar")
		code, body := curlPost(t, curl, jar, url, formBody, tc.headers...)
		cookies, _ := os.ReadFile(jar)
		if code != tc.code || strings.Contains(string(cookies), "postroom_session") {
			t.Errorf("%s: %d %s (cookie set: %v), want %d and no cookie", tc.name, code, body, strings.Contains(string(cookies), "postroom_session"), tc.code)
		}
	}
	jar := filepath.Join(t.TempDir(), "jar")
	if code, body := curlPost(t, curl, jar, url, formBody, "Content-Type: application/json"); code != 200 {
		t.Fatalf("a program's JSON login: %d %s", code, body)
	}
}

// browserAttackPage serves the attacker's page: a form that posts the
// attacker's login to the webmail as text/plain, submitted on load. It is
// on another origin than the webmail (another port of 127.0.0.1: the
// runner lets the browser reach nothing but 127.0.0.1).
func browserAttackPage(t *testing.T, webmail, email, password string) string {
	t.Helper()
	name := fmt.Sprintf(`{"email":%q,"password":%q,"language":"`, email, password)
	page := `<!doctype html><meta charset="utf-8"><title>무료 쿠폰</title>` +
		`<form method="POST" enctype="text/plain" action="` + html.EscapeString(webmail+"/api/v1/session") + `">` +
		`<input type="hidden" name="` + html.EscapeString(name) + `" value='"}'></form>` +
		`<script>document.forms[0].submit()</script>`
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// In Chromium: the victim, logged out, visits the attacker's page, whose
// form posts the attacker's login to the webmail; then he opens the
// webmail, which must show the login form, not the attacker's mailbox.
// (It logged him in as the attacker.)
func TestBrowser_loginCSRF(t *testing.T) {
	dir, node, selected := browserStart(t, []string{"login_csrf"})
	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	attacker := uniqueAddr("attacker")
	s.AddUser(t, attacker)
	base := "http://" + s.Addr(t, "http")
	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:   base,
		Email:     attacker, // who the page tries to log in
		Chromium:  browserChromium,
		Shots:     browserOutputDir(t, ""),
		Control:   browserAttackPage(t, base, attacker, testPassword),
		Scenarios: selected,
	})
}
