package send

import (
	"context"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/contacts"
	"postroom/internal/settings"
	"postroom/internal/store"
)

// withSettings wires the settings service the way serve does: the
// config's delay is the default of the per-user one.
func (f *fixture) withSettings() *settings.Service {
	set := &settings.Service{Store: f.Store, Defaults: settings.Defaults{SendDelay: f.svc.UndoDelay}}
	f.svc.Prefs = func(ctx context.Context, accountID int64) (SenderPrefs, error) {
		s, err := set.ForAccount(ctx, accountID)
		return SenderPrefs{Delay: time.Duration(s.Mail.SendDelaySeconds) * time.Second, SaveSent: s.Mail.SaveSent,
			AddRecipients: s.Mail.AutoAddContacts}, err
	}
	return set
}

func (f *fixture) patch(t *testing.T, set *settings.Service, a *store.Account, patch string) {
	t.Helper()
	if _, err := set.Patch(f.Ctx, f.asOf(a), []byte(patch)); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) asOf(a *store.Account) actor.Actor {
	if a.ID == f.alice.ID {
		return f.asAlice
	}
	return f.asB
}

// The send delay setting replaces undo_send for its user (S2-4); the
// config's value stays the default of everyone else.
func TestPrefs_sendDelayIsPerUser(t *testing.T) {
	f := newFixture(t, 10*time.Second)
	set := f.withSettings()
	f.patch(t, set, f.alice, `{"mail":{"send_delay_seconds":120}}`)
	now := f.clock.Now()
	sent, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("lee@remote.test"), Subject: "a", Text: "a"})
	if err != nil || !sent.SendAt.Equal(now.Add(120*time.Second)) {
		t.Fatalf("alice's send: %+v %v, want at +120s", sent, err)
	}
	sent, err = f.svc.Send(f.Ctx, f.asB, &Request{To: to("lee@remote.test"), Subject: "b", Text: "b"})
	if err != nil || !sent.SendAt.Equal(now.Add(10*time.Second)) {
		t.Fatalf("bob's send: %+v %v, want the config's 10s", sent, err)
	}
	f.patch(t, set, f.alice, `{"mail":{"send_delay_seconds":0}}`)
	sent, err = f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("bob@example.test"), Subject: "now", Text: "now"})
	if err != nil || sent.QueueID != 0 {
		t.Fatalf("no delay: %+v %v, want sent at once", sent, err)
	}
	if len(f.mailbox(t, f.bob, store.RoleInbox)) != 1 {
		t.Fatal("a send without delay did not arrive at once")
	}
}

// "Save sent mail" off keeps no Sent copy of a webmail send (S2).
func TestPrefs_saveSentOffKeepsNoSentCopy(t *testing.T) {
	f := newFixture(t, 0)
	set := f.withSettings()
	if _, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("bob@example.test"), Subject: "kept", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	f.patch(t, set, f.alice, `{"mail":{"save_sent":false}}`)
	if _, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("bob@example.test"), Subject: "not kept", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	sent := f.mailbox(t, f.alice, store.RoleSent)
	if len(sent) != 1 || sent[0].Header.Decoded("Subject") != "kept" {
		t.Fatalf("Sent holds %d messages, want only the first", len(sent))
	}
	if len(f.mailbox(t, f.bob, store.RoleInbox)) != 2 {
		t.Fatal("both sends must arrive")
	}
}

// The display name set in Settings is the From of what the webmail
// sends and of its drafts (S1: one value, in the account's row).
func TestPrefs_displayNameIsTheFrom(t *testing.T) {
	f := newFixture(t, 0)
	set := f.withSettings()
	f.patch(t, set, f.alice, `{"name":"김 앨리스 (영업팀)"}`)
	if _, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("bob@example.test"), Subject: "이름", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	got := f.mailbox(t, f.bob, store.RoleInbox)
	if len(got) != 1 || got[0].Envelope().From[0].Name != "김 앨리스 (영업팀)" {
		t.Fatalf("From: %+v", got[0].Envelope().From)
	}
	if _, err := f.svc.SaveDraft(f.Ctx, f.asAlice, &Request{Subject: "draft", Text: "x"}, 0); err != nil {
		t.Fatal(err)
	}
	d := f.mailbox(t, f.alice, store.RoleDrafts)
	if len(d) != 1 || !strings.Contains(d[0].Header.Decoded("From"), "앨리스 (영업팀)") {
		t.Fatalf("draft From: %q", d[0].Header.Decoded("From"))
	}
}

// "Add unknown recipients to contacts" (S2-9): on for alice, her send
// adds the recipients she has in no book; bob's (off) adds nothing.
func TestPrefs_autoAddContacts(t *testing.T) {
	f := newFixture(t, 0)
	set := f.withSettings()
	book := &contacts.Service{Store: f.Store}
	f.svc.Contacts = book
	f.patch(t, set, f.alice, `{"mail":{"auto_add_contacts":true}}`)
	if _, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("이순신 <lee@remote.test>"), Cc: to("bob@example.test"), Subject: "a", Text: "a"}); err != nil {
		t.Fatal(err)
	}
	p, err := book.List(f.Ctx, f.asAlice, contacts.Query{})
	if err != nil || p.Total != 2 || p.Contacts[0].Name != "이순신" || p.Contacts[1].Emails[0].Address != "bob@example.test" {
		t.Fatalf("alice's contacts after her send: %+v %v", p, err)
	}
	if _, err := f.svc.Send(f.Ctx, f.asB, &Request{To: to("lee@remote.test"), Subject: "b", Text: "b"}); err != nil {
		t.Fatal(err)
	}
	if p, err := book.List(f.Ctx, f.asB, contacts.Query{}); err != nil || p.Total != 0 {
		t.Fatalf("bob's contacts (setting off): %+v %v", p, err)
	}
}
