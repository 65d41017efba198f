package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"postroom/internal/search"
	"postroom/internal/store"
)

// indexFixture is a store with one account (1) holding mailboxes 1 and 2,
// and a second account (2) with mailbox 3.
func indexFixture(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, q := range []string{
		`INSERT INTO domains (id, name, language, time_zone, created_at) VALUES (1, 'example.test', 'ko', 'Asia/Seoul', 0)`,
		`INSERT INTO accounts (id, domain_id, local_part, created_at) VALUES (1, 1, 'alice', 0), (2, 1, 'bob', 0)`,
		`INSERT INTO mailboxes (id, account_id, name, role, uid_validity, uid_next, created_at)
		 VALUES (1, 1, 'INBOX', 'inbox', 1, 1, 0), (2, 1, 'Archive', '', 1, 1, 0), (3, 2, 'INBOX', 'inbox', 1, 1, 0)`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// appendIndexed stores a message whose body terms are those of body.
func appendIndexed(t *testing.T, s *Store, accountID, mailboxID int64, body string) *store.Message {
	t.Helper()
	m, err := s.AppendMessage(context.Background(), &store.NewMessage{AccountID: accountID, MailboxID: mailboxID,
		BlobKey: fmt.Sprintf("k-%d-%s", mailboxID, body), Size: 10, InternalDate: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Index: store.IndexText{Body: search.Terms(body)}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// uidsFound is SearchUIDs of mailboxID for words.
func uidsFound(t *testing.T, s *Store, accountID, mailboxID int64, words string) []uint32 {
	t.Helper()
	uids, err := s.SearchUIDs(context.Background(), accountID, mailboxID, store.SearchQuery{Text: search.Parse(words)})
	if err != nil {
		t.Fatal(err)
	}
	return uids
}

// indexRows lists the rowids of message_index, once the rows listed gone
// are deleted as the indexer's next pass does (index_file.go): a
// contentless table still answers a scan of its rowids.
func indexRows(t *testing.T, s *Store) []int64 {
	t.Helper()
	if err := s.WriteIndexRows(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ids, err := queryAll(context.Background(), s.db, func(row scanner) (*int64, error) {
		var id int64
		return &id, row.Scan(&id)
	}, `SELECT rowid FROM message_index ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// rowMatches reports whether index row id answers the MATCH expression:
// the terms themselves are not kept to be read back.
func rowMatches(t *testing.T, s *Store, id int64, match string) bool {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM message_index WHERE message_index MATCH ? AND rowid = ?`, match, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func consistent(t *testing.T, s *Store) {
	t.Helper()
	if p, err := s.CheckConsistency(context.Background()); err != nil || len(p) != 0 {
		t.Fatalf("CheckConsistency: %v %q", err, p)
	}
}

// A copy is found in its new mailbox through the row it shares with its
// source, and still once the source is expunged; the row goes with the
// last message naming it.
func TestIndex_copySharesItsSourcesRow(t *testing.T) {
	ctx := context.Background()
	s := indexFixture(t)
	m := appendIndexed(t, s, 1, 1, "주간보고 초안")
	appendIndexed(t, s, 1, 1, "other words")
	_, dst, err := s.CopyMessages(ctx, 1, 1, 2, []uint32{m.UID})
	if err != nil || len(dst) != 1 {
		t.Fatalf("copy: %v %v", dst, err)
	}
	if got := uidsFound(t, s, 1, 2, "주간보고"); !slices.Equal(got, dst) {
		t.Fatalf("copy in its new mailbox: found %v, want %v", got, dst)
	}
	if got := indexRows(t, s); len(got) != 2 {
		t.Fatalf("index rows after a copy: %v, want the two messages' only", got)
	}
	res, err := s.Search(ctx, 1, store.SearchQuery{Text: search.Parse("주간보고")})
	if err != nil || res.Total != 2 || res.ByMailbox[1] != 1 || res.ByMailbox[2] != 1 {
		t.Fatalf("search of the account: %+v %v", res, err)
	}
	consistent(t, s)

	if _, err := s.Expunge(ctx, 1, 1, []uint32{m.UID}); err != nil {
		t.Fatal(err)
	}
	if got := uidsFound(t, s, 1, 2, "주간보고"); !slices.Equal(got, dst) {
		t.Fatalf("copy after its source was expunged: found %v, want %v", got, dst)
	}
	if !rowMatches(t, s, m.ID, "acct : a1 AND 주간") {
		t.Fatal("the shared row went with the source")
	}
	consistent(t, s)

	if _, err := s.Expunge(ctx, 1, 2, dst); err != nil {
		t.Fatal(err)
	}
	if got := indexRows(t, s); slices.Contains(got, m.ID) || len(got) != 1 {
		t.Fatalf("index rows after the last sharer went: %v", got)
	}
	consistent(t, s)
}

// Deleting a mailbox keeps the rows its copies elsewhere share and frees
// the others; deleting the account frees every row of its mail and no
// other account's.
func TestIndex_mailboxAndAccountDeletionFreeUnsharedRows(t *testing.T) {
	ctx := context.Background()
	s := indexFixture(t)
	shared := appendIndexed(t, s, 1, 2, "shared words")
	alone := appendIndexed(t, s, 1, 2, "alone words")
	bobs := appendIndexed(t, s, 2, 3, "shared words")
	if _, _, err := s.CopyMessages(ctx, 1, 2, 1, []uint32{shared.UID}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMailbox(ctx, 1, 2); err != nil {
		t.Fatal(err)
	}
	if got, want := indexRows(t, s), []int64{shared.ID, bobs.ID}; !slices.Equal(got, want) {
		t.Fatalf("index rows after the mailbox went: %v, want %v (not %d)", got, want, alone.ID)
	}
	if got := uidsFound(t, s, 1, 1, "shared"); len(got) != 1 {
		t.Fatalf("copy after its source's mailbox went: %v", got)
	}
	consistent(t, s)
	if err := s.DeleteAccount(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got, want := indexRows(t, s), []int64{bobs.ID}; !slices.Equal(got, want) {
		t.Fatalf("index rows after the account went: %v, want %v", got, want)
	}
	if got := uidsFound(t, s, 2, 3, "shared"); len(got) != 1 {
		t.Fatalf("another account's mail after an account went: %v", got)
	}
	consistent(t, s)
}

// Reindexing a copy rewrites the row its source shares: both are found by
// the new terms, neither by the old, and both carry the new facet.
func TestIndex_setIndexOfACopyRewritesTheSharedRow(t *testing.T) {
	ctx := context.Background()
	s := indexFixture(t)
	m := appendIndexed(t, s, 1, 1, "before")
	_, dst, err := s.CopyMessages(ctx, 1, 1, 2, []uint32{m.UID})
	if err != nil {
		t.Fatal(err)
	}
	var copyID int64
	if err := s.db.QueryRow(`SELECT id FROM messages WHERE mailbox_id = 2 AND uid = ?`, dst[0]).Scan(&copyID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetIndex(ctx, 1, copyID, store.IndexText{Body: search.Terms("after"), HasAttachment: true}); err != nil {
		t.Fatal(err)
	}
	for _, mb := range []int64{1, 2} {
		if len(uidsFound(t, s, 1, mb, "after")) != 1 || len(uidsFound(t, s, 1, mb, "before")) != 0 {
			t.Fatalf("mailbox %d after the copy was reindexed", mb)
		}
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM messages WHERE has_attachment = 1`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("messages with the new facet: %d %v", n, err)
	}
	if err := s.SetIndex(ctx, 2, copyID, store.IndexText{}); err != store.ErrNotFound {
		t.Fatalf("SetIndex of another account's message: %v", err)
	}
	consistent(t, s)
}

// The consistency checks still see a row filed under the wrong account,
// a message without a row and a row without a message.
func TestIndex_consistencyFindsMisfiledMissingAndOrphanRows(t *testing.T) {
	s := indexFixture(t)
	m := appendIndexed(t, s, 1, 1, "words")
	n := appendIndexed(t, s, 1, 1, "more words")
	for _, q := range []string{
		fmt.Sprintf(`DELETE FROM message_index WHERE rowid = %d`, m.ID),
		fmt.Sprintf(`INSERT INTO message_index (rowid, subject, from_addr, to_addr, body, acct) VALUES (%d, '', '', '', 'words', 'a1')`, m.ID+1000),
		fmt.Sprintf(`DELETE FROM message_index WHERE rowid = %d`, n.ID),
		fmt.Sprintf(`INSERT INTO message_index (rowid, subject, from_addr, to_addr, body, acct) VALUES (%d, '', '', '', 'words', 'a2')`, n.ID),
	} {
		if _, err := s.words.Exec(q); err != nil { // the index file's one writer
			t.Fatal(err)
		}
	}
	p, err := s.CheckConsistency(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(p, "\n")
	for _, want := range []string{
		fmt.Sprintf("message %d: not in the search index", m.ID),
		fmt.Sprintf("search index row %d: no message", m.ID+1000),
		fmt.Sprintf("search index row %d: not filed under account 1", n.ID),
	} {
		if !strings.Contains(all, want) {
			t.Errorf("CheckConsistency misses %q:\n%s", want, all)
		}
	}
	if len(p) != 3 {
		t.Errorf("CheckConsistency: %d problems, want 3:\n%s", len(p), all)
	}
	// a reindex writes the missing row and refiles the misfiled one
	for _, id := range []int64{m.ID, n.ID} {
		if err := s.SetIndex(context.Background(), 1, id, store.IndexText{Body: search.Terms("words")}); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := s.CheckConsistency(context.Background()); err != nil || len(p) != 1 || !strings.Contains(p[0], ": no message") {
		t.Errorf("CheckConsistency after the reindex: %q %v", p, err)
	}
}

// contentlessMigration is the index of the migration that makes the
// search index contentless.
func contentlessMigration(t *testing.T) int {
	t.Helper()
	i := slices.IndexFunc(migrations, func(m string) bool { return strings.Contains(m, "contentless_delete = 1") })
	if i < 0 {
		t.Fatal("no migration makes the search index contentless")
	}
	return i
}

// A database of the previous schema, whose index keeps its content, comes
// out of the upgrade with a contentless index that finds every message
// (for its own account only, and with its phrase positions), each message
// naming its own row, and consistent.
func TestMigrate_contentlessIndexKeepsEveryMessageSearchable(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, contentlessMigration(t),
		`INSERT INTO domains (id, name, language, time_zone, created_at) VALUES (1, 'example.test', 'ko', 'Asia/Seoul', 0)`,
		`INSERT INTO accounts (id, domain_id, local_part, created_at) VALUES (1, 1, 'alice', 0), (2, 1, 'bob', 0)`,
		`INSERT INTO mailboxes (id, account_id, name, role, uid_validity, uid_next, created_at)
		 VALUES (1, 1, 'INBOX', 'inbox', 1, 3, 0), (2, 2, 'INBOX', 'inbox', 1, 2, 0)`,
		`INSERT INTO messages (id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, envelope, thread_id)
		 VALUES (5, 1, 1, 1, 1, 'k1', 1, 1, '{}', 5), (6, 1, 1, 2, 1, 'k2', 1, 1, '{}', 6), (7, 2, 2, 1, 1, 'k3', 1, 1, '{}', 7)`,
		`INSERT INTO blobs (key, refs) VALUES ('k1', 1), ('k2', 1), ('k3', 1)`,
		`UPDATE accounts SET used_bytes = 2, used_messages = 2 WHERE id = 1`,
		`UPDATE accounts SET used_bytes = 1, used_messages = 1 WHERE id = 2`,
		`UPDATE domains SET used_bytes = 3`,
		fmt.Sprintf(`INSERT INTO message_index (rowid, subject, from_addr, to_addr, body, acct) VALUES
		 (5, '%s', '%s', '', '%s', 'a1'), (6, '', '', '', '%s', 'a1'), (7, '%[1]s', '', '', '', 'a2')`,
			search.Terms("견적서"), search.Terms("Kim <kim@example.co.kr>"), search.Terms("https://example.com/pay?id=42"),
			search.Terms("견적 보고")))
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'message_index%content'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("content table after the upgrade: %d %v", n, err)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM messages WHERE index_id != id`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("messages not naming their own index row: %d %v", n, err)
	}
	for _, c := range []struct {
		account int64
		query   string
		want    []int64
	}{
		{1, "견적", []int64{5, 6}}, {1, "견적서", []int64{5}}, {2, "견적서", []int64{7}},
		{1, "kim@example.co.kr", []int64{5}}, {1, "https://example.com/pay?id=42", []int64{5}}, {1, "보고", []int64{6}},
	} {
		res, err := s.Search(ctx, c.account, store.SearchQuery{Text: search.Parse(c.query)})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, m := range res.Messages {
			got = append(got, m.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("account %d, %q: found %v, want %v", c.account, c.query, got, c.want)
		}
	}
	consistent(t, s)
	// and the upgraded store goes on: a new message names its own row
	m := appendIndexed(t, s, 1, 1, "견적 새로")
	if m.ID != 8 || !rowMatches(t, s, 8, "acct : a1 AND 새로") {
		t.Fatalf("message stored after the upgrade: id %d", m.ID)
	}
	consistent(t, s)
}

// A new message's id, which is also its index row's, is never one given
// before, even when the newest message was expunged (AUTOINCREMENT's
// promise, which AppendMessage keeps by naming the id itself).
func TestAppend_idIsNeverGivenTwice(t *testing.T) {
	ctx := context.Background()
	s := indexFixture(t)
	a := appendIndexed(t, s, 1, 1, "first")
	if _, err := s.Expunge(ctx, 1, 1, []uint32{a.UID}); err != nil {
		t.Fatal(err)
	}
	b := appendIndexed(t, s, 1, 1, "second")
	if b.ID <= a.ID {
		t.Fatalf("id %d given again after %d was expunged", b.ID, a.ID)
	}
	if len(uidsFound(t, s, 1, 1, "first")) != 0 || len(uidsFound(t, s, 1, 1, "second")) != 1 {
		t.Fatal("the expunged message's terms are found, or the new one's not")
	}
	consistent(t, s)
}
