package mail_test

import (
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// The IMAP listings read the actor's own mailboxes only: another
// account's mailbox is not found, an actor without a mailbox is refused.
func TestIMAPIndex_actorRules(t *testing.T) {
	b := testbed.New(t)
	alice, bob := b.Account("alice", nil), b.Account("bob", nil)
	m := b.Put(bob.ID, "INBOX", "Subject: bob's\r\n\r\nx\r\n")
	in := m.MailboxID
	calls := map[string]func(a actor.Actor) error{
		"MailboxIndex":  func(a actor.Actor) error { _, err := b.Mail.MailboxIndex(b.Ctx, a, in, 0); return err },
		"ChangedSince":  func(a actor.Actor) error { _, err := b.Mail.ChangedSince(b.Ctx, a, in, 0); return err },
		"ExpungedSince": func(a actor.Actor) error { _, err := b.Mail.ExpungedSince(b.Ctx, a, in, 0); return err },
		"EnvelopeIndex": func(a actor.Actor) error { _, err := b.Mail.EnvelopeIndex(b.Ctx, a, in, 0); return err },
		"StoreFlagsUnchangedSince": func(a actor.Actor) error {
			_, _, err := b.Mail.StoreFlagsUnchangedSince(b.Ctx, a, in, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagSeen}, 1<<40)
			return err
		},
	}
	for name, call := range calls {
		if err := call(actor.User(alice)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s by alice on bob's inbox: %v, want not found", name, err)
		}
		if err := call(actor.Actor{Role: actor.RoleOperator, OperatorID: 1}); !errors.Is(err, mail.ErrForbidden) {
			t.Errorf("%s by an operator: %v, want forbidden", name, err)
		}
		if err := call(actor.User(bob)); err != nil {
			t.Errorf("%s by bob: %v", name, err)
		}
	}
	if _, err := b.Mail.Quota(b.Ctx, actor.Actor{Role: actor.RoleOperator, OperatorID: 1}); !errors.Is(err, mail.ErrForbidden) {
		t.Errorf("Quota by an operator: %v", err)
	}
}

