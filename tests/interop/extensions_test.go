package interop

import (
	"strings"
	"testing"
)

// TestListenerCapabilities checks what each listener offers: MX has the
// issue's extensions and no AUTH; submission offers STARTTLS and, after
// it, AUTH PLAIN LOGIN; submissions speaks TLS from the first byte.
func TestListenerCapabilities(t *testing.T) {
	s := sharedServer(t)

	t.Run("mx", func(t *testing.T) {
		c := mustDial(t, s.Addr(t, "smtp"))
		if !strings.HasPrefix(c.greeting, testHostname) {
			t.Errorf("greeting %q does not start with the configured hostname %s", c.greeting, testHostname)
		}
		for _, ext := range []string{"8BITMIME", "SMTPUTF8", "PIPELINING", "SIZE", "ENHANCEDSTATUSCODES", "CHUNKING"} {
			if _, ok := c.ext[ext]; !ok {
				t.Errorf("MX EHLO lacks %s: %v", ext, c.ext)
			}
		}
		if _, ok := c.ext["AUTH"]; ok {
			t.Errorf("MX EHLO offers AUTH %q", c.ext["AUTH"])
		}
	})

	t.Run("submission", func(t *testing.T) {
		c := mustDial(t, s.Addr(t, "submission"))
		if _, ok := c.ext["STARTTLS"]; !ok {
			t.Fatalf("submission EHLO lacks STARTTLS: %v", c.ext)
		}
		if err := c.StartTLS(); err != nil {
			t.Fatal(err)
		}
		checkAuthMechs(t, c)
		if _, ok := c.ext["STARTTLS"]; ok {
			t.Errorf("STARTTLS still offered inside TLS")
		}
	})

	t.Run("submissions", func(t *testing.T) {
		c, err := dialSMTPS(s.Addr(t, "submissions"))
		if err != nil {
			t.Fatalf("implicit TLS: %v", err)
		}
		defer c.Close()
		if r, err := c.Ehlo(); err != nil || r.Code != 250 {
			t.Fatalf("EHLO: %v %v", r, err)
		}
		checkAuthMechs(t, c)
	})
}

func checkAuthMechs(t *testing.T, c *smtpClient) {
	t.Helper()
	mechs := strings.Fields(strings.ToUpper(c.ext["AUTH"]))
	for _, want := range []string{"PLAIN", "LOGIN"} {
		if !contains(mechs, want) {
			t.Errorf("AUTH mechanisms %v lack %s", mechs, want)
		}
	}
}

// TestGoSubmissionTwoRecipients submits one message to two local users
// over STARTTLS: each gets it in INBOX, the sender has one copy in Sent.
func TestGoSubmissionTwoRecipients(t *testing.T) {
	s := sharedServer(t)
	alice, bob, carol := uniqueAddr("go-alice"), uniqueAddr("go-bob"), uniqueAddr("go-carol")
	for _, u := range []string{alice, bob, carol} {
		s.AddUser(t, u)
	}
	c := mustDialSubmission(t, s, alice, testPassword)
	id := uniqueID("go-two")
	r, err := c.Send(alice, []string{bob, carol}, buildMessage(alice, bob, id, "to two colleagues", 5000))
	if err != nil || r.Code != 250 {
		t.Fatalf("submission: %v %v", r, err)
	}
	s.RequireMessage(t, bob, "", id)
	s.RequireMessage(t, carol, "", id)
	s.RequireMessage(t, alice, "Sent", id)
	if m := s.FindMessage(t, alice, "", id); m != nil {
		t.Errorf("the sender's own INBOX got the message: %+v", m)
	}
}
