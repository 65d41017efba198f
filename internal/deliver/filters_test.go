package deliver_test

import (
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/deliver"
	"postroom/internal/filters"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// withFilters puts the filter step where the server has it: after
// Blocked, before Vacation and Forward.
func (e *effects) withFilters() *filters.Service {
	svc := &filters.Service{Store: e.bed.Store, Mail: e.bed.Mail, Log: testbed.Quiet()}
	e.p.Steps = []deliver.Step{e.p.Blocked, e.p.Filters(svc), e.p.Vacation, e.p.Forward}
	return svc
}

func (e *effects) rule(svc *filters.Service, a *store.Account, subject string, actions ...filters.Action) {
	e.t.Helper()
	_, err := svc.Create(e.ctx, actor.User(a), filters.Filter{Name: subject, Enabled: true,
		Conditions: []filters.Condition{{Field: filters.FieldSubject, Op: filters.OpContains, Value: subject}}, Actions: actions})
	if err != nil {
		e.t.Fatal(err)
	}
}

// in lists the subjects of a folder's messages (by name), with "+seen"
// for those stored \Seen.
func (e *effects) in(a *store.Account, name string) []string {
	e.t.Helper()
	mb, err := e.bed.Store.MailboxByName(e.ctx, a.ID, name)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	e.bed.Store.Messages(e.ctx, a.ID, mb.ID, func(m *store.Message) error {
		s := m.Envelope.Subject
		if m.HasFlag(store.FlagSeen) {
			s += "+seen"
		}
		out = append(out, s)
		return nil
	})
	return out
}

func msg(from, subject string) string {
	return "From: " + from + "\r\nTo: bob@example.test\r\nSubject: " + subject + "\r\n\r\nhello\r\n"
}

// A rule's move wins over the Spam folder; spam to be deleted at once is
// deleted, rules or not.
func TestFilters_moveRuleWinsOverTheSpamFolder(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", spamSettings("personal", "move", []string{"@spam.test"}, nil))
	svc := e.withFilters()
	work, _ := e.bed.Store.CreateMailbox(e.ctx, bob.ID, "Work")
	e.rule(svc, bob, "invoice", filters.Action{Type: filters.ActionMove, Mailbox: work.ID}, filters.Action{Type: filters.ActionMarkRead})
	e.deliver("a@spam.test", msg("a@spam.test", "invoice 1"), "bob@example.test")
	e.deliver("a@spam.test", msg("a@spam.test", "offer"), "bob@example.test")
	if got := e.in(bob, "Work"); strings.Join(got, ",") != "invoice 1+seen" {
		t.Errorf("Work holds %v", got)
	}
	if got := e.in(bob, "Spam"); strings.Join(got, ",") != "offer" {
		t.Errorf("Spam holds %v", got)
	}

	carol := e.account("carol", spamSettings("personal", "delete", []string{"@spam.test"}, nil))
	cw, _ := e.bed.Store.CreateMailbox(e.ctx, carol.ID, "Work")
	e.rule(svc, carol, "invoice", filters.Action{Type: filters.ActionMove, Mailbox: cw.ID})
	e.deliver("a@spam.test", msg("a@spam.test", "invoice 2"), "carol@example.test")
	if got := append(e.in(carol, "Work"), e.in(carol, "INBOX")...); len(got) != 0 {
		t.Errorf("spam to be deleted was stored: %v", got)
	}
}

// A rule's folder deleted since: the message goes to the Inbox.
func TestFilters_folderGoneFallsBackToInbox(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", nil)
	svc := e.withFilters()
	gone, _ := e.bed.Store.CreateMailbox(e.ctx, bob.ID, "Gone")
	e.rule(svc, bob, "report", filters.Action{Type: filters.ActionMove, Mailbox: gone.ID})
	if err := e.bed.Store.DeleteMailbox(e.ctx, bob.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	e.deliver("x@remote.test", msg("x@remote.test", "report 1"), "bob@example.test")
	if got := e.in(bob, "INBOX"); strings.Join(got, ",") != "report 1" {
		t.Errorf("Inbox holds %v", got)
	}
}

// forward + delete: the copy goes out through the queue (SRS sender for
// the remote address) and nothing is kept; a delete alone keeps nothing.
func TestFilters_forwardAndDelete(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", nil)
	svc := e.withFilters()
	e.rule(svc, bob, "pass on", filters.Action{Type: filters.ActionForward, Address: "dan@remote.test"}, filters.Action{Type: filters.ActionDelete})
	e.rule(svc, bob, "junk", filters.Action{Type: filters.ActionDelete})
	res := e.deliver("x@other.test", msg("x@other.test", "pass on 1"), "bob@example.test")
	e.deliver("x@other.test", msg("x@other.test", "junk 1"), "bob@example.test")
	if res[0].Message != nil || len(e.in(bob, "INBOX")) != 0 {
		t.Errorf("a deleted message was stored: %v", e.in(bob, "INBOX"))
	}
	e.runQueue()
	got := e.sink.Messages()
	if len(got) != 1 || got[0].To[0] != "dan@remote.test" || !strings.Contains(got[0].Data, "Subject: pass on 1") ||
		!strings.HasPrefix(strings.ToLower(got[0].From), "srs0=") {
		t.Fatalf("forwarded: %+v", got)
	}
}
