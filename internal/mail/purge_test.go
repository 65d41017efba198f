package mail_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// putAt stores raw into the account's mailbox as arrived at date.
func putAt(t testing.TB, b *testbed.Bed, accountID int64, mailbox, raw string, date time.Time) *store.Message {
	t.Helper()
	mb, err := b.Store.MailboxByName(b.Ctx, accountID, mailbox)
	if err != nil {
		t.Fatal(err)
	}
	key, size, err := b.Blobs.Put(b.Ctx, strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.Mail.Append(b.Ctx, actor.System(accountID, "test"), mail.AppendRequest{MailboxID: mb.ID, BlobKey: key, Size: size,
		Parsed: message.Parse([]byte(raw)), InternalDate: date})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Purge removes exactly the messages that arrived before the period, by
// their internal date on the caller's clock (not the Date field, which a
// sender sets), through Expunge: quota and events follow.
func TestPurge_removesExactlyTheOldOnes(t *testing.T) {
	b := testbed.New(t)
	alice, bob := b.Account("alice", nil), b.Account("bob", nil)
	a := actor.User(alice)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	ages := []time.Duration{400 * day, 100 * day, 30*day + time.Second, 30*day - time.Second, day}
	var msgs []*store.Message
	for i, age := range ages {
		// the Date field says "new" for every one: only the arrival counts
		raw := fmt.Sprintf("Date: %s\r\nSubject: m%d\r\n\r\nbody %d\r\n", now.Format(time.RFC1123Z), i, i)
		msgs = append(msgs, putAt(t, b, alice.ID, "INBOX", raw, now.Add(-age)))
	}
	inbox := msgs[0].MailboxID
	heard, stop := b.Bus.Subscribe(alice.ID)
	defer stop()
	usage := func() store.Usage {
		u, err := b.Store.Usage(b.Ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	uids := func() []uint32 {
		u, err := b.Store.MessageUIDs(b.Ctx, alice.ID, inbox, 0)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	n, err := b.Mail.Purge(b.Ctx, a, inbox, mail.PurgeRequest{OlderThanDays: 30, DryRun: true}, now)
	if err != nil || n != 3 || len(uids()) != 5 {
		t.Fatalf("dry run 30 days: %d %v, %d left", n, err, len(uids()))
	}
	before := usage()
	n, err = b.Mail.Purge(b.Ctx, a, inbox, mail.PurgeRequest{OlderThanDays: 90}, now)
	if err != nil || n != 2 || !slices.Equal(uids(), []uint32{msgs[2].UID, msgs[3].UID, msgs[4].UID}) {
		t.Fatalf("90 days: %d %v, left %v", n, err, uids())
	}
	if after := usage(); after.Messages != before.Messages-2 || after.Bytes != before.Bytes-msgs[0].Size-msgs[1].Size {
		t.Fatalf("usage %+v -> %+v", before, after)
	}
	select {
	case e := <-heard:
		if e.Kind != events.MessageExpunge || !slices.Equal(e.UIDs, []uint32{msgs[0].UID, msgs[1].UID}) {
			t.Fatalf("event %+v", e)
		}
	default:
		t.Fatal("no expunge event") // Publish is synchronous
	}
	if n, err = b.Mail.Purge(b.Ctx, a, inbox, mail.PurgeRequest{OlderThanDays: 30}, now); err != nil || n != 1 ||
		!slices.Equal(uids(), []uint32{msgs[3].UID, msgs[4].UID}) {
		t.Fatalf("30 days: %d %v, left %v", n, err, uids())
	}

	// another account's folder is not found, and nothing goes
	if _, err := b.Mail.Purge(b.Ctx, actor.User(bob), inbox, mail.PurgeRequest{All: true}, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob purging alice's inbox: %v", err)
	}
	for _, bad := range []mail.PurgeRequest{{}, {OlderThanDays: 30, All: true}, {OlderThanDays: -1}, {OlderThanDays: mail.MaxPurgeDays + 1}} {
		if _, err := b.Mail.Purge(b.Ctx, a, inbox, bad, now); !errors.Is(err, mail.ErrInvalidPurge) || !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if len(uids()) != 2 {
		t.Fatalf("refused purges removed mail: %v", uids())
	}
	if n, err = b.Mail.Purge(b.Ctx, a, inbox, mail.PurgeRequest{All: true}, now); err != nil || n != 2 || len(uids()) != 0 {
		t.Fatalf("all: %d %v, left %v", n, err, uids())
	}
	if u := usage(); u.Messages != 0 || u.Bytes != 0 {
		t.Fatalf("usage after all: %+v", u)
	}
	if bad, err := b.Store.CheckConsistency(b.Ctx); err != nil || len(bad) > 0 {
		t.Fatalf("consistency: %v %v", bad, err)
	}
}

// A purge larger than one batch removes every one of them.
func TestPurge_manyInBatches(t *testing.T) {
	b := testbed.New(t)
	alice := b.Account("alice", nil)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	const n = 1050 // past one batch of 1000
	var mb int64
	for i := range n {
		mb = putAt(t, b, alice.ID, "INBOX", fmt.Sprintf("Subject: %d\r\n\r\nx\r\n", i), now.Add(-time.Duration(400+i)*24*time.Hour)).MailboxID
	}
	keep := putAt(t, b, alice.ID, "INBOX", "Subject: new\r\n\r\nx\r\n", now)
	got, err := b.Mail.Purge(b.Ctx, actor.User(alice), mb, mail.PurgeRequest{OlderThanDays: 365}, now)
	if err != nil || got != n {
		t.Fatalf("purged %d, %v; want %d", got, err, n)
	}
	left, _ := b.Store.MessageUIDs(b.Ctx, alice.ID, mb, 0)
	if !slices.Equal(left, []uint32{keep.UID}) {
		t.Fatalf("left %v", left)
	}
}

func TestFolderStats_countsEachFolderAndTheTotal(t *testing.T) {
	b := testbed.New(t)
	alice := b.Account("alice", func(a *store.Account) { a.QuotaBytes = 1 << 20 })
	bob := b.Account("bob", nil)
	m1 := b.Put(alice.ID, "INBOX", "Subject: 1\r\n\r\none\r\n")
	m2 := b.Put(alice.ID, "INBOX", "Subject: 2\r\n\r\ntwo two\r\n")
	m3 := b.Put(alice.ID, "Sent", "Subject: 3\r\n\r\nthree three three\r\n")
	b.Put(bob.ID, "INBOX", "Subject: bob\r\n\r\nnot alice's\r\n")
	st, err := b.Mail.FolderStats(b.Ctx, actor.User(alice))
	if err != nil {
		t.Fatal(err)
	}
	if st.Messages != 3 || st.Size != m1.Size+m2.Size+m3.Size || st.QuotaBytes != 1<<20 || len(st.Folders) != len(store.DefaultMailboxes) {
		t.Fatalf("stats %+v", st)
	}
	for _, f := range st.Folders {
		want := map[string]int64{"INBOX": 2, "Sent": 1}[f.Name]
		if f.Status.Messages != want {
			t.Errorf("%s: %d messages, want %d", f.Name, f.Status.Messages, want)
		}
	}
	u, _ := b.Store.Usage(b.Ctx, alice.ID)
	if u.Bytes != st.Size || u.Messages != st.Messages {
		t.Errorf("usage %+v, table %d/%d", u, st.Messages, st.Size)
	}
	if _, err := b.Mail.FolderStats(b.Ctx, actor.CommandLine); !errors.Is(err, mail.ErrForbidden) {
		t.Errorf("the operator's folders: %v", err)
	}
}
