package mail_test

import (
	"context"
	"slices"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

type hookCall struct {
	uids []uint32
	spam bool
}

// hooked sets both hooks of the bed's service to record their calls.
func hooked(b *testbed.Bed) (read, spam *[]hookCall) {
	read, spam = new([]hookCall), new([]hookCall)
	uids := func(msgs []store.Message) []uint32 {
		var out []uint32
		for _, m := range msgs {
			out = append(out, m.UID)
		}
		return out
	}
	b.Mail.Hooks = mail.Hooks{
		Read: func(_ context.Context, _ actor.Actor, msgs []store.Message) {
			*read = append(*read, hookCall{uids: uids(msgs)})
		},
		Spam: func(_ context.Context, _ actor.Actor, msgs []store.Message, isSpam bool) {
			*spam = append(*spam, hookCall{uids: uids(msgs), spam: isSpam})
		},
	}
	return read, spam
}

// The Read hook (where read receipts plug in) hears of each message once,
// when a user first marks it \Seen, however he does it; never of the
// system's \Seen (a Sent copy filed as read) or of a message read before.
func TestReadHook_calledOnceWhenAUserFirstSeesAMessage(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	var uids []uint32
	for i := 0; i < 5; i++ {
		uids = append(uids, b.Put(bob.ID, "INBOX", "Subject: x\r\n\r\nx\r\n").UID)
	}
	read, _ := hooked(b)
	user := actor.User(bob)
	step := func(what string, err error, want ...[]uint32) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if len(*read) != len(want) {
			t.Fatalf("%s: Read hook calls %+v, want %v", what, *read, want)
		}
		for i := range want {
			if !slices.Equal((*read)[i].uids, want[i]) {
				t.Fatalf("%s: Read hook calls %+v, want %v", what, *read, want)
			}
		}
		*read = nil
	}
	_, err := b.Mail.StoreFlags(b.Ctx, actor.System(bob.ID, "sent copy"), in.ID, uids[:1], store.FlagsAdd, []string{store.FlagSeen})
	step("the system sets \\Seen", err)
	_, err = b.Mail.MarkRead(b.Ctx, user, in.ID, uids[:3])
	step("the user opens three, one seen already", err, uids[1:3])
	_, err = b.Mail.MarkRead(b.Ctx, user, in.ID, uids[:3])
	step("the user opens them again", err)
	_, err = b.Mail.StoreFlags(b.Ctx, user, in.ID, uids, store.FlagsAdd, []string{store.FlagFlagged, `\seen`})
	step("STORE +FLAGS (\\Flagged \\seen)", err, uids[3:])
	_, err = b.Mail.StoreFlags(b.Ctx, user, in.ID, uids[4:], store.FlagsRemove, []string{store.FlagSeen})
	step("mark unread", err)
	_, err = b.Mail.StoreFlags(b.Ctx, user, in.ID, uids, store.FlagsReplace, []string{store.FlagSeen})
	step("STORE FLAGS (\\Seen) after marking one unread", err, uids[4:])
}

// Delete moves to Trash; in Trash or Spam it deletes for good.
func TestDelete_toTrashThenForGood(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	user := actor.User(bob)
	role := func(r store.Role) *store.Mailbox {
		mb, err := b.Mail.MailboxByRole(b.Ctx, user, r)
		if err != nil {
			t.Fatal(err)
		}
		return mb
	}
	in, trash, spam := role(store.RoleInbox), role(store.RoleTrash), role(store.RoleSpam)
	m := b.Put(bob.ID, "INBOX", "Subject: x\r\n\r\nx\r\n")
	j := b.Put(bob.ID, "Spam", "Subject: junk\r\n\r\nx\r\n")
	if n, err := b.Mail.Delete(b.Ctx, user, in.ID, []uint32{m.UID}); err != nil || n != 1 {
		t.Fatalf("delete in INBOX: %d, %v", n, err)
	}
	moved, err := b.Mail.Message(b.Ctx, user, m.ID)
	if err != nil || moved.MailboxID != trash.ID {
		t.Fatalf("after delete in INBOX the message is %+v (%v), want in Trash", moved, err)
	}
	if n, err := b.Mail.Delete(b.Ctx, user, trash.ID, []uint32{moved.UID}); err != nil || n != 1 {
		t.Fatalf("delete in Trash: %d, %v", n, err)
	}
	if n, err := b.Mail.Delete(b.Ctx, user, spam.ID, []uint32{j.UID}); err != nil || n != 1 {
		t.Fatalf("delete in Spam: %d, %v", n, err)
	}
	if u, _ := b.Store.Usage(b.Ctx, bob.ID); u.Messages != 0 {
		t.Errorf("%d messages left after deleting in Trash and Spam, want none", u.Messages)
	}
}

