package deliver_test

import (
	"strings"
	"testing"

	"postroom/internal/deliver"
	"postroom/internal/settings"
	"postroom/internal/spam"
	"postroom/internal/store"
)

func spamSettings(method, action string, senders, phrases []string) func(*settings.Settings) {
	return func(s *settings.Settings) {
		s.Spam = settings.Spam{Method: method, Action: action, KeepDays: 30, BlockedSenders: senders, BlockedPhrases: phrases}
	}
}

// deliverAuth delivers with the inbound checks' results given (the
// system's verdict).
func (e *effects) deliverAuth(from, raw string, auth *spam.AuthResults) {
	e.t.Helper()
	r, err := e.p.Resolve(e.ctx, "bob@example.test", 0)
	if err != nil {
		e.t.Fatal(err)
	}
	env := &deliver.Envelope{From: from, Recipients: []*deliver.Recipient{r}, ID: "t2", Auth: auth}
	res, err := e.p.Deliver(e.ctx, env, []byte(raw))
	if err != nil || res[0].Err != nil {
		e.t.Fatalf("deliver: %v %+v", err, res)
	}
}

// where says in which folder each delivered message ended: "inbox",
// "spam" or "" (not stored).
func (e *effects) where(a *store.Account, subject string) string {
	e.t.Helper()
	for _, role := range []store.Role{store.RoleInbox, store.RoleSpam} {
		for _, m := range e.mailbox(a, role) {
			if strings.Contains(m, "Subject: "+subject+"\r\n") {
				return string(role)
			}
		}
	}
	return ""
}

func TestBlocked_sendersAndPhrasesMoveToSpam(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", spamSettings("personal", "move",
		[]string{"Pest@Remote.test", "@spam.test", "junk.test"}, []string{"FREE money", "광고"}))
	for _, c := range []struct{ subject, envFrom, from, body, want string }{
		{"s1", "pest@remote.test", "x@remote.test", "hi", "spam"},                // envelope sender, another case
		{"s2", "x@remote.test", "Pest <PEST@remote.test>", "hi", "spam"},         // header From
		{"s3", "a@spam.test", "a@spam.test", "hi", "spam"},                       // @domain
		{"s4", "a@junk.test", "a@junk.test", "hi", "spam"},                       // domain
		{"s5", "a@mail.junk.test", "a@mail.junk.test", "hi", "spam"},             // its subdomain
		{"s6", "a@notjunk.test", "a@notjunk.test", "hi", "inbox"},                // not a subdomain
		{"s7", "ok@remote.test", "ok@remote.test", "get free MONEY now", "spam"}, // phrase in the text
		{"s8 (광고)", "ok@remote.test", "ok@remote.test", "hi", "spam"},            // Korean phrase in the subject
		{"s9", "ok@remote.test", "ok@remote.test", "정상 메일 free", "inbox"},
	} {
		raw := "From: " + c.from + "\r\nTo: bob@example.test\r\nSubject: " + c.subject + "\r\n\r\n" + c.body + "\r\n"
		e.deliver(c.envFrom, raw, "bob@example.test")
		if got := e.where(bob, c.subject); got != c.want {
			t.Errorf("%s: in %q, want %q", c.subject, got, c.want)
		}
	}
}

// "delete": accepted (no error for the sender), stored nowhere.
func TestBlocked_deleteStoresNothing(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", spamSettings("personal", "delete", []string{"pest@remote.test"}, nil))
	res := e.deliver("pest@remote.test", "From: pest@remote.test\r\nTo: bob@example.test\r\nSubject: d1\r\n\r\nx\r\n", "bob@example.test")
	if res[0].Err != nil || res[0].Message != nil {
		t.Fatalf("result %+v", res[0])
	}
	if got := e.where(bob, "d1"); got != "" {
		t.Fatalf("stored in %q", got)
	}
	e.deliver("ok@remote.test", "From: ok@remote.test\r\nTo: bob@example.test\r\nSubject: d2\r\n\r\nx\r\n", "bob@example.test")
	if got := e.where(bob, "d2"); got != "inbox" {
		t.Fatalf("the control is in %q", got)
	}
}

// spam.method: the personal lists, the system's verdict (DMARC failed
// with quarantine or reject), or both.
func TestBlocked_method(t *testing.T) {
	dmarcFail := &spam.AuthResults{DMARC: spam.Fail, DMARCPolicy: "reject"}
	dmarcNone := &spam.AuthResults{DMARC: spam.Fail, DMARCPolicy: "none"}
	for _, c := range []struct {
		method               string
		listed, system, both string // where a listed sender, a DMARC failure, a p=none failure go
	}{
		{"personal", "spam", "inbox", "inbox"},
		{"system", "inbox", "spam", "inbox"},
		{"both", "spam", "spam", "inbox"},
	} {
		e := newEffects(t)
		bob := e.account("bob", spamSettings(c.method, "move", []string{"pest@remote.test"}, nil))
		e.deliverAuth("pest@remote.test", "From: pest@remote.test\r\nSubject: listed\r\n\r\nx\r\n", nil)
		e.deliverAuth("x@remote.test", "From: x@remote.test\r\nSubject: system\r\n\r\nx\r\n", dmarcFail)
		e.deliverAuth("x@remote.test", "From: x@remote.test\r\nSubject: none\r\n\r\nx\r\n", dmarcNone)
		for subject, want := range map[string]string{"listed": c.listed, "system": c.system, "none": c.both} {
			if got := e.where(bob, subject); got != want {
				t.Errorf("method %s, %s: in %q, want %q", c.method, subject, got, want)
			}
		}
	}
}

// Spam is neither forwarded nor answered.
func TestBlocked_spamNotForwardedNorAnswered(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", func(s *settings.Settings) {
		spamSettings("personal", "move", []string{"pest@remote.test"}, nil)(s)
		forwardTo(false, "carol@example.test")(s)
		away("", "", "away")(s)
	})
	carol := e.account("carol", nil)
	e.deliver("pest@remote.test", "From: pest@remote.test\r\nTo: bob@example.test\r\nSubject: f1\r\n\r\nx\r\n", "bob@example.test")
	e.runQueue()
	if got := e.where(bob, "f1"); got != "spam" || len(e.mailbox(carol, store.RoleInbox)) != 0 || len(e.sink.Messages()) != 0 {
		t.Fatalf("bob's copy in %q, carol %d, replies %d", got, len(e.mailbox(carol, store.RoleInbox)), len(e.sink.Messages()))
	}
}
