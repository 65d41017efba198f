package mail_test

import (
	"errors"
	"strings"
	"testing"

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
