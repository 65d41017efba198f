package web

import (
	"context"
	"slices"
	"sync"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// The webmail's actions are the mailbox service's: "read" is the user
// reading (the Read hook hears of each message once), report spam and
// not spam go to the Spam hook (the learning filter), and a delete in
// Spam, like one in Trash, is for good.
func TestActions_readSpamAndDeleteAreTheServicesRules(t *testing.T) {
	f := newFixture(t)
	a := f.Put(f.alice.ID, "INBOX", "Subject: a\r\n\r\nx\r\n")
	b := f.Put(f.alice.ID, "INBOX", "Subject: b\r\n\r\nx\r\n")
	var mu sync.Mutex
	var read, spam, notSpam []int64
	f.Mail.Hooks = mail.Hooks{
		Read: func(_ context.Context, _ actor.Actor, msgs []store.Message) {
			mu.Lock()
			defer mu.Unlock()
			for _, m := range msgs {
				read = append(read, m.ID)
			}
		},
		Spam: func(_ context.Context, _ actor.Actor, msgs []store.Message, isSpam bool) {
			mu.Lock()
			defer mu.Unlock()
			for _, m := range msgs {
				if isSpam {
					spam = append(spam, m.ID)
				} else {
					notSpam = append(notSpam, m.ID)
				}
			}
		},
	}
	c := f.login(t, "alice@example.test")
	act := func(action string, ids ...int64) {
		t.Helper()
		var done map[string]int
		if code := c.do("POST", "/api/v1/messages/actions", map[string]any{"action": action, "ids": ids}, &done); code != 200 || done["done"] != len(ids) {
			t.Fatalf("%s: %d %v", action, code, done)
		}
	}
	act("read", a.ID)
	act("read", a.ID, b.ID)
	act("unread", a.ID)
	act("report-spam", a.ID, b.ID)
	act("not-spam", b.ID)
	mu.Lock()
	if !slices.Equal(read, []int64{a.ID, b.ID}) || !slices.Equal(spam, []int64{a.ID, b.ID}) || !slices.Equal(notSpam, []int64{b.ID}) {
		t.Errorf("hooks heard: read %v, spam %v, not spam %v; want read [%d %d], spam [%d %d], not spam [%d]",
			read, spam, notSpam, a.ID, b.ID, a.ID, b.ID, b.ID)
	}
	mu.Unlock()
	if m, err := f.Store.Message(f.Ctx, f.alice.ID, b.ID); err != nil || m.MailboxID != c.mailboxID("INBOX") {
		t.Errorf("after not spam: %+v %v, want in INBOX", m, err)
	}
	act("delete-to-trash", a.ID) // in Spam
	if _, err := f.Store.Message(f.Ctx, f.alice.ID, a.ID); err == nil {
		t.Error("deleting in Spam must delete for good")
	}
}
