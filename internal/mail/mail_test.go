package mail_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// Only an actor with a mailbox acts on mail: the operator and the command
// line have none, and a user reaches only his own folders.
func TestService_actsOnlyOnTheActorsOwnMail(t *testing.T) {
	b := testbed.New(t)
	alice, bob := b.Account("alice", nil), b.Account("bob", nil)
	bobInbox, err := b.Store.MailboxByName(b.Ctx, bob.ID, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	raw := "From: x@remote.test\r\nSubject: hi\r\n\r\nbody\r\n"
	key, size, err := b.Blobs.Put(b.Ctx, strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req := mail.AppendRequest{MailboxID: bobInbox.ID, BlobKey: key, Size: size, Parsed: message.Parse([]byte(raw))}
	for _, a := range []actor.Actor{actor.CommandLine, {Role: actor.RoleOperator, OperatorID: 1}, {Role: actor.RoleUser}} {
		if _, err := b.Mail.Append(b.Ctx, a, req); !errors.Is(err, mail.ErrForbidden) {
			t.Errorf("%+v appended: %v", a, err)
		}
		if _, err := b.Mail.CreateMailbox(b.Ctx, a, "x"); !errors.Is(err, mail.ErrForbidden) {
			t.Errorf("%+v created a folder: %v", a, err)
		}
	}
	if _, err := b.Mail.Append(b.Ctx, actor.User(alice), req); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alice appended to bob's inbox: %v", err)
	}
	if err := b.Mail.DeleteMailbox(b.Ctx, actor.User(alice), bobInbox.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alice deleted bob's inbox: %v", err)
	}
	if _, err := b.Mail.Append(b.Ctx, actor.User(bob), req); err != nil {
		t.Errorf("bob appends to his own inbox: %v", err)
	}
}

// Every read and action names its target by id: another account's ids are
// not found (nothing revealed), and an actor with no mailbox is refused.
func TestService_readsAndActionsStayInTheActorsAccount(t *testing.T) {
	b := testbed.New(t)
	alice, bob := b.Account("alice", nil), b.Account("bob", nil)
	m := b.Put(bob.ID, "INBOX", "Subject: bob's\r\n\r\n결재\r\n")
	in := m.MailboxID
	uids := []uint32{m.UID}
	calls := map[string]func(a actor.Actor) error{
		"Mailbox":      func(a actor.Actor) error { _, err := b.Mail.Mailbox(b.Ctx, a, in); return err },
		"Status":       func(a actor.Actor) error { _, err := b.Mail.Status(b.Ctx, a, in); return err },
		"Page":         func(a actor.Actor) error { _, _, err := b.Mail.Page(b.Ctx, a, in, store.Page{Limit: 10}); return err },
		"Thread":       func(a actor.Actor) error { _, err := b.Mail.Thread(b.Ctx, a, m.ThreadID); return err },
		"Message":      func(a actor.Actor) error { _, err := b.Mail.Message(b.Ctx, a, m.ID); return err },
		"MessageByUID": func(a actor.Actor) error { _, err := b.Mail.MessageByUID(b.Ctx, a, in, m.UID); return err },
		"Load":         func(a actor.Actor) error { _, _, err := b.Mail.Load(b.Ctx, a, m.ID); return err },
		"Open":         func(a actor.Actor) error { _, err := b.Mail.Open(b.Ctx, a, m); return err },
		"MarkRead":     func(a actor.Actor) error { _, err := b.Mail.MarkRead(b.Ctx, a, in, uids); return err },
		"Delete":       func(a actor.Actor) error { _, err := b.Mail.Delete(b.Ctx, a, in, uids); return err },
		"ReportSpam":   func(a actor.Actor) error { _, err := b.Mail.ReportSpam(b.Ctx, a, in, uids); return err },
		"NotSpam":      func(a actor.Actor) error { _, err := b.Mail.NotSpam(b.Ctx, a, in, uids); return err },
		"POP3Delete":   func(a actor.Actor) error { return b.Mail.POP3Delete(b.Ctx, a, in, uids) },
		"AppendRaw": func(a actor.Actor) error {
			_, err := b.Mail.AppendRaw(b.Ctx, a, mail.RawMessage{MailboxID: in, Body: strings.NewReader("x")})
			return err
		},
		"SearchMailbox":   func(a actor.Actor) error { return searchErr(b, a, in, uids) },
		"InlineToken/use": func(a actor.Actor) error { return inlineErr(b, a, m) },
	}
	for name, call := range calls {
		if err := call(actor.User(alice)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s by alice on bob's mail: %v, want ErrNotFound", name, err)
		}
		if err := call(actor.CommandLine); !errors.Is(err, mail.ErrForbidden) {
			t.Errorf("%s by the command line: %v, want ErrForbidden", name, err)
		}
	}
	if _, err := b.Mail.Message(b.Ctx, actor.User(bob), m.ID); err != nil {
		t.Errorf("bob reads his own message: %v", err)
	}
	if u, _ := b.Store.Usage(b.Ctx, bob.ID); u.Messages != 1 {
		t.Errorf("bob has %d messages after alice's attempts, want 1", u.Messages)
	}
}

// searchErr is ErrNotFound when a search of mailboxID finds nothing of
// uids (alice searching bob's INBOX finds nothing: the index and the rows
// are by account).
func searchErr(b *testbed.Bed, a actor.Actor, mailboxID int64, uids []uint32) error {
	got, err := b.Mail.SearchMailbox(b.Ctx, a, mailboxID, uids, &mail.Criteria{Body: []string{"결재"}})
	if err != nil {
		return err
	}
	if len(got) == 0 {
		return store.ErrNotFound
	}
	return nil
}

// inlineErr makes an inline-image token as a and reads with what it
// grants.
func inlineErr(b *testbed.Bed, a actor.Actor, m *store.Message) error {
	tok, err := b.Mail.InlineToken(b.Ctx, a, m.ID, time.Now())
	if err != nil {
		return err
	}
	grant, id, err := b.Mail.InlineGrant(b.Ctx, tok, time.Now())
	if err != nil {
		return err
	}
	_, _, err = b.Mail.Load(b.Ctx, grant, id)
	return err
}