// Report spam moves to Spam and tells the Spam hook (the learning filter)
// the messages as they were; not spam moves back to INBOX. Messages
// already where they go stay and teach nothing.
func TestReportSpam_movesAndTellsTheSpamHook(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	user := actor.User(bob)
	in := inbox(t, b, bob)
	spamBox, _ := b.Mail.MailboxByRole(b.Ctx, user, store.RoleSpam)
	m1 := b.Put(bob.ID, "INBOX", "Subject: buy\r\n\r\nx\r\n")
	m2 := b.Put(bob.ID, "INBOX", "Subject: buy now\r\n\r\nx\r\n")
	_, spam := hooked(b)
	if n, err := b.Mail.ReportSpam(b.Ctx, user, in.ID, []uint32{m1.UID, m2.UID}); err != nil || n != 2 {
		t.Fatalf("report spam: %d, %v", n, err)
	}
	if len(*spam) != 1 || !(*spam)[0].spam || !slices.Equal((*spam)[0].uids, []uint32{m1.UID, m2.UID}) {
		t.Fatalf("Spam hook calls %+v, want one with INBOX UIDs %d, %d", *spam, m1.UID, m2.UID)
	}
	if got, _ := b.Mail.Message(b.Ctx, user, m1.ID); got.MailboxID != spamBox.ID {
		t.Fatalf("reported message in mailbox %d, want Spam", got.MailboxID)
	}
	uids := allUIDs(t, b, bob, spamBox.ID)
	if n, err := b.Mail.ReportSpam(b.Ctx, user, spamBox.ID, uids); err != nil || n != 0 || len(*spam) != 1 {
		t.Fatalf("report spam in Spam: %d, %v, hook calls %+v", n, err, *spam)
	}
	if n, err := b.Mail.NotSpam(b.Ctx, user, spamBox.ID, uids[:1]); err != nil || n != 1 {
		t.Fatalf("not spam: %d, %v", n, err)
	}
	if len(*spam) != 2 || (*spam)[1].spam || !slices.Equal((*spam)[1].uids, uids[:1]) {
		t.Fatalf("Spam hook calls %+v, want a second, not spam, with Spam UID %d", *spam, uids[0])
	}
	if got, _ := b.Mail.Message(b.Ctx, user, m1.ID); got.MailboxID != in.ID {
		t.Fatalf("message after not spam in mailbox %d, want INBOX", got.MailboxID)
	}
}

// A POP3 client's delete does what the account's setting says at the
// time of QUIT; kept messages leave later maildrops only.
func TestPOP3Delete_followsTheAccountsSetting(t *testing.T) {
	for _, setting := range []string{store.POP3Keep, store.POP3Trash, store.POP3Delete} {
		t.Run(setting, func(t *testing.T) {
			b := testbed.New(t)
			bob := b.Account("bob", nil) // keep, the default, at login
			user := actor.User(bob)
			m := b.Put(bob.ID, "INBOX", "Subject: x\r\n\r\nx\r\n")
			b.Put(bob.ID, "INBOX", "Subject: y\r\n\r\ny\r\n")
			d, err := b.Mail.Maildrop(b.Ctx, user)
			if err != nil || len(d.Messages) != 2 {
				t.Fatalf("maildrop %+v, %v", d, err)
			}
			bob.POP3Delete = setting // changed by an administrator during the session
			if err := b.Store.UpdateAccount(b.Ctx, bob); err != nil {
				t.Fatal(err)
			}
			if err := b.Mail.POP3Delete(b.Ctx, user, d.MailboxID, []uint32{m.UID}); err != nil {
				t.Fatal(err)
			}
			after, err := b.Mail.Maildrop(b.Ctx, user)
			if err != nil || len(after.Messages) != 1 {
				t.Fatalf("maildrop after the delete %+v, %v; want one message", after, err)
			}
			got, err := b.Mail.Message(b.Ctx, user, m.ID)
			trash, _ := b.Mail.MailboxByRole(b.Ctx, user, store.RoleTrash)
			switch setting {
			case store.POP3Keep:
				if err != nil || got.MailboxID != d.MailboxID || !got.POP3Hidden {
					t.Errorf("kept message %+v, %v; want in INBOX, hidden from POP3", got, err)
				}
			case store.POP3Trash:
				if err != nil || got.MailboxID != trash.ID {
					t.Errorf("trashed message %+v, %v; want in Trash", got, err)
				}
			case store.POP3Delete:
				if err == nil {
					t.Errorf("deleted message still there: %+v", got)
				}
			}
		})
	}
}
