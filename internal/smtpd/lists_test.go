package smtpd

import (
	"testing"

	"github.com/emersion/go-sasl"

	"postroom/internal/store"
	"postroom/internal/testbed"
)

// list makes a list of example.test (the testbed's domain).
func (h *harness) list(local string, membersOnly bool, members ...string) {
	h.t.Helper()
	d, err := h.store.Domain(h.ctx, "example.test")
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.store.CreateList(h.ctx, &store.List{DomainID: d.ID, LocalPart: local, Members: members, MembersOnly: membersOnly}); err != nil {
		h.t.Fatal(err)
	}
}

// On the MX, a "members only" list answers a stranger's RCPT 550 5.7.1
// and takes a member's message, which every member gets once, bob too,
// though he is also a direct recipient.
func TestMX_listMembersOnly(t *testing.T) {
	h := start(t, nil)
	h.list("team", true, "alice@example.test", "bob@example.test", "friend@remote.test")
	c := h.dial(RoleMX)
	if err := c.Mail("stranger@remote.test", nil); err != nil {
		t.Fatal(err)
	}
	if got := code(c.Rcpt("team@example.test", nil)); got != "550 5.7.1" {
		t.Fatalf("a stranger's RCPT: %q, want 550 5.7.1", got)
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	msg := "From: friend@remote.test\r\nTo: team@example.test\r\nSubject: hi\r\n\r\nHello\r\n"
	if err := sendMail(c, "friend@remote.test", []string{"team@example.test", "bob@example.test"}, msg, nil); err != nil {
		t.Fatalf("a member's message: %v", err)
	}
	if a, b := h.count("alice@example.test", store.RoleInbox), h.count("bob@example.test", store.RoleInbox); a != 1 || b != 1 {
		t.Fatalf("alice has %d, bob %d; want 1 each", a, b)
	}
}

// On submission a member may send as the list (MAIL FROM and From); a
// user who is no member is refused 553 5.7.1.
func TestSubmission_memberSendsAsTheList(t *testing.T) {
	h := start(t, nil)
	h.user("carol", nil)
	h.list("sales", false, "alice@example.test", "bob@example.test")
	msg := "From: Sales <sales@example.test>\r\nTo: bob@example.test\r\nSubject: offer\r\n\r\nHello\r\n"

	c := h.dial(RoleSubmission)
	if err := c.Auth(sasl.NewPlainClient("", "carol@example.test", testbed.Password)); err != nil {
		t.Fatal(err)
	}
	if got := code(sendMail(c, "sales@example.test", []string{"bob@example.test"}, msg, nil)); got != "553 5.7.1" {
		t.Fatalf("a non-member as the list: %q, want 553 5.7.1", got)
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	fromOnly := "From: sales@example.test\r\nTo: bob@example.test\r\nSubject: offer\r\n\r\nHello\r\n"
	if got := code(sendMail(c, "carol@example.test", []string{"bob@example.test"}, fromOnly, nil)); got != "553 5.7.1" {
		t.Fatalf("a non-member's From: the list: %q, want 553 5.7.1", got)
	}

	c = h.dial(RoleSubmission)
	if err := c.Auth(sasl.NewPlainClient("", "alice@example.test", testbed.Password)); err != nil {
		t.Fatal(err)
	}
	if err := sendMail(c, "sales@example.test", []string{"bob@example.test"}, msg, nil); err != nil {
		t.Fatalf("a member as the list: %v", err)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("bob has %d", n)
	}
}
