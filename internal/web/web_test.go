package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"postroom/internal/admin"
	"postroom/internal/auth"
	"postroom/internal/contacts"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

type fixture struct {
	*testbed.Bed
	srv   *Server
	ts    *httptest.Server
	alice *store.Account
	bob   *store.Account
	clock *testClock // the server's clock: the real time until a test moves it
	// sessions is the server's sessions service (its Idle, its policy)
	sessions *auth.Sessions
}

func newFixture(t *testing.T) *fixture {
	b := testbed.New(t)
	f := &fixture{Bed: b, clock: &testClock{}}
	f.sessions = &auth.Sessions{Store: b.Store, Auth: auth.NewAuthenticator(b.Store, false), Events: b.Bus, Now: f.clock.Now, Log: testbed.Quiet(),
		Links: b.Store}
	adm := &admin.Service{Store: b.Store}
	f.srv = &Server{Mail: b.Mail, Sessions: f.sessions, Accounts: adm, Events: b.Bus, Log: testbed.Quiet(),
		Admin: adm, Hostname: "mail.example.test", Now: f.clock.Now,
		Contacts: &contacts.Service{Store: b.Store, Sent: b.Mail, Directory: adm, Log: testbed.Quiet()}, Org: adm, Tokens: adm, LoginLinks: adm, Audit: adm}
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	f.alice = b.Account("alice", func(a *store.Account) { a.Language = "ko" })
	f.bob = b.Account("bob", func(a *store.Account) { a.Language = "en" })
	return f
}

// client is a browser: cookie jar and CSRF token.
type client struct {
	t    *testing.T
	f    *fixture
	http *http.Client
	csrf string
}

func (f *fixture) login(t *testing.T, email string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, f: f, http: &http.Client{Jar: jar}}
	var out struct{ CSRF string }
	if code := c.do("POST", "/api/v1/session", map[string]string{"email": email, "password": testbed.Password}, &out); code != 200 || out.CSRF == "" {
		t.Fatalf("login %s: %d", email, code)
	}
	c.csrf = out.CSRF
	return c
}

// do sends a request with the CSRF token and decodes the JSON answer.
func (c *client) do(method, path string, body any, out any) int {
	c.t.Helper()
	return c.doCSRF(method, path, body, out, c.csrf)
}

func (c *client) doCSRF(method, path string, body any, out any, csrf string) int {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, c.f.ts.URL+path, r)
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

type mailboxesAnswer struct {
	Mailboxes []mailboxJSON
}

func (c *client) mailboxID(name string) int64 {
	c.t.Helper()
	var mbs mailboxesAnswer
	c.do("GET", "/api/v1/mailboxes", nil, &mbs)
	for _, m := range mbs.Mailboxes {
		if m.Name == name {
			return m.ID
		}
	}
	c.t.Fatalf("no mailbox %q in %+v", name, mbs)
	return 0
}

func TestSession_loginErrorsAreTranslatedAndCookieIsSafe(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/session", strings.NewReader(`{"email":"alice@example.test","password":"wrong"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var e map[string]apiError
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != 401 || e["error"].Code != "invalid_credentials" || !strings.Contains(e["error"].Message, "비밀번호") {
		t.Fatalf("%d %+v", resp.StatusCode, e)
	}
	resp, _ = http.Post(f.ts.URL+"/api/v1/session", "application/json", strings.NewReader(`{"email":"alice@example.test","password":"pw"}`))
	resp.Body.Close()
	cookie := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != 200 || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Fatalf("cookie %q", cookie)
	}
	if resp, _ := http.Get(f.ts.URL + "/api/v1/mailboxes"); resp.StatusCode != 401 {
		t.Fatalf("without a session: %d", resp.StatusCode)
	}
}

func TestCSRF_stateChangesNeedTheToken(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	if code := c.doCSRF("POST", "/api/v1/mailboxes", map[string]string{"name": "x"}, nil, ""); code != 403 {
		t.Fatalf("without token: %d", code)
	}
	if code := c.doCSRF("POST", "/api/v1/mailboxes", map[string]string{"name": "x"}, nil, "forged"); code != 403 {
		t.Fatalf("wrong token: %d", code)
	}
	if _, err := f.Store.MailboxByName(f.Ctx, f.alice.ID, "x"); err == nil {
		t.Fatal("a folder was created without the token")
	}
	if code := c.do("DELETE", "/api/v1/session", nil, nil); code != 204 {
		t.Fatalf("logout %d", code)
	}
	if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 401 {
		t.Fatalf("after logout %d", code)
	}
}

