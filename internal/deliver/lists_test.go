package deliver_test

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"postroom/internal/deliver"
	"postroom/internal/queue"
	"postroom/internal/resolver"
	"postroom/internal/smtpclient"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// list makes a list of example.test (the testbed's domain).
func (e *effects) list(local string, membersOnly bool, members ...string) *store.List {
	e.t.Helper()
	d, err := e.bed.Store.Domain(e.ctx, "example.test")
	if err != nil {
		e.t.Fatal(err)
	}
	l := &store.List{DomainID: d.ID, LocalPart: local, Name: "Sales", Members: members, MembersOnly: membersOnly}
	if err := e.bed.Store.CreateList(e.ctx, l); err != nil {
		e.t.Fatal(err)
	}
	return l
}

// refusal delivers raw as the MX would and returns the refusal of the
// one recipient.
func (e *effects) refusal(from, raw, to string) error {
	e.t.Helper()
	r, err := e.p.ResolveFrom(e.ctx, "", to, 0) // the envelope sender is checked after DATA here
	if err != nil {
		e.t.Fatal(err)
	}
	env := &deliver.Envelope{From: from, Recipients: []*deliver.Recipient{r}, RemoteAddr: "192.0.2.1:2525", Protocol: "ESMTP", ID: "t1"}
	res, err := e.p.Deliver(e.ctx, env, []byte(raw))
	if err != nil {
		e.t.Fatal(err)
	}
	return res[0].Err
}

