package smtpd

import (
	"testing"

	"github.com/emersion/go-sasl"

	"postroom/internal/auth"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// Once the account's budget of failed logins is spent, AUTH is a
// temporary failure (RFC 4954 §6), the right password too.
func TestAuth_spentBudgetIs454(t *testing.T) {
	h := start(t, nil)
	for i := range auth.DefaultLimits.Account {
		c := h.dial(RoleSubmissions)
		if got := code(c.Auth(sasl.NewPlainClient("", "alice@example.test", "wrong"))); got != "535 5.7.8" {
			t.Fatalf("failure %d: %q", i+1, got)
		}
		c.Quit() // no session left open for the shutdown to reject
	}
	c := h.dial(RoleSubmissions)
	if got := code(c.Auth(sasl.NewPlainClient("", "alice@example.test", testbed.Password))); got != "454 4.7.0" {
		t.Fatalf("the right password once the budget is spent: %q, want 454 4.7.0", got)
	}
	c.Quit()
}

// A session whose account's password changed, or that was suspended,
// gets 421 4.7.0 at its next MAIL or RCPT, and the connection (TLS here)
// is closed after it.
func TestLoginEnds_421AndTheConnectionCloses(t *testing.T) {
	h := start(t, nil)
	change := func(edit func(a *store.Account)) {
		t.Helper()
		a, err := h.store.AccountByAddress(h.ctx, "alice@example.test")
		if err != nil {
			t.Fatal(err)
		}
		edit(a)
		if err := h.store.UpdateAccount(h.ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	c := h.dial(RoleSubmissions)
	if err := c.Auth(sasl.NewPlainClient("", "alice@example.test", testbed.Password)); err != nil {
		t.Fatal(err)
	}
	change(func(a *store.Account) { a.Enabled = false })
	if got := code(c.Mail("alice@example.test", nil)); got != "421 4.7.0" {
		t.Fatalf("MAIL after the suspension: %q, want 421 4.7.0", got)
	}
	if err := c.Noop(); err == nil {
		t.Fatal("the connection is still open after the 421")
	}
	change(func(a *store.Account) { a.Enabled = true })

	c = h.dial(RoleSubmission)
	if err := c.Auth(sasl.NewPlainClient("", "alice@example.test", testbed.Password)); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("alice@example.test", nil); err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword("a-new-password-26")
	change(func(a *store.Account) { a.PasswordHash = hash })
	if got := code(c.Rcpt("bob@example.test", nil)); got != "421 4.7.0" {
		t.Fatalf("RCPT after the password changed: %q, want 421 4.7.0", got)
	}
	if err := c.Noop(); err == nil {
		t.Fatal("the connection is still open after the 421")
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 0 {
		t.Fatalf("%d messages delivered", n)
	}
}
