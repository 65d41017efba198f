package deliver_test

import (
	"testing"

	"postroom/internal/store"
)

// setDomainSpam saves the spam lists of the domain (M2), as the
// administrators' service does.
func (e *effects) setDomainSpam(d *store.Domain, senders, phrases []string) {
	e.t.Helper()
	d.BlockedSenders, d.BlockedPhrases = senders, phrases
	if err := e.bed.Store.UpdateDomain(e.ctx, d); err != nil {
		e.t.Fatal(err)
	}
}

// The domain's lists apply to an account whose method is "personal" and
// whose own lists are empty: the administrator decided for everyone.
func TestBlocked_domainListsMoveToSpam(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", spamSettings("personal", "move", nil, nil))
	e.setDomainSpam(e.bed.Domain, []string{"@pest.test", "one@remote.test"}, []string{"대출 상담"})
	for _, c := range []struct{ subject, from, body, want string }{
		{"m1", "a@pest.test", "hi", "spam"},
		{"m2", "a@mail.pest.test", "hi", "spam"},
		{"m3", "one@remote.test", "hi", "spam"},
		{"m4", "two@remote.test", "저금리 대출 상담 안내", "spam"},
		{"m5", "two@remote.test", "hi", "inbox"},
	} {
		raw := "From: " + c.from + "\r\nTo: bob@example.test\r\nSubject: " + c.subject + "\r\n\r\n" + c.body + "\r\n"
		e.deliver(c.from, raw, "bob@example.test")
		if got := e.where(bob, c.subject); got != c.want {
			t.Errorf("%s: in %q, want %q", c.subject, got, c.want)
		}
	}
}

// The account's spam.action still decides: "delete" stores nothing.
func TestBlocked_domainListsDelete(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", spamSettings("system", "delete", nil, nil))
	e.setDomainSpam(e.bed.Domain, []string{"pest.test"}, []string{"casino"})
	for _, subject := range []string{"d1", "d2"} {
		from, body := "a@pest.test", "hi"
		if subject == "d2" {
			from, body = "a@remote.test", "best CASINO"
		}
		res := e.deliver(from, "From: "+from+"\r\nTo: bob@example.test\r\nSubject: "+subject+"\r\n\r\n"+body+"\r\n", "bob@example.test")
		if res[0].Err != nil || res[0].Message != nil {
			t.Fatalf("%s: result %+v", subject, res[0])
		}
		if got := e.where(bob, subject); got != "" {
			t.Errorf("%s: stored in %q", subject, got)
		}
	}
}

// Another domain's lists do not apply here, and ours do not apply there.
func TestBlocked_domainListsStayInTheirDomain(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", spamSettings("personal", "move", nil, nil))
	other := &store.Domain{Name: "other.test"}
	if err := e.bed.Store.CreateDomain(e.ctx, other); err != nil {
		t.Fatal(err)
	}
	dan := e.bed.Account("dan", func(a *store.Account) { a.DomainID = other.ID })
	e.setDomainSpam(other, []string{"@pest.test"}, []string{"casino"})
	e.deliver("a@pest.test", "From: a@pest.test\r\nSubject: o1\r\n\r\ncasino\r\n", "bob@example.test", "dan@other.test")
	if got := e.where(bob, "o1"); got != "inbox" {
		t.Errorf("bob's copy in %q, want inbox", got)
	}
	if got := e.where(dan, "o1"); got != "spam" {
		t.Errorf("dan's copy in %q, want spam", got)
	}
}
