package storecopy

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/blob"
	"postroom/internal/contacts"
	"postroom/internal/events"
	"postroom/internal/filters"
	"postroom/internal/mail"
	"postroom/internal/settings"
	"postroom/internal/store"
	"postroom/internal/store/sqlite"
)

// A source installation made the way the server makes one: accounts
// through the administrators' service, mail through the mailbox service,
// contacts, filters and settings through theirs.

const password = "Migrate-me-2026!"

// korean is the word the search on the target must find; it is only in
// the body of the Korean message.
const korean = "분기보고서"

const koreanMail = "From: =?UTF-8?B?6rmA7LKg7IiY?= <boss@example.test>\r\n" +
	"To: kim@example.test\r\n" +
	"Subject: =?UTF-8?B?7ZqM7J2YIOyekOujjA==?=\r\n" + // 회의 자료
	"Message-ID: <korean-1@example.test>\r\n" +
	"Date: Mon, 2 Nov 2026 10:00:00 +0900\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: 8bit\r\n\r\n" +
	"안녕하세요. 이번 " + korean + " 초안을 보내 드립니다.\r\n"

const attachmentMail = "From: partner@elsewhere.test\r\n" +
	"To: kim@example.test\r\n" +
	"Subject: contract\r\n" +
	"Message-ID: <attach-1@elsewhere.test>\r\n" +
	"Date: Tue, 3 Nov 2026 09:00:00 +0000\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
	"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe contract is attached.\r\n" +
	"--b1\r\nContent-Type: application/pdf; name=\"contract.pdf\"\r\n" +
	"Content-Disposition: attachment; filename=\"contract.pdf\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK\r\n" +
	"--b1--\r\n"

func plainMail(n int) string {
	return fmt.Sprintf("From: sender%d@elsewhere.test\r\nTo: lee@second.test\r\nSubject: note %d\r\n"+
		"Message-ID: <note-%d@elsewhere.test>\r\nDate: Wed, 4 Nov 2026 08:00:00 +0000\r\n\r\nbody of note %d\r\n", n, n, n, n)
}

// bed is a single node's data directory: the SQLite database and the
// message files (always these, whatever backend other packages' tests
// run on), with the mailbox service over them.
type bed struct {
	Dir   string
	Store *sqlite.Store
	Blobs *blob.FS
	Mail  *mail.Service
}

func newBed(t testing.TB) *bed {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.OpenUnsynced(filepath.Join(dir, "postroom.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return &bed{Dir: dir, Store: st, Blobs: blobs,
		Mail: &mail.Service{Store: st, Blobs: blobs, Events: events.NewLocal(), MaxMessageSize: 1 << 20}}
}

// source is a built installation and what the test expects of it.
type source struct {
	bed      *bed
	admin    *admin.Service
	accounts []*store.Account // kim@example.test, lee@second.test
}

func buildSource(t testing.TB, extra int) *source {
	t.Helper()
	b := newBed(t)
	ctx := context.Background()
	adm := &admin.Service{Store: b.Store, Blobs: b.Blobs}
	for _, d := range []string{"example.test", "second.test"} {
		if _, err := adm.CreateDomain(ctx, actor.CommandLine, d); err != nil {
			t.Fatal(err)
		}
	}
	s := &source{bed: b, admin: adm}
	for _, n := range []admin.NewAccount{
		{Address: "kim@example.test", Password: password, Name: "김철수", Admin: true},
		{Address: "lee@second.test", Password: password, Name: "Lee"},
	} {
		a, err := adm.CreateAccount(ctx, actor.CommandLine, n)
		if err != nil {
			t.Fatalf("create %s: %v", n.Address, err)
		}
		s.accounts = append(s.accounts, a)
	}
	kim, lee := actor.User(s.accounts[0]), actor.User(s.accounts[1])
	appendRaw := func(who actor.Actor, mailboxID int64, raw string, flags ...string) *store.Message {
		t.Helper()
		m, err := b.Mail.AppendRaw(ctx, who, mail.RawMessage{MailboxID: mailboxID, Role: store.RoleInbox, Body: strings.NewReader(raw),
			Flags: flags, InternalDate: time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	ko := appendRaw(kim, 0, koreanMail, `\Seen`, `\Flagged`)
	att := appendRaw(kim, 0, attachmentMail)
	gone := appendRaw(kim, 0, plainMail(0))
	project, err := b.Store.CreateMailbox(ctx, s.accounts[0].ID, "프로젝트")
	if err != nil {
		t.Fatal(err)
	}
	appendRaw(kim, project.ID, plainMail(1), `$Important`)
	// a gap in the UIDs and a row in expunged
	inbox, err := b.Store.MailboxByRole(ctx, s.accounts[0].ID, store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	// a copy, which shares its source's search index row in SQLite
	if _, _, err := b.Store.CopyMessages(ctx, s.accounts[0].ID, inbox.ID, project.ID, []uint32{ko.UID}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Mail.StoreFlags(ctx, kim, inbox.ID, []uint32{att.UID}, store.FlagsAdd, []string{`\Answered`}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.StoreFlags(ctx, s.accounts[0].ID, inbox.ID, []uint32{gone.UID}, store.FlagsAdd, []string{`\Deleted`}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.Expunge(ctx, s.accounts[0].ID, inbox.ID, []uint32{gone.UID}); err != nil {
		t.Fatal(err)
	}
	for i := range extra {
		appendRaw(lee, 0, plainMail(100+i))
	}
	appendRaw(lee, 0, koreanMail) // the same file as kim's: one blob, two references

	c := &contacts.Service{Store: b.Store}
	if err := c.Create(ctx, kim, &contacts.Contact{Book: contacts.Personal, Name: "홍길동",
		Emails: []contacts.Email{{Address: "hong@elsewhere.test", Label: "회사"}}, Company: "한빛상사"}); err != nil {
		t.Fatal(err)
	}
	f := &filters.Service{Store: b.Store}
	if _, err := f.Create(ctx, kim, filters.Filter{Name: "boss", Enabled: true, Match: filters.MatchAll,
		Conditions: []filters.Condition{{Field: filters.FieldFrom, Op: filters.OpContains, Value: "boss@"}},
		Actions:    []filters.Action{{Type: filters.ActionMarkRead}}}); err != nil {
		t.Fatal(err)
	}
	set := &settings.Service{Store: b.Store}
	if _, err := set.Patch(ctx, kim, []byte(`{"signature":{"html":"<p>김철수 드림</p>","on_new":true}}`)); err != nil {
		t.Fatal(err)
	}
	// a message waiting in the outbound queue, scheduled for later
	key, size, err := b.Blobs.Put(ctx, strings.NewReader(plainMail(999)))
	if err != nil {
		t.Fatal(err)
	}
	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := b.Store.Enqueue(ctx, &store.QueuedMessage{AccountID: s.accounts[0].ID, From: "kim@example.test", BlobKey: key, Size: size,
		CreatedAt: time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), SendAt: later,
		Recipients: []store.QueuedRecipient{{Address: "far@elsewhere.test", Status: store.RcptPending, NextTry: later}}}); err != nil {
		t.Fatal(err)
	}
	if problems, err := b.Store.CheckConsistency(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("the source is not consistent: %v %v", problems, err)
	}
	return s
}
