package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"postroom/internal/search"
	"postroom/internal/store"
)

// The index's writer and the database's are two: the indexer writes its
// terms while an APPEND's transaction holds the database's writer, and an
// APPEND commits while the indexer's transaction is open. Each wait is
// bounded only so that a regression fails rather than hangs.
func TestIndexFile_itsWriterIsNotTheDatabases(t *testing.T) {
	s := indexFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	inside, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- s.write(ctx, func(*sql.Tx) error {
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside
	err := s.writeIndex(ctx, func(tx *sql.Tx) error {
		return insertIndexRow(ctx, tx, 900, 1, store.IndexText{Body: search.Terms("while held")})
	})
	close(release)
	if err != nil {
		t.Fatalf("the index's write while the database's writer is held: %v", err)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}

	open, done := make(chan struct{}), make(chan struct{})
	indexed := make(chan error, 1)
	go func() {
		indexed <- s.writeIndex(ctx, func(*sql.Tx) error {
			close(open)
			<-done
			return nil
		})
	}()
	<-open
	m, err := s.AppendMessage(ctx, &store.NewMessage{AccountID: 1, MailboxID: 1, BlobKey: "k-while-indexing", Size: 10,
		InternalDate: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), IndexLater: true})
	close(done)
	if err != nil {
		t.Fatalf("an APPEND while the index's transaction is open: %v", err)
	}
	if err := <-indexed; err != nil {
		t.Fatal(err)
	}
	if waiting, err := s.IndexWaiting(ctx, 1, 10); err != nil || len(waiting) != 1 || waiting[0].IndexID != m.ID {
		t.Fatalf("waiting after the APPEND: %+v %v", waiting, err)
	}
}

// A row written in the index whose waiting mark outlived it (a crash
// between the two commits) is written again whole: its first terms do
// not stay beside the second's.
func TestIndexFile_aRowWrittenAgainKeepsOnlyItsLastTerms(t *testing.T) {
	s := indexFixture(t)
	ctx := context.Background()
	m, err := s.AppendMessage(ctx, &store.NewMessage{AccountID: 1, MailboxID: 1, BlobKey: "k-again", Size: 10,
		InternalDate: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), IndexLater: true})
	if err != nil {
		t.Fatal(err)
	}
	// the index file's commit, and no more: the mark stays
	if err := s.writeIndex(ctx, func(tx *sql.Tx) error {
		return insertIndexRow(ctx, tx, m.ID, 1, store.IndexText{Body: search.Terms("첫째 first")})
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteIndexRows(ctx, []store.IndexRow{{IndexID: m.ID, AccountID: 1, Index: store.IndexText{Body: search.Terms("둘째 second")}}}); err != nil {
		t.Fatal(err)
	}
	if rowMatches(t, s, m.ID, "acct : a1 AND first") || !rowMatches(t, s, m.ID, "acct : a1 AND second") {
		t.Fatal("the row written again keeps terms of its first writing, or lacks its last")
	}
	consistent(t, s)
}

// An expunged message's row is listed gone in the expunge's transaction:
// searches stop finding the message at once, and the indexer's next pass
// deletes the row from the index file.
func TestIndexFile_anExpungedMessagesRowGoesWithTheNextPass(t *testing.T) {
	s := indexFixture(t)
	ctx := context.Background()
	m := appendIndexed(t, s, 1, 1, "사라질 vanishing")
	keep := appendIndexed(t, s, 1, 1, "남을 staying")
	if _, err := s.Expunge(ctx, 1, 1, []uint32{m.UID}); err != nil {
		t.Fatal(err)
	}
	if uids := uidsFound(t, s, 1, 1, "vanishing"); len(uids) != 0 {
		t.Fatalf("the expunged message is still found: %v", uids)
	}
	var gone int
	if err := s.db.QueryRow(`SELECT count(*) FROM message_index_gone WHERE index_id = ?`, m.ID).Scan(&gone); err != nil || gone != 1 {
		t.Fatalf("row %d listed gone: %d %v", m.ID, gone, err)
	}
	consistent(t, s)                                                  // a row listed gone is no problem
	if got := indexRows(t, s); !slices.Equal(got, []int64{keep.ID}) { // indexRows runs the pass
		t.Fatalf("index rows after the pass: %v, want %v", got, []int64{keep.ID})
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM message_index_gone`).Scan(&gone); err != nil || gone != 0 {
		t.Fatalf("rows still listed gone after the pass: %d %v", gone, err)
	}
	consistent(t, s)
}

// A store whose index file is new (a restored backup holds the database
// only) lists every message as waiting for its terms, and finds them once
// they are written.
func TestIndexFile_madeAnewListsEveryMessageWaiting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "p.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO domains (id, name, language, time_zone, created_at) VALUES (1, 'example.test', 'ko', 'Asia/Seoul', 0)`,
		`INSERT INTO accounts (id, domain_id, local_part, created_at) VALUES (1, 1, 'alice', 0)`,
		`INSERT INTO mailboxes (id, account_id, name, role, uid_validity, uid_next, created_at) VALUES (1, 1, 'INBOX', 'inbox', 1, 1, 0)`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	a := appendIndexed(t, s, 1, 1, "회의록 minutes")
	b := appendIndexed(t, s, 1, 1, "견적서 quote")
	s.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(indexPath(path) + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waiting, err := s.IndexWaiting(ctx, 0, 10)
	if err != nil || len(waiting) != 2 {
		t.Fatalf("waiting after the index file was made anew: %+v %v", waiting, err)
	}
	consistent(t, s)
	if err := s.WriteIndexRows(ctx, []store.IndexRow{
		{IndexID: a.ID, AccountID: 1, Index: store.IndexText{Body: search.Terms("회의록 minutes")}},
		{IndexID: b.ID, AccountID: 1, Index: store.IndexText{Body: search.Terms("견적서 quote")}},
	}); err != nil {
		t.Fatal(err)
	}
	if got := uidsFound(t, s, 1, 1, "회의록"); !slices.Equal(got, []uint32{a.UID}) {
		t.Fatalf("found %v, want %v", got, []uint32{a.UID})
	}
	consistent(t, s)
}

// The upgrade from the schema before the index's file: its rows are
// found in the file, the database keeps no index of its own, and the
// store goes on.
func TestIndexFile_anOlderDatabasesIndexIsMovedOut(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, len(migrations)-1,
		`INSERT INTO domains (id, name, language, time_zone, created_at) VALUES (1, 'example.test', 'ko', 'Asia/Seoul', 0)`,
		`INSERT INTO accounts (id, domain_id, local_part, created_at) VALUES (1, 1, 'alice', 0)`,
		`INSERT INTO mailboxes (id, account_id, name, role, uid_validity, uid_next, created_at) VALUES (1, 1, 'INBOX', 'inbox', 1, 3, 0)`,
		`INSERT INTO messages (id, index_id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, envelope, thread_id)
		 VALUES (5, 5, 1, 1, 1, 1, 'k1', 1, 1, '{}', 5), (6, 6, 1, 1, 2, 1, 'k2', 1, 1, '{}', 6)`,
		`INSERT INTO blobs (key, refs) VALUES ('k1', 1), ('k2', 1)`,
		`UPDATE accounts SET used_bytes = 2, used_messages = 2`,
		`UPDATE domains SET used_bytes = 2`,
		fmt.Sprintf(`INSERT INTO message_index (rowid, subject, from_addr, to_addr, body, acct) VALUES (5, '', '', '', '%s', 'a1'), (6, '', '', '', '%s', 'a1')`,
			search.Terms("회의록 minutes"), search.Terms("견적서 quote")))
	var inside int
	if err := s.db.QueryRow(`SELECT count(*) FROM main.sqlite_master WHERE name LIKE 'message_index%' AND name NOT IN ('message_index_waiting', 'message_index_gone') AND name NOT LIKE 'message_index_waiting%'`).Scan(&inside); err != nil || inside != 0 {
		t.Fatalf("index tables left in the database: %d %v", inside, err)
	}
	if got := uidsFound(t, s, 1, 1, "견적서"); !slices.Equal(got, []uint32{2}) {
		t.Fatalf("found %v after the upgrade, want [2]", got)
	}
	if w, err := s.IndexWaiting(ctx, 0, 10); err != nil || len(w) != 0 {
		t.Fatalf("waiting after the move: %+v %v", w, err)
	}
	consistent(t, s)
	m := appendIndexed(t, s, 1, 1, "새로 new")
	if !rowMatches(t, s, m.ID, "acct : a1 AND new") {
		t.Fatal("a message stored after the move is not in the index")
	}
}

// The index file's log is truncated once its writes stop, as the
// database's is.
func TestIndexFile_itsLogIsTruncatedWhenIdle(t *testing.T) {
	s := indexFixture(t)
	ctx := context.Background()
	appendIndexed(t, s, 1, 1, "words")
	wal := indexPath(s.path) + "-wal"
	if fi, err := os.Stat(wal); err != nil || fi.Size() == 0 {
		t.Fatalf("the index file's log before: %v %v", fi, err)
	}
	for range 2 { // the first call notes the log, the second finds it unchanged
		if _, err := s.CheckpointIfIdle(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(wal); err != nil || fi.Size() != 0 {
		t.Fatalf("the index file's log after two idle checks: %d bytes, %v", fi.Size(), err)
	}
}