func TestMailboxes_createRenameDeleteNestedKorean(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	if code := c.do("POST", "/api/v1/mailboxes", map[string]string{"name": "프로젝트"}, nil); code != 201 {
		t.Fatalf("create %d", code)
	}
	var sub mailboxJSON
	if code := c.do("POST", "/api/v1/mailboxes", map[string]string{"name": "견적서", "parent": "프로젝트"}, &sub); code != 201 || sub.Name != "프로젝트/견적서" {
		t.Fatalf("nested %d %+v", code, sub)
	}
	var e map[string]apiError
	if code := c.do("POST", "/api/v1/mailboxes", map[string]string{"name": "프로젝트"}, &e); code != 409 || !strings.Contains(e["error"].Message, "이미") {
		t.Fatalf("duplicate %d %+v", code, e)
	}
	if code := c.do("PATCH", fmt.Sprintf("/api/v1/mailboxes/%d", sub.ID), map[string]string{"name": "계약서"}, nil); code != 204 {
		t.Fatalf("rename %d", code)
	}
	if id := c.mailboxID("프로젝트/계약서"); id != sub.ID {
		t.Fatal("renamed folder lost its id")
	}
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/mailboxes/%d", c.mailboxID("프로젝트")), nil, nil); code != 409 {
		t.Fatalf("delete with children %d", code)
	}
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/mailboxes/%d", c.mailboxID("INBOX")), nil, nil); code != 403 {
		t.Fatalf("delete INBOX %d", code)
	}
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/mailboxes/%d", sub.ID), nil, nil); code != 204 {
		t.Fatalf("delete %d", code)
	}
}

const euckrMail = "From: =?euc-kr?B?sei/tcjx?= <kim@remote.test>\r\nTo: alice@example.test\r\nSubject: =?euc-kr?B?sN/A+7yt?=\r\n" +
	"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=euc-kr\r\n\r\n\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4\r\n" +
	"--b\r\nContent-Type: application/pdf; name=\"q.pdf\"\r\nContent-Disposition: attachment; filename=\"q.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n"

func TestMessages_listReadRawAttachment(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 3; i++ {
		f.Put(f.alice.ID, "INBOX", fmt.Sprintf("Subject: n%d\r\n\r\nx\r\n", i))
	}
	m := f.Put(f.alice.ID, "INBOX", euckrMail)
	c := f.login(t, "alice@example.test")
	inbox := c.mailboxID("INBOX")
	var page struct {
		Messages []messageJSON
		Total    int
	}
	if code := c.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages?per_page=2", inbox), nil, &page); code != 200 || page.Total != 4 || len(page.Messages) != 2 {
		t.Fatalf("list %d %+v", code, page)
	}
	var got struct {
		Message     messageJSON
		Text        string
		Attachments []attachmentJSON
	}
	if code := c.do("GET", fmt.Sprintf("/api/v1/messages/%d", m.ID), nil, &got); code != 200 {
		t.Fatalf("get %d", code)
	}
	if got.Message.Subject != "견적서" || got.Message.From.Name != "김영희" || !strings.Contains(got.Text, "안녕하세요") ||
		len(got.Attachments) != 1 || got.Attachments[0].Filename != "q.pdf" {
		t.Fatalf("read %+v", got)
	}
	resp, _ := c.http.Get(fmt.Sprintf("%s/api/v1/messages/%d/raw", f.ts.URL, m.ID))
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(raw) != euckrMail || resp.Header.Get("Content-Type") != "message/rfc822" {
		t.Fatalf("raw %q", raw)
	}
	resp, _ = c.http.Get(fmt.Sprintf("%s/api/v1/messages/%d/attachments/1", f.ts.URL, m.ID))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "%PDF-" || !strings.Contains(resp.Header.Get("Content-Disposition"), "q.pdf") {
		t.Fatalf("attachment %q %q", body, resp.Header.Get("Content-Disposition"))
	}
}

func TestActions_moveFlagDeleteAndUnread(t *testing.T) {
	f := newFixture(t)
	a := f.Put(f.alice.ID, "INBOX", "Subject: a\r\n\r\nx\r\n")
	b := f.Put(f.alice.ID, "INBOX", "Subject: b\r\n\r\nx\r\n")
	c := f.login(t, "alice@example.test")
	archive := c.mailboxID("Archive")
	if code := c.do("POST", "/api/v1/messages/actions", map[string]any{"action": "flag", "ids": []int64{a.ID, b.ID}}, nil); code != 200 {
		t.Fatalf("flag %d", code)
	}
	var done map[string]int
	if code := c.do("POST", "/api/v1/messages/actions", map[string]any{"action": "move", "ids": []int64{a.ID}, "mailbox": archive}, &done); code != 200 || done["done"] != 1 {
		t.Fatalf("move %d %v", code, done)
	}
	moved, _ := f.Store.Message(f.Ctx, f.alice.ID, a.ID)
	if moved.MailboxID != archive || !moved.HasFlag(store.FlagFlagged) {
		t.Fatalf("moved %+v", moved)
	}
	c.do("POST", "/api/v1/messages/actions", map[string]any{"action": "delete-to-trash", "ids": []int64{b.ID}}, nil)
	c.do("POST", "/api/v1/messages/actions", map[string]any{"action": "delete-to-trash", "ids": []int64{b.ID}}, nil)
	if _, err := f.Store.Message(f.Ctx, f.alice.ID, b.ID); err == nil {
		t.Fatal("deleting in Trash must delete for good")
	}
	if code := c.do("POST", "/api/v1/messages/actions", map[string]any{"action": "shred", "ids": []int64{a.ID}}, nil); code != 400 {
		t.Fatalf("unknown action %d", code)
	}
}

