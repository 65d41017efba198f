package storecopy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/blob"
	"postroom/internal/blob/s3"
	"postroom/internal/blob/s3/s3test"
	"postroom/internal/contacts"
	"postroom/internal/filters"
	"postroom/internal/mail"
	"postroom/internal/search"
	"postroom/internal/settings"
	"postroom/internal/store"
	"postroom/internal/store/postgres"
	"postroom/internal/store/postgres/pgtest"
)

// target is an empty cluster: a fresh PostgreSQL schema (migrated by
// Open) and a real S3 gateway's empty bucket.
type target struct {
	pg    *postgres.Store
	blobs *s3.Store
	gw    *s3test.Gateway
	dsn   string
}

func newTarget(t testing.TB) *target {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.SchemaDSN(t, pgtest.Schema(t))
	pg, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	gw := s3test.Start(t)
	bs, err := s3.Open(ctx, s3.Config{Endpoint: gw.Endpoint(), Bucket: s3test.Bucket, Region: "us-east-1",
		AccessKey: s3test.Access, SecretKey: s3test.Secret, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	return &target{pg: pg, blobs: bs, gw: gw, dsn: dsn}
}

func (s *source) src() Source  { return Source{DB: s.bed.Store.DB(), Blobs: s.bed.Blobs} }
func (tg *target) dst() Target { return Target{Pool: tg.pg.Pool(), Blobs: tg.blobs} }
func migrate(s *source, tg *target) (Summary, error) {
	return Copy(context.Background(), s.src(), tg.dst(), Options{})
}

// The whole installation arrives: the same accounts log in with the same
// passwords, every mailbox has the same UIDVALIDITY, UIDNEXT, messages,
// UIDs and flags, every message file is byte for byte the same, a Korean
// word is found by the target's own search, and contacts, filters,
// settings and the queue are there.
func TestCopy_installationArrivesWhole(t *testing.T) {
	s := buildSource(t, 3)
	tg := newTarget(t)
	ctx := context.Background()
	sum, err := migrate(s, tg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.AlreadyDone || sum.Files == 0 || sum.Copied != sum.Files || sum.Rows == 0 || sum.IndexRows == 0 {
		t.Errorf("summary %+v", sum)
	}
	src, dst := s.bed.Store, tg.pg

	a := &auth.Authenticator{Store: dst}
	for _, acct := range s.accounts {
		got, err := a.Login(ctx, auth.Request{Address: acct.Address(), Password: password, Protocol: auth.ProtoIMAP,
			Remote: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}})
		if err != nil || got.ID != acct.ID {
			t.Errorf("login %s on the target: %v %v", acct.Address(), got, err)
		}
		if _, err := a.Login(ctx, auth.Request{Address: acct.Address(), Password: "wrong", Protocol: auth.ProtoIMAP,
			Remote: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}}); err == nil {
			t.Errorf("login %s with a wrong password worked", acct.Address())
		}
		compareMailboxes(t, s, tg, acct.ID)
	}

	// search: the target's index rows are empty until reindexed from
	// the files (as `postroom migrate` does); then the target's own
	// search finds what the source's finds, the copy of the Korean
	// message (which shares its source's row in SQLite) included.
	reindexTarget(t, s, tg)
	for _, acct := range s.accounts {
		// the source's terms written after the appends, as a search
		// through the mail service would first (mail/index_later.go)
		if _, err := s.bed.Mail.IndexWaiting(ctx, actor.User(acct)); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{korean, "회의", "contract", "note", "boss@example.test", "kim@example.test"} {
			want, got := searchIDs(t, src, acct.ID, q), searchIDs(t, dst, acct.ID, q)
			if want == "" || got != want {
				t.Errorf("%s: search %q: source %s, target %s", acct.Address(), q, want, got)
			}
		}
	}
	if res, err := dst.Search(ctx, s.accounts[0].ID, store.SearchQuery{Text: search.Parse(korean), Limit: 10}); err != nil ||
		res.Total != 2 || len(res.Messages) != 2 || !strings.Contains(res.Messages[0].Envelope.MessageID, "korean-1@example.test") {
		t.Errorf("search %q on the target: %+v %v", korean, res, err)
	}
	att, err := dst.Search(ctx, s.accounts[0].ID, store.SearchQuery{HasAttachment: true, Limit: 10})
	if err != nil || att.Total != 1 {
		t.Errorf("attachment search on the target: %+v %v", att, err)
	}

	kim := actor.User(s.accounts[0])
	same := func(what string, get func(store.Store) any) {
		t.Helper()
		want, got := get(src), get(dst)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s differ:\nsource %+v\ntarget %+v", what, want, got)
		}
	}
	same("contacts", func(st store.Store) any {
		p, err := (&contacts.Service{Store: st}).List(ctx, kim, contacts.Query{Book: contacts.Personal, PageSize: -1})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 1 {
			t.Errorf("contacts: %d", p.Total)
		}
		return p
	})
	same("filters", func(st store.Store) any {
		f, err := (&filters.Service{Store: st}).List(ctx, kim)
		if err != nil {
			t.Fatal(err)
		}
		if len(f) != 1 {
			t.Errorf("filters: %d", len(f))
		}
		return f
	})
	same("settings", func(st store.Store) any {
		v, err := (&settings.Service{Store: st}).Get(ctx, kim)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(v.Signature.HTML, "김철수 드림") {
			t.Errorf("signature %q", v.Signature.HTML)
		}
		return v
	})
	same("queue", func(st store.Store) any {
		q, err := st.Queue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(q) != 1 {
			t.Errorf("queue: %d", len(q))
		}
		return q
	})
	if problems, err := dst.CheckConsistency(ctx); err != nil || len(problems) > 0 {
		t.Errorf("target consistency: %v %v", problems, err)
	}

	// new rows get ids past every copied one: a new message of kim's
	// gets the next UID and a new message id
	inbox, err := dst.MailboxByRole(ctx, s.accounts[0].ID, store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	key, size, err := tg.blobs.Put(ctx, strings.NewReader(plainMail(7)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := dst.AppendMessage(ctx, &store.NewMessage{AccountID: s.accounts[0].ID, MailboxID: inbox.ID, BlobKey: key, Size: size})
	if err != nil {
		t.Fatalf("append on the target: %v", err)
	}
	if m.UID != inbox.UIDNext {
		t.Errorf("new message UID %d, want UIDNEXT %d", m.UID, inbox.UIDNext)
	}

	// A second run finds its own work and verifies it again.
	again, err := migrate(s, tg)
	if err == nil || !errors.Is(err, ErrTargetNotEmpty) {
		t.Fatalf("a run after the target changed: %v (%+v)", err, again)
	}
}

// compareMailboxes checks one account's mailboxes and messages on both
// sides through the store interface, and each message file through the
// blob backends.
func compareMailboxes(t *testing.T, s *source, tg *target, accountID int64) {
	t.Helper()
	ctx := context.Background()
	want, err := s.bed.Store.Mailboxes(ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tg.pg.Mailboxes(ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("account %d mailboxes:\nsource %+v\ntarget %+v", accountID, want, got)
	}
	for _, mb := range want {
		msgs := func(st store.Store) []store.Message {
			var out []store.Message
			if err := st.Messages(ctx, accountID, mb.ID, func(m *store.Message) error { out = append(out, *m); return nil }); err != nil {
				t.Fatal(err)
			}
			return out
		}
		ws, gs := msgs(s.bed.Store), msgs(tg.pg)
		if !reflect.DeepEqual(ws, gs) {
			t.Errorf("mailbox %s: messages differ:\nsource %+v\ntarget %+v", mb.Name, ws, gs)
			continue
		}
		for _, m := range ws {
			if !bytes.Equal(read(t, s.bed.Blobs, m.BlobKey), read(t, tg.blobs, m.BlobKey)) {
				t.Errorf("mailbox %s uid %d: message file differs", mb.Name, m.UID)
			}
		}
		st1, err1 := s.bed.Store.MailboxStatus(ctx, accountID, mb.ID)
		st2, err2 := tg.pg.MailboxStatus(ctx, accountID, mb.ID)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(st1, st2) {
			t.Errorf("mailbox %s status: %+v %v / %+v %v", mb.Name, st1, err1, st2, err2)
		}
	}
}

func read(t *testing.T, b blob.Store, key string) []byte {
	t.Helper()
	f, err := b.Open(key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Run again over a committed copy: verified, nothing written; and a
// message file already in the bucket is not sent again.
func TestCopy_secondRunVerifiesAndWritesNothing(t *testing.T) {
	s := buildSource(t, 0)
	tg := newTarget(t)
	first, err := migrate(s, tg)
	if err != nil {
		t.Fatal(err)
	}
	second, err := migrate(s, tg)
	if err != nil {
		t.Fatal(err)
	}
	if !second.AlreadyDone || second.Copied != 0 || second.Files != first.Files || second.Verified != first.Verified {
		t.Errorf("second run %+v after %+v", second, first)
	}

	// The verification sees a changed value, in a table with ids (named
	// by row and column) and in one without (by its digest).
	ctx := context.Background()
	for _, c := range []struct{ change, undo, want string }{
		{`UPDATE messages SET flags = flags || ' $Changed' WHERE id = (SELECT min(id) FROM messages)`,
			`UPDATE messages SET flags = replace(flags, ' $Changed', '')`, "table messages, id 1: column flags"},
		{`UPDATE password_set SET set_at = set_at + 1`, `UPDATE password_set SET set_at = set_at - 1`, "table password_set: the rows differ"},
	} {
		if _, err := tg.pg.Pool().Exec(ctx, c.change); err != nil {
			t.Fatal(err)
		}
		_, err := migrate(s, tg)
		if !errors.Is(err, ErrTargetNotEmpty) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("after %s: %v, want %q", c.change, err, c.want)
		}
		if _, err := tg.pg.Pool().Exec(ctx, c.undo); err != nil {
			t.Fatal(err)
		}
	}
	if sum, err := migrate(s, tg); err != nil || !sum.AlreadyDone {
		t.Errorf("after the changes were undone: %+v %v", sum, err)
	}
}

// A message file whose bytes changed on disk stops the copy, named by
// its key, before anything reaches the database; once it is put right a
// second run resumes: the files sent before are skipped.
func TestCopy_corruptedFileNamedAndNothingCommitted(t *testing.T) {
	s := buildSource(t, 2)
	tg := newTarget(t)
	ctx := context.Background()
	msg, err := s.bed.Store.AccountByAddress(ctx, "kim@example.test")
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := s.bed.Store.MailboxByRole(ctx, msg.ID, store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	var key string
	s.bed.Store.Messages(ctx, msg.ID, inbox.ID, func(m *store.Message) error { key = m.BlobKey; return nil })
	path := s.bed.Blobs.Path(key)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(good)
	bad[len(bad)-3] ^= 0x20
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}

	_, err = Copy(ctx, s.src(), tg.dst(), Options{Workers: 1})
	if err == nil || !strings.Contains(err.Error(), key) {
		t.Fatalf("copy with a changed file: %v, want an error naming %s", err, key)
	}
	if tg.blobs.Exists(key) {
		t.Error("the changed file reached the bucket")
	}
	var n int64
	if err := tg.pg.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM messages)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("target rows after the failure: %d %v", n, err)
	}

	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	sum, err := migrate(s, tg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Copied == 0 || sum.Copied == sum.Files {
		t.Errorf("resumed run sent %d of %d files; want only those the first run had not", sum.Copied, sum.Files)
	}
}

// A file that changed in the bucket after it was sent is found by the
// verification, which names it, and the database is left empty.
func TestCopy_bucketCopyCheckedBeforeCommit(t *testing.T) {
	s := buildSource(t, 0)
	tg := newTarget(t)
	ctx := context.Background()
	keys, err := func() ([]string, error) {
		tx, err := s.bed.Store.DB().Begin()
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		return sourceKeys(ctx, tx)
	}()
	if err != nil || len(keys) == 0 {
		t.Fatal(keys, err)
	}
	key := keys[0]
	// the object is in the bucket already but its bytes are wrong: the
	// copy skips it (it is there) and the read-back must catch it
	if _, _, err := tg.blobs.Put(ctx, bytes.NewReader(read(t, s.bed.Blobs, key))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tg.gw.ObjectPath("blob/"+key[:2]+"/"+key[2:4]+"/"+key), []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = migrate(s, tg)
	if err == nil || !strings.Contains(err.Error(), key) {
		t.Fatalf("copy over a tampered object: %v, want an error naming %s", err, key)
	}
	var n int64
	if err := tg.pg.Pool().QueryRow(ctx, `SELECT count(*) FROM domains`).Scan(&n); err != nil || n != 0 {
		t.Errorf("target domains after the failure: %d %v", n, err)
	}
}

// Data of another installation in the target is refused, named.
func TestCopy_refusesATargetWithOtherData(t *testing.T) {
	s := buildSource(t, 0)
	tg := newTarget(t)
	ctx := context.Background()
	if err := tg.pg.CreateDomain(ctx, &store.Domain{Name: "other.test"}); err != nil {
		t.Fatal(err)
	}
	_, err := migrate(s, tg)
	if !errors.Is(err, ErrTargetNotEmpty) || !strings.Contains(err.Error(), "domains: 1 rows") {
		t.Fatalf("copy into a used database: %v", err)
	}
}

func TestConvert(t *testing.T) {
	for _, c := range []struct {
		in     any
		pgType string
		want   any
		bad    bool
	}{
		{int64(1), "boolean", true, false},
		{int64(0), "boolean", false, false},
		{int64(4294967295), "bigint", int64(4294967295), false},
		{"분기", "text", "분기", false},
		{[]byte("x"), "text", "x", false},
		{"a\x00b", "text", nil, true},
		{string([]byte{0xff}), "text", nil, true},
		{"pem", "bytea", []byte("pem"), false},
		{int64(3), "double precision", float64(3), false},
		{"x", "boolean", nil, true},
		{nil, "bigint", nil, false},
		{int64(1), "tsvector", nil, true},
	} {
		got, err := convert(c.in, c.pgType)
		if (err != nil) != c.bad || !c.bad && !reflect.DeepEqual(got, c.want) {
			t.Errorf("convert(%#v, %s) = %#v, %v", c.in, c.pgType, got, err)
		}
	}
}

// reindexTarget makes the terms of every message the copy left with an
// empty index row, as `postroom migrate` does after the copy, and checks
// that Unindexed named every message before and none after.
func reindexTarget(t *testing.T, s *source, tg *target) {
	t.Helper()
	ctx := context.Background()
	list, err := Unindexed(ctx, tg.pg)
	if err != nil {
		t.Fatal(err)
	}
	before := map[int64]UnindexedAccount{}
	for _, u := range list {
		before[u.ID] = u
	}
	svc := &mail.Service{Store: tg.pg, Blobs: tg.blobs}
	for _, a := range s.accounts {
		u, err := s.bed.Store.Usage(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := before[a.ID]; got.Messages != u.Messages || got.Address != a.Address() {
			t.Errorf("%s: %d messages unindexed after the copy, named %q; want all %d", a.Address(), got.Messages, got.Address, u.Messages)
		}
		if _, err := svc.Reindex(ctx, actor.User(a)); err != nil {
			t.Fatal(err)
		}
	}
	if after, err := Unindexed(ctx, tg.pg); err != nil || len(after) != 0 {
		t.Errorf("unindexed after the reindex: %v %v", after, err)
	}
}

// searchIDs is the ids of the messages a search of the account for q
// finds, by mailbox, as text.
func searchIDs(t *testing.T, st store.Store, accountID int64, q string) string {
	t.Helper()
	res, err := st.Search(context.Background(), accountID, store.SearchQuery{Text: search.Parse(q), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range res.Messages {
		ids = append(ids, fmt.Sprintf("%d/%d", m.MailboxID, m.ID))
	}
	slices.Sort(ids)
	return fmt.Sprintf("%d %v", res.Total, ids)
}