// A message to a list reaches each member once: hosted members in their
// Inbox (bob once, though he is also a direct recipient), the internet
// members in one queued copy from the list's address with its List-Id.
func TestList_deliversOncePerMember(t *testing.T) {
	e := newEffects(t)
	bob, carol := e.account("bob", nil), e.account("carol", nil)
	e.list("sales", false, "bob@example.test", "carol@example.test", "x@remote.test", "y@remote.test")
	e.list("team", false, "carol@example.test", "x@remote.test")
	msg := mailFrom("sender@remote.test", "sales@example.test, team@example.test", "견적", "")
	res := e.deliver("sender@remote.test", msg, "sales@example.test", "bob@example.test", "team@example.test")
	if len(res) != 3 {
		t.Fatalf("%d results", len(res))
	}
	if n, m := len(e.mailbox(bob, store.RoleInbox)), len(e.mailbox(carol, store.RoleInbox)); n != 1 || m != 1 {
		t.Fatalf("bob has %d copies, carol %d; want 1 each", n, m)
	}
	q, err := e.bed.Store.Queue(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || len(q[0].Recipients) != 2 || q[0].From != "sales@example.test" {
		t.Fatalf("queued %+v, want one copy for x and y from sales@example.test", q)
	}
	e.runQueue()
	got := e.sink.Messages()
	if len(got) != 1 || got[0].From != "sales@example.test" || len(got[0].To) != 2 {
		t.Fatalf("sink got %+v", got)
	}
	if !strings.HasPrefix(got[0].Data, "List-Id: \"Sales\" <sales.example.test>\r\n") || strings.Contains(got[0].Data, "Return-Path") ||
		!strings.Contains(got[0].Data, "Subject: 견적") {
		t.Fatalf("the internet members' copy:\n%s", got[0].Data)
	}
}

// "Members only": a sender who is no member is refused 550 5.7.1 at RCPT
// (the envelope sender) and after DATA (the From field too); a member is
// admitted; the null sender (a bounce of the list's copies) goes to the
// domain's administrators, not to the members.
func TestList_membersOnly(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", nil)
	boss := e.bed.Account("boss", func(a *store.Account) { a.Admin = true })
	e.list("team", true, "bob@example.test", "friend@remote.test")

	_, err := e.p.ResolveInboundFrom(e.ctx, "192.0.2.9:25", "stranger@remote.test", "team@example.test", 0)
	var de *deliver.Error
	if !errors.Is(err, deliver.ErrNotMember) || !errors.As(err, &de) || de.Code != 550 || de.Enhanced != [3]int{5, 7, 1} {
		t.Fatalf("a stranger at RCPT: %v, want 550 5.7.1", err)
	}
	if _, err := e.p.ResolveInboundFrom(e.ctx, "192.0.2.9:25", "Friend@Remote.test", "team@example.test", 0); err != nil {
		t.Fatalf("a member at RCPT: %v", err)
	}
	if _, err := e.p.ResolveFrom(e.ctx, "stranger@remote.test", "team@example.test", 0); !errors.Is(err, deliver.ErrNotMember) {
		t.Fatalf("a stranger submitting: %v", err)
	}
	forged := mailFrom("stranger@remote.test", "team@example.test", "hi", "")
	if err := e.refusal("friend@remote.test", forged, "team@example.test"); !errors.Is(err, deliver.ErrNotMember) {
		t.Fatalf("a member's envelope with a stranger's From: %v, want 550 5.7.1", err)
	}
	if err := e.refusal("stranger@remote.test", mailFrom("friend@remote.test", "team@example.test", "hi", ""), "team@example.test"); !errors.Is(err, deliver.ErrNotMember) {
		t.Fatalf("a stranger's envelope: %v, want 550 5.7.1", err)
	}
	if n := len(e.mailbox(bob, store.RoleInbox)); n != 0 || e.queued() != 0 {
		t.Fatalf("refused mail went out: bob %d, queued %d", n, e.queued())
	}
	e.deliver("friend@remote.test", mailFrom("friend@remote.test", "team@example.test", "hi", ""), "team@example.test")
	if n := len(e.mailbox(bob, store.RoleInbox)); n != 1 {
		t.Fatalf("a member's message: bob has %d", n)
	}
	e.deliver("", mailFrom("mailer-daemon@remote.test", "team@example.test", "Undelivered", ""), "team@example.test")
	if n, m := len(e.mailbox(bob, store.RoleInbox)), len(e.mailbox(boss, store.RoleInbox)); n != 1 || m != 1 {
		t.Fatalf("a bounce to the list: bob %d (want 1, the earlier message), boss %d (want 1)", n, m)
	}
}

// A message the list sent out that comes back to it is not sent round
// again.
func TestList_loopRefused(t *testing.T) {
	e := newEffects(t)
	e.account("bob", nil)
	e.list("sales", false, "bob@example.test", "x@remote.test")
	back := "List-Id: <sales.example.test>\r\n" + mailFrom("x@remote.test", "sales@example.test", "again", "")
	if err := e.refusal("x@remote.test", back, "sales@example.test"); !errors.Is(err, deliver.ErrListLoop) {
		t.Fatalf("a message back from the list: %v, want 554 5.4.6", err)
	}
}

// A member may send as the list (MAIL FROM and From); others may not.
// A member who is also a direct internet recipient of the same
// submission gets one copy.
func TestList_membersSendAsTheList(t *testing.T) {
	e := newEffects(t)
	bob, dave := e.account("bob", nil), e.account("dave", nil)
	e.list("sales", false, "bob@example.test", "x@remote.test")
	if !e.p.MaySendAs(e.ctx, bob, "Sales@example.test") || e.p.MaySendAs(e.ctx, dave, "sales@example.test") {
		t.Fatal("MaySendAs: a member may, a stranger may not")
	}
	msg := mailFrom("sales@example.test", "sales@example.test, x@remote.test", "from the list", "")
	submit := func(sender *store.Account) (*deliver.SubmitResult, error) {
		r, err := e.p.ResolveFrom(e.ctx, "sales@example.test", "sales@example.test", 0)
		if err != nil {
			t.Fatal(err)
		}
		s := &deliver.Submission{Sender: sender, Remote: []string{"x@remote.test"},
			Envelope: deliver.Envelope{From: "sales@example.test", Recipients: []*deliver.Recipient{r}, ID: "s1"}}
		return e.p.Submit(e.ctx, s, []byte(msg))
	}
	if _, err := submit(dave); !errors.Is(err, deliver.ErrNotOwnAddress) {
		t.Fatalf("a stranger sent as the list: %v", err)
	}
	if _, err := submit(bob); err != nil {
		t.Fatalf("a member sending as the list: %v", err)
	}
	if n := len(e.mailbox(bob, store.RoleInbox)); n != 1 {
		t.Fatalf("bob, a member, has %d copies in his Inbox", n)
	}
	q, err := e.bed.Store.Queue(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || len(q[0].Recipients) != 1 || q[0].Recipients[0].Address != "x@remote.test" {
		t.Fatalf("queued %+v, want one copy for x", q)
	}
}

// An internet member's server refuses the list's copy: the bounce comes
// back to the list's address with the null sender and reaches the
// domain's administrators, not the members.
func TestList_bounceOfAMemberGoesToTheAdministrators(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", nil)
	boss := e.bed.Account("boss", func(a *store.Account) { a.Admin = true })
	e.list("sales", false, "bob@example.test", "gone@remote.test")
	sink := testbed.StartSMTPSink(t, nil, func(s *testbed.SMTPSink) {
		s.Reject = map[string]string{"gone@remote.test": "550 5.1.1 no such user"}
	})
	dns := &resolver.Static{
		MX: map[string][]*net.MX{"remote.test": {{Host: "mx.remote.test.", Pref: 10}}},
		IP: map[string][]net.IP{"mx.remote.test": {net.ParseIP("127.0.0.1")}},
	}
	client := &smtpclient.Client{Resolver: dns, Hostname: "mx.example.test", Port: sink.Port, Timeout: 10 * time.Second}
	t.Cleanup(client.Close)
	e.w = &queue.Worker{Store: e.bed.Store, Blobs: e.bed.Blobs, Client: client, Pipeline: e.p, Mail: e.bed.Mail, Hostname: "mx.example.test",
		Log: testbed.Quiet(), Now: e.clock.Now}
	e.deliver("sender@remote.test", mailFrom("sender@remote.test", "sales@example.test", "offer", ""), "sales@example.test")
	e.runQueue()
	if n, m := len(e.mailbox(bob, store.RoleInbox)), len(e.mailbox(boss, store.RoleInbox)); n != 1 || m != 1 {
		t.Fatalf("bob has %d (want the message), boss %d (want the bounce)", n, m)
	}
	if dsn := e.mailbox(boss, store.RoleInbox)[0]; !strings.Contains(dsn, "gone@remote.test") || !strings.HasPrefix(dsn, "Return-Path: <>") {
		t.Fatalf("the administrator's message is not the bounce:\n%.600s", dsn)
	}
}