// A conditional STORE changes what was not changed since the client's
// MODSEQ, reports the rest as modified, and announces and hooks exactly
// what changed, as StoreFlags does.
func TestStoreFlagsUnchangedSince_eventAndReadHook(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	var uids []uint32
	for range 3 {
		uids = append(uids, b.Put(bob.ID, "INBOX", "Subject: x\r\n\r\nx\r\n").UID)
	}
	in := inbox(t, b, bob)
	mark := in.HighestModSeq
	user := actor.User(bob)
	if _, err := b.Mail.StoreFlags(b.Ctx, user, in.ID, uids[1:2], store.FlagsAdd, []string{"$Label"}); err != nil {
		t.Fatal(err)
	}
	read, _ := hooked(b)
	ch, stop := b.Bus.Subscribe(bob.ID)
	defer stop()
	changed, modified, err := b.Mail.StoreFlagsUnchangedSince(b.Ctx, user, in.ID, uids, store.FlagsAdd, []string{store.FlagSeen}, mark)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(modified, uids[1:2]) || len(changed) != 2 {
		t.Fatalf("changed %d, modified %v; want 2 changed and %v modified", len(changed), modified, uids[1:2])
	}
	want := []uint32{uids[0], uids[2]}
	if len(*read) != 1 || !slices.Equal((*read)[0].uids, want) {
		t.Errorf("Read hook calls %+v, want one of %v", *read, want)
	}
	select {
	case e := <-ch:
		if string(e.Kind) != string(events.MessageFlags) || !slices.Equal(e.UIDs, want) || e.ModSeq != max(changed[0].ModSeq, changed[1].ModSeq) {
			t.Errorf("event %+v, want flags of %v", e, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no event published")
	}
}

// SENTON compares the Date header's day as written (RFC 3501 §6.4.4);
// FROM finds an address written with comments inside it by its plain
// form; neither reads the message file.
func TestSearchMailbox_sentDayAsWrittenAndParsedAddresses(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	east := b.Put(bob.ID, "INBOX", "Date: Sun, 25 Mar 2007 00:00:00 +0200\r\nFrom: <user-from (comment)@ (comment) domain.org>\r\nSubject: a\r\n\r\nx\r\n")
	west := b.Put(bob.ID, "INBOX", "Date: Sat, 24 Mar 2007 23:30:00 -0700\r\nFrom: other@domain.org\r\nSubject: b\r\n\r\nx\r\n")
	none := b.Put(bob.ID, "INBOX", "Subject: c\r\n\r\nx\r\n")
	all := []uint32{east.UID, west.UID, none.UID}
	day := func(d int) time.Time { return time.Date(2007, 3, d, 0, 0, 0, 0, time.UTC) }
	// a service whose blob store counts the files opened
	blobs := &countingBlobs{Store: b.Blobs}
	svc := &mail.Service{Store: b.Store, Blobs: blobs}
	for name, tc := range map[string]struct {
		c    mail.Criteria
		want []uint32
	}{
		"SENTON 25":     {mail.Criteria{SentSince: day(25), SentBefore: day(26)}, []uint32{east.UID}},
		"SENTON 24":     {mail.Criteria{SentSince: day(24), SentBefore: day(25)}, []uint32{west.UID}},
		"SENTBEFORE 25": {mail.Criteria{SentBefore: day(25)}, []uint32{west.UID}},
		"SENTSINCE 25":  {mail.Criteria{SentSince: day(25)}, []uint32{east.UID}},
		"FROM plain":    {mail.Criteria{Header: []mail.HeaderMatch{{Key: "From", Value: "user-from@domain.org"}}}, []uint32{east.UID}},
		"FROM domain":   {mail.Criteria{Header: []mail.HeaderMatch{{Key: "FROM", Value: "DOMAIN.ORG"}}}, []uint32{east.UID, west.UID}},
		"NOT FROM":      {mail.Criteria{Not: []mail.Criteria{{Header: []mail.HeaderMatch{{Key: "From", Value: "user-from"}}}}}, []uint32{west.UID, none.UID}},
		"SUBJECT":       {mail.Criteria{Header: []mail.HeaderMatch{{Key: "Subject", Value: "B"}}}, []uint32{west.UID}},
		"UNSEEN":        {mail.Criteria{NotFlags: []string{store.FlagSeen}}, all},
		"SEEN":          {mail.Criteria{Flags: []string{store.FlagSeen}}, nil},
	} {
		got, err := svc.SearchMailbox(b.Ctx, actor.User(bob), east.MailboxID, all, &tc.c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
	if n := blobs.opens.Load(); n != 0 {
		t.Errorf("searches opened %d message files", n)
	}
	// a key no column answers still reads the file
	got, err := svc.SearchMailbox(b.Ctx, actor.User(bob), east.MailboxID, all, &mail.Criteria{Body: []string{"x"}})
	if err != nil || len(got) != 3 || blobs.opens.Load() == 0 {
		t.Errorf("BODY x: %v %v after %d opens", got, err, blobs.opens.Load())
	}
}

// The quota is the account's, or less when the domain's leaves less room.
func TestQuota_accountAndDomain(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", func(a *store.Account) { a.QuotaBytes = 1 << 20 })
	carol := b.Account("carol", nil)
	m := b.Put(bob.ID, "INBOX", "Subject: x\r\n\r\nhello\r\n")
	q, err := b.Mail.Quota(b.Ctx, actor.User(bob))
	if err != nil {
		t.Fatal(err)
	}
	if q != (mail.Quota{UsedBytes: m.Size, LimitBytes: 1 << 20, UsedMessages: 1}) {
		t.Errorf("bob's quota %+v", q)
	}
	if q, err = b.Mail.Quota(b.Ctx, actor.User(carol)); err != nil || q != (mail.Quota{}) {
		t.Errorf("carol (no quota, nothing stored): %+v %v", q, err)
	}
	b.Domain.QuotaBytes = 1000 + m.Size
	if err := b.Store.UpdateDomain(b.Ctx, b.Domain); err != nil {
		t.Fatal(err)
	}
	if q, err = b.Mail.Quota(b.Ctx, actor.User(bob)); err != nil || q.LimitBytes != m.Size+1000 {
		t.Errorf("bob under a nearly full domain: %+v %v, want limit %d", q, err, m.Size+1000)
	}
	if q, err = b.Mail.Quota(b.Ctx, actor.User(carol)); err != nil || q.LimitBytes != 1000 {
		t.Errorf("carol under a nearly full domain: %+v %v, want limit 1000", q, err)
	}
}

// Object ids are RFC 8474 objectids; a mailbox keeps its id through a
// rename, a folder made again under the same name gets another.
func TestObjectIDs(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	user := actor.User(bob)
	mb, err := b.Mail.CreateMailbox(b.Ctx, user, "Projects")
	if err != nil {
		t.Fatal(err)
	}
	id := mail.MailboxObjectID(mb)
	if err := b.Mail.RenameMailbox(b.Ctx, user, mb.ID, "Work"); err != nil {
		t.Fatal(err)
	}
	renamed, err := b.Mail.MailboxByName(b.Ctx, user, "Work")
	if err != nil {
		t.Fatal(err)
	}
	if mail.MailboxObjectID(renamed) != id {
		t.Errorf("MAILBOXID changed on rename: %s -> %s", id, mail.MailboxObjectID(renamed))
	}
	if err := b.Mail.DeleteMailbox(b.Ctx, user, renamed.ID); err != nil {
		t.Fatal(err)
	}
	again, err := b.Mail.CreateMailbox(b.Ctx, user, "Work")
	if err != nil {
		t.Fatal(err)
	}
	objectid := regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	for _, s := range []string{id, mail.MailboxObjectID(again), mail.EmailObjectID(1 << 62), mail.ThreadObjectID(7)} {
		if !objectid.MatchString(s) {
			t.Errorf("%q is not an objectid", s)
		}
	}
	if mail.MailboxObjectID(again) == id {
		t.Errorf("a folder made again got the deleted one's MAILBOXID %s", id)
	}
	if mail.EmailObjectID(5) == mail.EmailObjectID(6) || mail.EmailObjectID(5) == mail.ThreadObjectID(5) {
		t.Error("object ids collide")
	}
}
