package interop

// Settings > Mail server information and Access log over the web API,
// proved with real clients (S6, P4, P7, S8): Python's imaplib, poplib
// and smtplib against `postroom serve`.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// call sends a request with the session's CSRF token and decodes the
// JSON answer into out (when not nil).
func (c *webClient) call(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader([]byte(body)))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

type accessLogAnswer struct {
	Logins []struct {
		Time, IP, Protocol string
		OK                 bool
	}
}

// The access log shows the account's logins of every protocol, newest
// first, with the right result; another account sees none of them.
func TestSettingsAccessLog_imaplibPoplibWeb(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "pop3", "http"}})
	user, other := uniqueAddr("alog"), uniqueAddr("alog-other")
	s.AddUser(t, user)
	s.AddUser(t, other)
	imapLogin := func(pw string) imapPyOp {
		return runImapPy(t, s.imapPyParams(t, "plain", ""), pyOp("login", "login", "user", user, "password", pw)).op(t, "login")
	}
	if o := imapLogin("wrong-" + testPassword); o.Typ != "ERROR" {
		t.Fatalf("IMAP LOGIN with a wrong password: %s", o)
	}
	if o := imapLogin(testPassword); o.Typ != "OK" {
		t.Fatalf("IMAP LOGIN: %s", o)
	}
	runPop3Py(t, s.pop3PyParams(t, "plain", user), pop3Op("stat", "stat")).requireLoggedIn(t)
	base := "http://" + s.Addr(t, "http")
	web := webLogin(t, base, user)

	var log accessLogAnswer
	if code := web.call(t, "GET", "/api/v1/access-log", "", &log); code != 200 {
		t.Fatalf("GET /api/v1/access-log: %d", code)
	}
	want := []struct {
		proto string
		ok    bool
	}{{"web", true}, {"pop3", true}, {"imap", true}, {"imap", false}}
	if len(log.Logins) != len(want) {
		t.Fatalf("access log %+v, want %v", log.Logins, want)
	}
	for i, w := range want {
		l := log.Logins[i]
		if l.Protocol != w.proto || l.OK != w.ok || l.IP != "127.0.0.1" || !strings.HasSuffix(l.Time, "Z") {
			t.Errorf("login %d: %+v, want %s ok=%v from 127.0.0.1 in UTC", i, l, w.proto, w.ok)
		}
	}
	if code := webLogin(t, base, other).call(t, "GET", "/api/v1/access-log", "", &log); code != 200 || len(log.Logins) != 1 || log.Logins[0].Protocol != "web" {
		t.Fatalf("the other account's log: %d %+v", code, log.Logins)
	}
}

