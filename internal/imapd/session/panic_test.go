package session

import (
	"context"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// panicking is a mail service with a bug: looking up the folder "Boom"
// panics.
type panicking struct{ mailService }

func (p panicking) MailboxByName(ctx context.Context, a actor.Actor, name string) (*store.Mailbox, error) {
	if name == "Boom" {
		panic("a bug in the mail service")
	}
	return p.mailService.MailboxByName(ctx, a, name)
}

// TestServe_panicEndsOnlyThatSession: a command that hits a bug ends its
// own connection with BYE [SERVERBUG]; the server goes on serving other
// sessions (and new ones).
func TestServe_panicEndsOnlyThatSession(t *testing.T) {
	h := startWith(t, func(h *harness) { h.cfg.Mail = panicking{h.cfg.Mail} })
	other := h.dial(true)
	c := h.dial(true)
	c.send("a SELECT Boom")
	if l := c.line(); !strings.HasPrefix(l, "* BYE [SERVERBUG]") {
		t.Fatalf("after the panic: %q, want * BYE [SERVERBUG]", l)
	}
	if _, err := c.r.ReadString('\n'); err == nil {
		t.Fatal("the connection stays open after the panic")
	}
	other.want("b SELECT INBOX", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* OK [MAILBOXID ...", "b OK [READ-WRITE] ...")
	h.dial(true).want("c NOOP", "c OK ...")
}