// User B can neither read, move, flag nor delete user A's message or
// folder by id: 404, and nothing changes.
func TestTenancy_anotherAccountsIDsAre404(t *testing.T) {
	f := newFixture(t)
	m := f.Put(f.alice.ID, "INBOX", "Subject: private\r\n\r\nsecret\r\n")
	aliceInbox, _ := f.Store.MailboxByRole(f.Ctx, f.alice.ID, store.RoleInbox)
	bob := f.login(t, "bob@example.test")
	bobTrash := bob.mailboxID("Trash")
	for _, c := range []struct{ method, path string }{
		{"GET", fmt.Sprintf("/api/v1/messages/%d", m.ID)},
		{"GET", fmt.Sprintf("/api/v1/messages/%d/raw", m.ID)},
		{"GET", fmt.Sprintf("/api/v1/messages/%d/attachments/1", m.ID)},
		{"GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages", aliceInbox.ID)},
		// a search in her folder (was 200 with nothing found: the folder's
		// existence showed through)
		{"GET", fmt.Sprintf("/api/v1/search?q=secret&mailbox=%d", aliceInbox.ID)},
		{"GET", fmt.Sprintf("/api/v1/search?mailbox=%d", aliceInbox.ID)},
		{"DELETE", fmt.Sprintf("/api/v1/mailboxes/%d", aliceInbox.ID)},
		{"PATCH", fmt.Sprintf("/api/v1/mailboxes/%d", aliceInbox.ID)},
	} {
		var body any
		if c.method == "PATCH" {
			body = map[string]string{"name": "stolen"}
		}
		if code := bob.do(c.method, c.path, body, nil); code != 404 {
			t.Errorf("%s %s: %d, want 404", c.method, c.path, code)
		}
	}
	for _, action := range []map[string]any{
		{"action": "move", "ids": []int64{m.ID}, "mailbox": bobTrash},
		{"action": "read", "ids": []int64{m.ID}},
		{"action": "delete-permanently", "ids": []int64{m.ID}},
	} {
		if code := bob.do("POST", "/api/v1/messages/actions", action, nil); code != 404 {
			t.Errorf("%v: %d, want 404", action["action"], code)
		}
	}
	after, err := f.Store.Message(f.Ctx, f.alice.ID, m.ID)
	if err != nil || after.MailboxID != aliceInbox.ID || len(after.Flags) != 0 {
		t.Fatalf("alice's message changed: %+v %v", after, err)
	}
	alice := f.login(t, "alice@example.test")
	if code := alice.do("POST", "/api/v1/messages/actions", map[string]any{"action": "move", "ids": []int64{m.ID}, "mailbox": bobTrash}, nil); code != 404 {
		t.Fatalf("moving into another account's folder: %d", code)
	}
}

func TestEvents_newMailArrivesOnTheStream(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/events", nil)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	r.ReadString('\n')                                        // ": connected"
	f.Put(f.bob.ID, "INBOX", "Subject: for bob\r\n\r\nx\r\n") // another account: not on alice's stream
	f.Put(f.alice.ID, "INBOX", "Subject: hi\r\n\r\nx\r\n")
	lines := make(chan string, 10)
	go func() {
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			lines <- l
		}
	}()
	timeout := time.After(30 * time.Second) // a missing event, not a slow one (speed is not asserted)
	for {
		select {
		case l := <-lines:
			if strings.HasPrefix(l, "data:") {
				if !strings.Contains(l, `"kind":"message.new"`) {
					t.Fatalf("first event %q", l)
				}
				inbox, _ := f.Store.MailboxByRole(f.Ctx, f.alice.ID, store.RoleInbox)
				if !strings.Contains(l, fmt.Sprintf(`"mailbox_id":%d`, inbox.ID)) {
					t.Fatalf("event of another mailbox: %q", l)
				}
				return
			}
		case <-timeout:
			t.Fatal("no event within 30 s")
		}
	}
}

