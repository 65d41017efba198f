package interop

// 외부메일 가져오기 (issue 19) between two real servers: the "external"
// one is a second Postroom whose POP3 and IMAP listeners (STARTTLS,
// self-signed) hold mail delivered to it over SMTP; a user of the first
// fetches it through the web API, over POP3 (left on the server, then
// deleted there) and over IMAP, and a second fetch brings nothing twice.

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// externalAnswer is what the API says of an external account.
type externalAnswer struct {
	ID            int64  `json:"id"`
	PasswordSet   bool   `json:"password_set"`
	LastImported  int    `json:"last_imported"`
	LastSkipped   int    `json:"last_skipped"`
	LastError     string `json:"last_error"`
	LastErrorKind string `json:"last_error_kind"`
}

// deliverTo sends n messages to addr over s's MX listener and returns
// their Message-IDs.
func deliverTo(t *testing.T, s *Server, addr, prefix string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := uniqueID(prefix)
		args := append([]string{"--from", "someone@remote.example", "--to", addr, "--header", "To: " + addr},
			swaksMessage(id, fmt.Sprintf("%s %d", prefix, i+1))...)
		if out, code := swaks(t, s.Port(t, "smtp"), args...); code != 0 {
			t.Fatalf("swaks exit %d:\n%s", code, out)
		}
		ids = append(ids, id)
	}
	return ids
}

func messageIDs(msgs []listedMessage) []string {
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.MessageID)
	}
	slices.Sort(ids)
	return ids
}

func (c *webClient) externalFetch(t *testing.T, id int64) externalAnswer {
	t.Helper()
	var got externalAnswer
	if code := c.call(t, "POST", fmt.Sprintf("/api/v1/external-accounts/%d/fetch", id), "", &got); code != 200 {
		t.Fatalf("fetch now: %d %+v", code, got)
	}
	if got.LastErrorKind != "" {
		t.Fatalf("fetch now failed: %s: %s", got.LastErrorKind, got.LastError)
	}
	return got
}