// "Use mail clients" off over the API refuses imaplib, poplib and
// smtplib logins with a reason, not the webmail; each POP3 delete
// behaviour set over the API leaves a message poplib deleted where it
// should be.
func TestSettingsClients_switchAndPOP3DeleteWithRealClients(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "imap", "pop3", "http"}})
	user, other := uniqueAddr("clients"), uniqueAddr("clients-rcpt")
	s.AddUser(t, user)
	s.AddUser(t, other)
	base := "http://" + s.Addr(t, "http")
	web := webLogin(t, base, user)
	patch := func(body string) {
		t.Helper()
		var out struct {
			ClientsAllowed bool   `json:"clients_allowed"`
			POP3Delete     string `json:"pop3_delete"`
		}
		if code := web.call(t, "PATCH", "/api/v1/client-setup", body, &out); code != 200 {
			t.Fatalf("PATCH /api/v1/client-setup %s: %d", body, code)
		}
	}

	patch(`{"clients_allowed": false}`)
	if o := runImapPy(t, s.imapPyParams(t, "plain", ""), pyOp("login", "login", "user", user, "password", testPassword)).op(t, "login"); o.Typ != "ERROR" ||
		!strings.Contains(o.Error, "CONTACTADMIN") || !strings.Contains(strings.ToLower(o.Error), "client") {
		t.Errorf("imaplib LOGIN with clients off: %s, want NO [CONTACTADMIN] with the reason", o)
	}
	if r := runPop3Py(t, s.pop3PyParams(t, "plain", user), pop3Op("stat", "stat")); r.Info.Login == nil || r.Info.Login.OK || !strings.Contains(strings.ToLower(r.Info.Login.Resp+r.Error), "client") {
		t.Errorf("poplib USER/PASS with clients off: %+v %q, want -ERR with the reason", r.Info.Login, r.Error)
	}
	p := s.pyParams(t, "submission", "starttls")
	p["user"], p["password"], p["from"], p["to"] = user, testPassword, user, []string{other}
	p["message"] = pyMessage(user, other, uniqueID("clients-off"), "refused")
	if r := runPython(t, "send", p); r.OK || r.Code != 535 || !strings.Contains(strings.ToLower(r.Msg), "client") {
		t.Errorf("smtplib AUTH with clients off: %s %d %q, want 535 with the reason", r.Stage, r.Code, r.Msg)
	}
	if code, err := web.get("/api/v1/mailboxes"); code != 200 {
		t.Errorf("the webmail with clients off: %d %v", code, err)
	}
	webLogin(t, base, user) // a new web login too

	for _, mode := range []string{"keep", "trash", "delete"} {
		patch(`{"clients_allowed": true, "pop3_delete": "` + mode + `"}`)
		id, _ := pop3Deliver(t, s, user, "pop3 delete "+mode)
		r := runPop3Py(t, s.pop3PyParams(t, "plain", user), pop3Op("stat", "stat"))
		r.requireLoggedIn(t)
		n := r.ok(t, "stat").Count
		r = runPop3Py(t, s.pop3PyParams(t, "plain", user), pop3Op("dele", "dele", "which", n), pop3Op("quit", "quit"))
		r.requireLoggedIn(t)
		r.ok(t, "dele")
		r.ok(t, "quit")
		inInbox, inTrash := s.FindMessage(t, user, "INBOX", id) != nil, s.FindMessage(t, user, "Trash", id) != nil
		if want := map[string][2]bool{"keep": {true, false}, "trash": {false, true}, "delete": {false, false}}[mode]; inInbox != want[0] || inTrash != want[1] {
			t.Errorf("%s: after DELE in INBOX %v, in Trash %v; want %v, %v", mode, inInbox, inTrash, want[0], want[1])
		}
		r = runPop3Py(t, s.pop3PyParams(t, "plain", user), pop3Op("stat", "stat"))
		if got := r.ok(t, "stat").Count; got != n-1 {
			t.Errorf("%s: a new POP3 session lists %d messages, want %d", mode, got, n-1)
		}
	}
}

// Turning mail clients off over the API ends an IMAP session in IDLE at
// once (BYE without a command of its own): the change is announced to
// the sessions, not only read at the next login.
func TestSettingsClients_switchOffEndsIMAPIdle(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "http"}})
	user := uniqueAddr("clients-idle")
	s.AddUser(t, user)
	idler := igLogin(t, s, "idler", user, nil)
	idler.igSelect(t, "INBOX")
	idle, err := idler.Idle()
	if err != nil {
		t.Fatalf("IDLE: %v", err)
	}
	defer idle.Close()
	web := webLogin(t, "http://"+s.Addr(t, "http"), user)
	if code := web.call(t, "PATCH", "/api/v1/client-setup", `{"clients_allowed": false}`, nil); code != 200 {
		t.Fatalf("PATCH: %d", code)
	}
	select {
	case <-idler.Closed():
	case <-time.After(igPushWait):
		t.Fatalf("a session in IDLE was still open %v after mail clients were turned off", igPushWait)
	}
	if !strings.Contains(idler.log.String(), "* BYE") {
		t.Errorf("the session in IDLE was not told BYE:\n%s", tail(idler.log.String(), 10))
	}
	if code, _ := web.get("/api/v1/mailboxes"); code != 200 {
		t.Errorf("the web session after the switch: %d", code)
	}
}