// docs/api.md must describe every route (STYLE: documentation that is
// tested does not drift).
func TestDocs_everyRouteIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	var s Server
	for _, r := range s.routes() {
		if !strings.Contains(string(doc), "### "+r.method+" "+r.path+"\n") {
			t.Errorf("docs/api.md lacks a section %q", "### "+r.method+" "+r.path)
		}
	}
}

const htmlMail = "From: a@remote.test\r\nSubject: html\r\nContent-Type: multipart/related; boundary=r\r\n\r\n" +
	"--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
	"<p onclick=\"steal()\">안녕 <b>굵게</b></p><script>alert(1)</script><img src=\"https://tracker.example/p.gif\">" +
	"<img src=\"cid:logo@x\"><a href=\"javascript:alert(2)\">x</a><img src=x onerror=\"alert(3)\">\r\n" +
	"--r\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n"

var inlineURL = regexp.MustCompile(`/api/v1/inline/[A-Za-z0-9_-]+/logo@x`)

func TestMessageHTML_sanitizedSandboxedAndRemoteImagesHeld(t *testing.T) {
	f := newFixture(t)
	m := f.Put(f.alice.ID, "INBOX", htmlMail)
	c := f.login(t, "alice@example.test")
	var got struct {
		HasHTML       bool `json:"has_html"`
		RemoteBlocked int  `json:"remote_blocked"`
	}
	c.do("GET", fmt.Sprintf("/api/v1/messages/%d", m.ID), nil, &got)
	if !got.HasHTML || got.RemoteBlocked != 1 {
		t.Fatalf("reading answer %+v", got)
	}
	get := func(path string) (string, http.Header) {
		resp, err := c.http.Get(f.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp.Header
	}
	doc, h := get(fmt.Sprintf("/api/v1/messages/%d/html", m.ID))
	for _, bad := range []string{"<script", "onclick", "onerror", "javascript:", "tracker.example"} {
		if strings.Contains(doc, bad) {
			t.Errorf("document still has %q:\n%s", bad, doc)
		}
	}
	if !strings.Contains(doc, "<b>굵게</b>") || !inlineURL.MatchString(doc) {
		t.Errorf("formatting or cid image lost:\n%s", doc)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "sandbox") || strings.Contains(csp, "https:") {
		t.Errorf("CSP %q", csp)
	}
	doc, h = get(fmt.Sprintf("/api/v1/messages/%d/html?images=1", m.ID))
	if !strings.Contains(doc, "tracker.example") || !strings.Contains(h.Get("Content-Security-Policy"), "https:") {
		t.Errorf("images=1 must show remote images")
	}
	png, h := get(fmt.Sprintf("/api/v1/messages/%d/cid/logo@x", m.ID))
	if h.Get("Content-Type") != "image/png" || !strings.HasPrefix(png, "\x89PNG") {
		t.Errorf("cid part %q %q", h.Get("Content-Type"), png)
	}
}

func TestSearch_koreanSubstringFieldsAndCountsByFolder(t *testing.T) {
	f := newFixture(t)
	m := f.Put(f.alice.ID, "INBOX", euckrMail) // subject 견적서, body 안녕하세요
	f.Put(f.alice.ID, "Archive", "From: billing@shop.example\r\nSubject: Invoice 42\r\n\r\nYour invoice\r\n")
	f.Put(f.bob.ID, "INBOX", "Subject: 견적서\r\n\r\nbob's\r\n")
	c := f.login(t, "alice@example.test")
	var got struct {
		Messages  []searchHit
		Total     int
		ByMailbox map[string]int `json:"by_mailbox"`
	}
	if code := c.do("GET", "/api/v1/search?q="+url.QueryEscape("적서"), nil, &got); code != 200 {
		t.Fatalf("search %d", code)
	}
	if got.Total != 1 || len(got.Messages) != 1 || got.Messages[0].ID != m.ID || got.ByMailbox[fmt.Sprint(m.MailboxID)] != 1 {
		t.Fatalf("q=적서: %+v", got)
	}
	if h := got.Messages[0].SubjectHighlights; len(h) != 1 || got.Messages[0].Subject[h[0][0]:h[0][1]] != "적서" {
		t.Fatalf("highlights %v in %q", h, got.Messages[0].Subject)
	}
	c.do("GET", "/api/v1/search?from=billing&subject=invo", nil, &got)
	if got.Total != 1 || got.Messages[0].Subject != "Invoice 42" {
		t.Fatalf("advanced: %+v", got)
	}
	c.do("GET", "/api/v1/search?q="+url.QueryEscape("안녕")+"&has_attachment=1", nil, &got)
	if got.Total != 1 {
		t.Fatalf("body word with attachment: %+v", got)
	}
	if code := c.do("GET", "/api/v1/search?since=yesterday", nil, nil); code != 400 {
		t.Fatalf("bad date: %d", code)
	}
}