func TestExternalFetch_pop3AndIMAPFromAnotherServer(t *testing.T) {
	ext := newServer(t, serverOptions{listen: []string{"smtp", "pop3", "imap", "http"}})
	home := newServer(t, serverOptions{listen: []string{"http"}})
	far, near := uniqueAddr("ext-far"), uniqueAddr("ext-near")
	ext.AddUser(t, far)
	home.AddUser(t, near)
	// far's POP3 deletions really delete (the default hides them from
	// POP3 only), so what leaves the external server is seen here.
	if code := webLogin(t, "http://"+ext.Addr(t, "http"), far).call(t, "PATCH", "/api/v1/client-setup", `{"pop3_delete":"delete"}`, nil); code != 200 {
		t.Fatalf("far's pop3_delete: %d", code)
	}
	first := deliverTo(t, ext, far, "pop3-first", 2)
	slices.Sort(first)
	c := webLogin(t, "http://"+home.Addr(t, "http"), near)

	pop3 := map[string]any{"name": "옛 서버 POP3", "protocol": "pop3", "host": "127.0.0.1", "port": ext.Port(t, "pop3"),
		"security": "starttls", "insecure_tls": true, "user": far, "password": testPassword, "leave_on_server": true, "every": 0}
	body, _ := json.Marshal(pop3)
	var created externalAnswer
	if code := c.call(t, "POST", "/api/v1/external-accounts", string(body), &created); code != 201 || !created.PasswordSet {
		t.Fatalf("add the POP3 account: %d %+v", code, created)
	}

	// Left on the server: fetched once, still there, not fetched again.
	if got := c.externalFetch(t, created.ID); got.LastImported != 2 {
		t.Fatalf("first POP3 fetch imported %d, want 2", got.LastImported)
	}
	if got := messageIDs(home.Messages(t, near, "")); !slices.Equal(got, first) {
		t.Fatalf("near's inbox %v, want %v", got, first)
	}
	if got := messageIDs(ext.Messages(t, far, "")); !slices.Equal(got, first) {
		t.Fatalf("far's inbox on the external server %v, want both left there", got)
	}
	if got := c.externalFetch(t, created.ID); got.LastImported != 0 || got.LastSkipped != 0 {
		t.Fatalf("second POP3 fetch: imported %d skipped %d, want nothing read again (UIDLs)", got.LastImported, got.LastSkipped)
	}

	// Not leaving: what was fetched goes from the external server, and a
	// new message comes once.
	pop3["leave_on_server"] = false
	delete(pop3, "password")
	body, _ = json.Marshal(pop3)
	if code := c.call(t, "PUT", fmt.Sprintf("/api/v1/external-accounts/%d", created.ID), string(body), nil); code != 200 {
		t.Fatalf("switch leave_on_server off: %d", code)
	}
	third := deliverTo(t, ext, far, "pop3-third", 1)
	if got := c.externalFetch(t, created.ID); got.LastImported != 1 {
		t.Fatalf("POP3 fetch without leaving imported %d, want 1 (the new one)", got.LastImported)
	}
	if left := ext.Messages(t, far, ""); len(left) != 0 {
		t.Fatalf("left on the external server: %v, want none", left)
	}
	want := append(slices.Clone(first), third...)
	slices.Sort(want)
	if got := messageIDs(home.Messages(t, near, "")); !slices.Equal(got, want) {
		t.Fatalf("near's inbox %v", got)
	}

	// IMAP: INBOX only, read-only; a second fetch files nothing twice.
	far2 := uniqueAddr("ext-far2")
	ext.AddUser(t, far2)
	imapIDs := deliverTo(t, ext, far2, "imap", 2)
	imapAcct, _ := json.Marshal(map[string]any{"name": "옛 서버 IMAP", "protocol": "imap", "host": "127.0.0.1",
		"port": ext.Port(t, "imap"), "security": "starttls", "insecure_tls": true, "user": far2, "password": testPassword})
	var ia externalAnswer
	if code := c.call(t, "POST", "/api/v1/external-accounts", string(imapAcct), &ia); code != 201 {
		t.Fatalf("add the IMAP account: %d", code)
	}
	if got := c.externalFetch(t, ia.ID); got.LastImported != 2 {
		t.Fatalf("IMAP fetch imported %d, want 2", got.LastImported)
	}
	if got := c.externalFetch(t, ia.ID); got.LastImported != 0 || got.LastSkipped != 2 {
		t.Fatalf("second IMAP fetch: imported %d skipped %d, want 0 and 2", got.LastImported, got.LastSkipped)
	}
	if n := len(ext.Messages(t, far2, "")); n != 2 {
		t.Fatalf("the IMAP source holds %d, want its 2 untouched", n)
	}
	inbox := messageIDs(home.Messages(t, near, ""))
	for _, id := range imapIDs {
		if !slices.Contains(inbox, id) {
			t.Errorf("near's inbox lacks %s", id)
		}
	}
	if len(inbox) != 5 {
		t.Errorf("near's inbox holds %d, want 5", len(inbox))
	}

	// A wrong password is an outcome the user reads, naming the kind.
	wrong, _ := json.Marshal(map[string]any{"name": "wrong", "protocol": "pop3", "host": "127.0.0.1", "port": ext.Port(t, "pop3"),
		"security": "starttls", "insecure_tls": true, "user": far, "password": "not-the-password"})
	var wa externalAnswer
	c.call(t, "POST", "/api/v1/external-accounts", string(wrong), &wa)
	var failed externalAnswer
	if code := c.call(t, "POST", fmt.Sprintf("/api/v1/external-accounts/%d/fetch", wa.ID), "", &failed); code != 200 || failed.LastErrorKind != "login" {
		t.Errorf("a refused login: %d %+v", code, failed)
	}
	home.RequireConsistent(t)
	ext.RequireConsistent(t)
}
