package smtpd

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"postroom/internal/deliver"
	"postroom/internal/store"
)

// RCPT TO one address again and again, in any case, is one copy on the
// MX (issue 13, item 7).
func TestMX_repeatedRecipientsGetOneCopy(t *testing.T) {
	h := start(t, func(s *Server) { s.MaxRecipients = 100 })
	c := h.dial(RoleMX)
	var to []string
	for i := range 60 {
		to = append(to, []string{"bob@example.test", "BOB@example.test", "bob@Example.Test"}[i%3])
	}
	if err := sendMail(c, "someone@remote.test", to, simple, nil); err != nil {
		t.Fatal(err)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("bob has %d copies", n)
	}
}

// postmaster@ a hosted domain is accepted on the MX and reaches the
// domain's administrators (RFC 5321 §4.5.1), once each.
func TestMX_postmasterReachesTheAdministrators(t *testing.T) {
	h := start(t, nil)
	h.user("boss", func(a *store.Account) { a.Admin = true })
	c := h.dial(RoleMX)
	if err := sendMail(c, "someone@remote.test", []string{"postmaster@example.test", "Postmaster@example.test", "boss@example.test"}, simple, nil); err != nil {
		t.Fatal(err)
	}
	if n := h.count("boss@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("the administrator has %d copies", n)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 0 {
		t.Fatal("a user got postmaster's mail")
	}
}

// After a few unknown recipients from an address, the next are answered
// slowly, then 421 4.7.0 and the connection is closed, on any connection
// from the address and even for a known recipient (issue 13, item 8). The
// slow ones are sent on parallel connections: the count is the address's.
func TestMX_unknownRecipientsEndIn421AndClose(t *testing.T) {
	h := start(t, func(s *Server) { s.MaxRecipients = 100 })
	s := dialRaw(t, h.addrs[RoleMX])
	s.cmd("EHLO client.test\r\n")
	s.cmd("MAIL FROM:<a@remote.test>\r\n")
	for i := 1; i <= deliver.UnknownFree; i++ {
		if got := s.cmd(fmt.Sprintf("RCPT TO:<guess%d@example.test>\r\n", i)); !strings.HasPrefix(got, "550 5.1.1") {
			t.Fatalf("unknown recipient %d: %q", i, got)
		}
	}
	var wg sync.WaitGroup
	for i := deliver.UnknownFree + 1; i <= deliver.UnknownLimit; i++ {
		c := h.dial(RoleMX)
		wg.Go(func() {
			if err := c.Mail("a@remote.test", nil); err != nil {
				t.Error(err)
			}
			if got := code(c.Rcpt(fmt.Sprintf("guess%d@example.test", i), nil)); got != "550 5.1.1" {
				t.Errorf("unknown recipient %d: %q", i, got)
			}
		})
	}
	wg.Wait()
	if got := s.cmd("RCPT TO:<bob@example.test>\r\n"); !strings.HasPrefix(got, "421 4.7.0") {
		t.Fatalf("a known recipient past the limit: %q", got)
	}
	if got := s.reply(); got != "EOF" {
		t.Fatalf("the connection stayed open: %q", got)
	}
	c := h.dial(RoleMX)
	if err := c.Mail("a@remote.test", nil); err != nil {
		t.Fatal(err)
	}
	if got := code(c.Rcpt("bob@example.test", nil)); got != "421 4.7.0" {
		t.Fatalf("a new connection: %q", got)
	}
	if err := c.Noop(); err == nil {
		t.Fatal("the new connection stayed open")
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 0 {
		t.Fatalf("bob has %d messages", n)
	}
}
