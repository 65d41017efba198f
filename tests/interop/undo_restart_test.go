package interop

// Undo and cancel (S2-4) keep their state in the store, not in the server
// process: `postroom serve` is restarted between the send and its undo,
// and the webmail's API (driven with curl, as a browser or an integration
// would) answers as it would have without the restart.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// curlWeb is a webmail API client: curl with a cookie jar and the CSRF
// token of its login.
type curlWeb struct {
	t         *testing.T
	curl, jar string
	base      string // http://host:port of the running server
	csrf      string
}

func newCurlWeb(t *testing.T, s *Server) *curlWeb {
	return &curlWeb{t: t, curl: requireTool(t, "curl", "curl"), jar: filepath.Join(t.TempDir(), "cookies"), base: "http://" + s.Addr(t, "http")}
}

// do sends a request and returns the status and the decoded answer.
func (c *curlWeb) do(method, path string, body any, out any) int {
	c.t.Helper()
	args := []string{"-sS", "-b", c.jar, "-c", c.jar, "-X", method, "-w", "\n%{http_code}", "-H", "X-CSRF-Token: " + c.csrf}
	if body != nil {
		b, _ := json.Marshal(body)
		args = append(args, "-H", "Content-Type: application/json", "--data-binary", string(b))
	}
	raw, err := exec.Command(c.curl, append(args, c.base+path)...).Output()
	if err != nil {
		c.t.Fatalf("curl %s %s: %v", method, path, err)
	}
	text := strings.TrimRight(string(raw), "\n")
	i := strings.LastIndexByte(text, '\n')
	code, err := strconv.Atoi(text[i+1:])
	if err != nil {
		c.t.Fatalf("curl %s %s: no status in %q", method, path, text)
	}
	if out != nil && i > 0 {
		if err := json.Unmarshal([]byte(text[:i]), out); err != nil {
			c.t.Fatalf("%s %s answered %d %q: %v", method, path, code, text[:i], err)
		}
	}
	c.t.Logf("%s %s: %d %s", method, path, code, strings.TrimSpace(text[:max(i, 0)]))
	return code
}

func (c *curlWeb) login(email string) {
	c.t.Helper()
	os.Remove(c.jar)
	var out struct{ CSRF string }
	if code := c.do("POST", "/api/v1/session", map[string]string{"email": email, "password": testPassword}, &out); code != 200 || out.CSRF == "" {
		c.t.Fatalf("login %s: %d", email, code)
	}
	c.csrf = out.CSRF
}

type sendAnswerJSON struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

type apiErrorJSON struct {
	Error struct{ Code string } `json:"error"`
}

// A late undo is 409 already_sent after the server restarted (before the
// undo state lived in the store, the restarted server had forgotten the
// send and answered 404); a second undo is 409 already_cancelled; and a
// reply scheduled before a restart is undone after it with everything it
// had: back in Drafts as a reply, the original no longer \Answered.
func TestUndo_afterARestartAlreadySentIs409AndWaitingSendsKeepTheirState(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	setBrowserRootConfig(t, s, `undo_send = "1s"`) // restarts the server with it
	bob := uniqueAddr("undo-bob")
	s.AddUser(t, bob)
	c := newCurlWeb(t, s)
	c.login(adminAddr)

	// A message to bob waits its second, then goes; bob has it.
	var sent sendAnswerJSON
	if code := c.do("POST", "/api/v1/send", map[string]any{"to": []string{bob}, "subject": "went before the restart", "text": "x"}, &sent); code != 202 ||
		sent.Status != "scheduled" || sent.ID == 0 {
		t.Fatalf("send: %d %+v", code, sent)
	}
	waitForSubject(t, s, bob, "went before the restart")

	// A reply to a message of admin's INBOX, scheduled an hour ahead.
	if code := c.do("POST", "/api/v1/send", map[string]any{"to": []string{adminAddr}, "subject": "질문", "text": "?"}, nil); code != 202 {
		t.Fatalf("send to self: %d", code)
	}
	waitForSubject(t, s, adminAddr, "질문")
	orig := c.messageBySubject("INBOX", "질문")
	var reply sendAnswerJSON
	if code := c.do("POST", "/api/v1/send", map[string]any{"to": []string{bob}, "subject": "Re: 질문", "text": "답",
		"in_reply_to": orig, "send_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, &reply); code != 202 || reply.ID == 0 {
		t.Fatalf("scheduled reply: %d %+v", code, reply)
	}
	if !c.answered(orig) {
		t.Fatal("the original is not \\Answered after the reply was sent")
	}

	s.stop()
	s.Restart(t)
	c.base = "http://" + s.Addr(t, "http")
	c.login(adminAddr)

	var e apiErrorJSON
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/send/%d", sent.ID), nil, &e); code != 409 || e.Error.Code != "already_sent" {
		t.Fatalf("undo after the restart of a message that went: %d %q, want 409 already_sent", code, e.Error.Code)
	}
	var undone struct {
		DraftID int64 `json:"draft_id"`
	}
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/send/%d", reply.ID), nil, &undone); code != 200 || undone.DraftID == 0 {
		t.Fatalf("undo after the restart of a waiting reply: %d %+v", code, undone)
	}
	var draft struct {
		Subject   string `json:"subject"`
		InReplyTo int64  `json:"in_reply_to"`
	}
	if code := c.do("GET", fmt.Sprintf("/api/v1/drafts/%d", undone.DraftID), nil, &draft); code != 200 || draft.Subject != "Re: 질문" || draft.InReplyTo != orig {
		t.Fatalf("the undone reply's draft: %d %+v, want a reply to %d", code, draft, orig)
	}
	if c.answered(orig) {
		t.Fatal("the original is still \\Answered after its reply was undone")
	}
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/send/%d", reply.ID), nil, &e); code != 409 || e.Error.Code != "already_cancelled" {
		t.Fatalf("a second undo: %d %q, want 409 already_cancelled", code, e.Error.Code)
	}
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/send/%d", reply.ID+1000), nil, nil); code != 404 {
		t.Fatalf("undo of an id never sent: %d, want 404", code)
	}
}

// waitForSubject waits until addr's INBOX holds a message with subject (the
// queue sends on its own time: this waits for the event, and 60 s tell a
// message that never comes).
func waitForSubject(t *testing.T, s *Server, addr, subject string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, m := range s.Messages(t, addr, "") {
			if m.Subject == subject {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q never reached %s", subject, addr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// messageBySubject returns the id of a message of one of the account's
// folders (by its name).
func (c *curlWeb) messageBySubject(folder, subject string) int64 {
	c.t.Helper()
	var mbs struct {
		Mailboxes []struct {
			ID   int64
			Name string
		}
	}
	c.do("GET", "/api/v1/mailboxes", nil, &mbs)
	for _, mb := range mbs.Mailboxes {
		if mb.Name != folder {
			continue
		}
		var page struct {
			Messages []struct {
				ID      int64
				Subject string
			}
		}
		c.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages", mb.ID), nil, &page)
		for _, m := range page.Messages {
			if m.Subject == subject {
				return m.ID
			}
		}
	}
	c.t.Fatalf("no message %q in %s", subject, folder)
	return 0
}

// answered reports whether a message is marked answered (\Answered).
func (c *curlWeb) answered(id int64) bool {
	c.t.Helper()
	var got struct {
		Message struct {
			Answered bool
		}
	}
	if code := c.do("GET", fmt.Sprintf("/api/v1/messages/%d", id), nil, &got); code != 200 {
		c.t.Fatalf("GET message %d: %d", id, code)
	}
	return got.Message.Answered
}
