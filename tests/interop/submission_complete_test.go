package interop

// RFC 6409 §8: the submission server completes a message sent without Date
// or Message-ID (the README's Python example); the MX never changes one.

import (
	"bytes"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// TestPythonSubmissionAddsDateAndMessageID: smtplib submits over the
// submission port a message with neither Date nor Message-ID. The
// recipient's copy and the Sent copy carry one and the same generated
// Message-ID at the sender's domain, `postroom messages` lists it, and the
// IMAP ENVELOPE has a date and a message-id instead of NIL; the Date field
// is in the sender's zone (the domain's default, Asia/Seoul). The same message sent to the
// MX is stored as it came, after the trace fields.
func TestPythonSubmissionAddsDateAndMessageID(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "imap"}})
	alice, bob := uniqueAddr("complete-alice"), uniqueAddr("complete-bob")
	s.AddUser(t, alice)
	s.AddUser(t, bob)
	omit := []any{"Date", "Message-ID"}

	before := time.Now().Truncate(time.Second)
	p := s.pyParams(t, "submission", "starttls")
	p["user"], p["password"] = alice, testPassword
	p["from"], p["to"] = alice, []string{bob}
	p["message"] = map[string]any{"from": alice, "to": bob, "subject": "submitted bare", "omit": omit}
	r := runPython(t, "send", p)
	requirePyOK(t, "submission", r)
	after := time.Now()
	if bytes.Contains(r.Sent, []byte("\r\nDate:")) || bytes.Contains(r.Sent, []byte("Message-ID:")) {
		t.Fatalf("the script sent a Date or Message-ID:\n%s", r.Sent)
	}

	received, sent := onlyListed(t, s, bob, "", "submitted bare"), onlyListed(t, s, alice, "Sent", "submitted bare")
	_, domain, _ := strings.Cut(alice, "@")
	if !regexp.MustCompile(`^[^@<>\s]+@` + regexp.QuoteMeta(domain) + `$`).MatchString(received.MessageID) {
		t.Errorf("postroom messages: Message-ID %q, want a generated id at %s", received.MessageID, domain)
	}
	if sent.MessageID != received.MessageID {
		t.Errorf("Sent copy's Message-ID %q, recipient's %q", sent.MessageID, received.MessageID)
	}

	for _, c := range []struct{ addr, mailbox string }{{bob, "INBOX"}, {alice, "Sent"}} {
		env, raw := envelopeOf(t, s, c.addr, c.mailbox, "submitted bare")
		if env.MessageID != received.MessageID {
			t.Errorf("%s %s: ENVELOPE message-id %q, want %q", c.addr, c.mailbox, env.MessageID, received.MessageID)
		}
		if env.Date.Before(before) || env.Date.After(after) {
			t.Errorf("%s %s: ENVELOPE date %v, want the time of submission (%v to %v)", c.addr, c.mailbox, env.Date, before, after)
		}
		// The ENVELOPE shows the date in UTC; the field itself keeps the zone.
		hdr, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s %s: %v", c.addr, c.mailbox, err)
		}
		date, err := hdr.Header.Date()
		if _, off := date.Zone(); err != nil || !date.Equal(env.Date) || off != 9*3600 {
			t.Errorf("%s %s: Date field %q (%v), want the ENVELOPE's date in the sender's zone (+0900)",
				c.addr, c.mailbox, hdr.Header.Get("Date"), err)
		}
	}

	// The MX (port 25 role) is not a submission server: nothing is added.
	mx := s.pyParams(t, "smtp", "plain")
	mx["from"], mx["to"] = "sender@remote.example", []string{bob}
	mx["message"] = map[string]any{"from": "sender@remote.example", "to": bob, "subject": "relayed bare", "omit": omit}
	r = runPython(t, "send", mx)
	requirePyOK(t, "MX", r)
	if m := onlyListed(t, s, bob, "", "relayed bare"); m.MessageID != "" {
		t.Errorf("postroom messages: the MX copy has Message-ID %q, want none", m.MessageID)
	}
	env, raw := envelopeOf(t, s, bob, "INBOX", "relayed bare")
	if env.MessageID != "" || !env.Date.IsZero() {
		t.Errorf("MX copy: ENVELOPE date %v, message-id %q; want NIL for both", env.Date, env.MessageID)
	}
	trace, ok := bytes.CutSuffix(raw, r.Sent)
	if !ok {
		t.Fatalf("MX copy is not the sent bytes after trace fields:\nsent %q\nstored %q", r.Sent, raw)
	}
	for _, line := range strings.SplitAfter(string(trace), "\r\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' { // the end, or a folded line
			continue
		}
		name, _, _ := strings.Cut(line, ":")
		switch strings.ToLower(name) {
		case "return-path", "received", "authentication-results":
		default:
			t.Errorf("MX copy: %q added above the message:\n%s", name, trace)
		}
	}
}

// onlyListed returns the one message `postroom messages` lists with this
// subject.
func onlyListed(tb testing.TB, s *Server, addr, mailbox, subject string) listedMessage {
	tb.Helper()
	var found []listedMessage
	all := s.Messages(tb, addr, mailbox)
	for _, m := range all {
		if m.Subject == subject {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		tb.Fatalf("want one message %q in %s %s, listed %+v", subject, addr, igOr(mailbox, "INBOX"), all)
	}
	return found[0]
}

// envelopeOf logs in over IMAP with the go-imap client and returns the
// ENVELOPE and BODY[] of the one message in mailbox with this subject.
func envelopeOf(tb testing.TB, s *Server, addr, mailbox, subject string) (*imap.Envelope, []byte) {
	tb.Helper()
	c := igLogin(tb, s, addr+" "+mailbox, addr, nil)
	defer c.Logout()
	c.igSelect(tb, mailbox)
	whole := &imap.FetchItemBodySection{Peek: true}
	var found []*imap.Envelope
	var raw []byte
	for _, m := range c.igFetch(tb, imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{Envelope: true, BodySection: []*imap.FetchItemBodySection{whole}}) {
		if m.Envelope != nil && m.Envelope.Subject == subject {
			found, raw = append(found, m.Envelope), m.FindBodySection(whole)
		}
	}
	if len(found) != 1 {
		tb.Fatalf("%s %s: %d messages with subject %q", addr, mailbox, len(found), subject)
	}
	return found[0], raw
}
