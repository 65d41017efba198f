package interop

// What a user's settings do to mail from the internet (S2, S5), set over
// the web API and proved with swaks on the MX listener: forwarding without
// a copy, the personal block list moving mail to Spam (and not
// forwarding it), and the out-of-office reply reaching a hosted sender
// once.

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// patchSettings sends PATCH /api/v1/settings and fails the test unless
// it is 200.
func (c *webClient) patchSettings(t *testing.T, body string) {
	t.Helper()
	req, _ := http.NewRequest("PATCH", c.base+"/api/v1/settings", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("PATCH /api/v1/settings %s: %d %s", body, resp.StatusCode, out)
	}
}

func TestSwaksMX_settingsForwardSpamVacation(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	bob, carol, alice := uniqueAddr("fwd-bob"), uniqueAddr("fwd-carol"), uniqueAddr("fwd-alice")
	for _, a := range []string{bob, carol, alice} {
		s.AddUser(t, a)
	}
	base := "http://" + s.Addr(t, "http")
	webLogin(t, base, bob).patchSettings(t, `{"forwarding":{"addresses":["`+carol+`"],"keep_copy":false},`+
		`"spam":{"method":"personal","action":"move","blocked_senders":["@spam.example"]}}`)
	send := func(from, to, id, subject string) {
		t.Helper()
		args := append([]string{"--from", from, "--to", to, "--header", "To: " + to}, swaksMessage(id, subject)...)
		if out, code := swaks(t, s.Port(t, "smtp"), args...); code != 0 {
			t.Fatalf("swaks exit %d:\n%s", code, out)
		}
	}

	// blocked: in bob's Spam at once (the 250 came after it was stored),
	// not forwarded
	spamID := uniqueID("fwd-spam")
	send("offers@spam.example", bob, spamID, "blocked offer")
	s.RequireMessage(t, bob, "Spam", spamID)

	// forwarded: carol gets it from the queue, bob keeps nothing
	fwdID := uniqueID("fwd-plain")
	send("sender@remote.example", bob, fwdID, "to be forwarded")
	waitForSubject(t, s, carol, "to be forwarded")
	if n := len(s.Messages(t, bob, "")); n != 0 {
		t.Fatalf("bob kept %d messages (keep_copy false)", n)
	}
	if s.FindMessage(t, carol, "", spamID) != nil {
		t.Fatal("the blocked message was forwarded")
	}

	// out of office: alice's message to carol is answered, once
	webLogin(t, base, carol).patchSettings(t, `{"vacation":{"enabled":true,"start":"2000-01-01","end":"2099-12-31",`+
		`"subject":"Out of office","html":"<p>Back <b>soon</b></p>"}}`)
	send(alice, carol, uniqueID("vac-1"), "question one")
	waitForSubject(t, s, alice, "Out of office")
	send(alice, carol, uniqueID("vac-2"), "question two")
	waitForSubject(t, s, carol, "question two")
	// a second reply would have been queued before the second 250: once
	// the queue is empty, every reply there will be has arrived
	waitQueueEmpty(t, s)
	replies := 0
	for _, m := range s.Messages(t, alice, "") {
		if strings.HasPrefix(m.Subject, "Out of office") {
			replies++
		}
	}
	if replies != 1 {
		t.Fatalf("alice got %d replies, want 1", replies)
	}
	s.RequireConsistent(t)
}

// waitQueueEmpty waits until the outbound queue holds nothing (the worker
// sends on its own time; 60 s tell a queue that never empties).
func waitQueueEmpty(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out := s.MustCLI(t, "queue", "list")
		if strings.Contains(out, "\n0 messages queued") || strings.HasPrefix(out, "0 messages queued") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue never emptied:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
