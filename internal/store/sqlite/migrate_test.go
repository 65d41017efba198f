package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postroom/internal/search"
	"postroom/internal/store"
)

// openAt makes a database of the first version migrations holding the rows
// stmts insert, then opens it as the server would, migrating it.
func openAt(t *testing.T, version int, stmts ...string) *Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	stmts = append(append(migrations[:version:version], fmt.Sprintf("PRAGMA user_version = %d", version)), stmts...)
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A queue written by the first schema survives the move to per-recipient
// rows: nothing acknowledged is lost across an upgrade.
func TestMigrate_oldQueueRowsBecomeRecipients(t *testing.T) {
	s := openAt(t, 3,
		`INSERT INTO queue (id, account_id, mail_from, recipients, blob_key, size, created_at, next_try, attempts, last_error)
		 VALUES (7, 0, 'a@example.test', '["x@remote.test","y@remote.test"]', 'k', 10, 1, 2, 1, '451 later')`,
		`INSERT INTO blobs (key, refs) VALUES ('k', 1)`)
	q, err := s.QueuedMessage(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintln(q.From, len(q.Recipients), q.Recipients[0].Address, q.Recipients[1].Address, q.Recipients[1].Attempts, q.Recipients[1].LastError)
	if got != "a@example.test 2 x@remote.test y@remote.test 1 451 later\n" {
		t.Fatalf("migrated: %s", got)
	}
	if p, _ := s.CheckConsistency(context.Background()); len(p) != 0 {
		t.Fatal(p)
	}
}

// The index table is made with the tokenizer internal/search writes its
// terms for; the two must not drift apart.
func TestSchema_searchTokenizerIsTheSearchPackages(t *testing.T) {
	found := false
	for _, m := range migrations {
		if strings.Contains(m, "USING fts5(") {
			found = strings.Contains(m, fts5Tokenize)
		}
	}
	if !found {
		t.Fatalf("message_index is not made with %q", fts5Tokenize)
	}
}

// Mail stored before base_subject existed threads like new mail: the
// migration fills the column with store.BaseSubject, and a row whose
// envelope cannot be read does not stop the upgrade.
func TestMigrate_oldMessagesGetTheirBaseSubject(t *testing.T) {
	date := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := openAt(t, 6, // the migrations before base_subject
		`INSERT INTO domains (id, name, language, time_zone, created_at) VALUES (1, 'example.test', 'ko', 'Asia/Seoul', 0)`,
		`INSERT INTO accounts (id, domain_id, local_part, created_at) VALUES (1, 1, 'alice', 0)`,
		`INSERT INTO mailboxes (id, account_id, name, role, uid_validity, uid_next, created_at) VALUES (1, 1, 'INBOX', 'inbox', 1, 3, 0)`,
		fmt.Sprintf(`INSERT INTO messages (id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, envelope, thread_id)
		 VALUES (5, 1, 1, 1, 1, 'k1', 1, %d, '{"subject":"RE:  견적서   송부"}', 5), (6, 1, 1, 2, 1, 'k2', 1, %[1]d, 'not json', 6)`,
			date.UnixNano()))
	m, err := s.AppendMessage(context.Background(), &store.NewMessage{AccountID: 1, MailboxID: 1, BlobKey: "k3", Size: 1,
		InternalDate: date.Add(time.Hour), Envelope: store.Envelope{Subject: "회신: 견적서 송부"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.ThreadID != 5 {
		t.Fatalf("reply to a message stored before the upgrade: thread %d, want 5", m.ThreadID)
	}
}

// Index rows written before searches were kept to one account still find
// their messages after the upgrade, for their own account only.
func TestMigrate_oldIndexRowsCarryTheirAccount(t *testing.T) {
	s := openAt(t, 9, // the migrations before the acct column
		`INSERT INTO domains (id, name, language, time_zone, created_at) VALUES (1, 'example.test', 'ko', 'Asia/Seoul', 0)`,
		`INSERT INTO accounts (id, domain_id, local_part, created_at) VALUES (1, 1, 'alice', 0), (2, 1, 'bob', 0)`,
		`INSERT INTO mailboxes (id, account_id, name, role, uid_validity, uid_next, created_at) VALUES (1, 1, 'INBOX', 'inbox', 1, 2, 0), (2, 2, 'INBOX', 'inbox', 1, 2, 0)`,
		`INSERT INTO messages (id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, envelope, thread_id)
		 VALUES (5, 1, 1, 1, 1, 'k1', 1, 1, '{}', 5), (6, 2, 2, 1, 1, 'k2', 1, 1, '{}', 6)`,
		`INSERT INTO message_index (rowid, subject, from_addr, to_addr, body) VALUES (5, '견적 적서', '', '', ''), (6, '견적 적서', '', '', '')`)
	for acct, want := range map[int64]int64{1: 5, 2: 6} {
		r, err := s.Search(context.Background(), acct, store.SearchQuery{Text: search.Parse("견적")})
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != 1 || len(r.Messages) != 1 || r.Messages[0].ID != want {
			t.Fatalf("account %d: %+v", acct, r)
		}
	}
}

// Messages stored before opaque UIDLs keep the UIDL their POP3 clients
// already know, their id (a new one would make every "leave a copy on the
// server" client download the whole mailbox again), also after a move;
// messages stored after the upgrade get an opaque one.
func TestMigrate_oldMessagesKeepTheirUIDL(t *testing.T) {
	uidlVersion := len(migrations) - 1
	for i, m := range migrations {
		if strings.Contains(m, "ADD COLUMN pop3_uidl") {
			uidlVersion = i
		}
	}
	s := openAt(t, uidlVersion, // the migrations before pop3_uidl
		`INSERT INTO domains (id, name, language, time_zone, created_at) VALUES (1, 'example.test', 'ko', 'Asia/Seoul', 0)`,
		`INSERT INTO accounts (id, domain_id, local_part, created_at) VALUES (1, 1, 'alice', 0)`,
		`INSERT INTO mailboxes (id, account_id, name, role, uid_validity, uid_next, created_at)
		 VALUES (1, 1, 'INBOX', 'inbox', 1, 3, 0), (2, 1, 'Archive', 'archive', 1, 1, 0)`,
		`INSERT INTO messages (id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, envelope, thread_id)
		 VALUES (17, 1, 1, 1, 1, 'k1', 1, 1, '{}', 17), (4242, 1, 1, 2, 1, 'k2', 1, 1, '{}', 4242)`,
		`INSERT INTO blobs (key, refs) VALUES ('k1', 1), ('k2', 1)`)
	ctx := context.Background()
	uidls := func(mailboxID int64) map[int64]string {
		list, err := s.Listing(ctx, 1, mailboxID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]string{}
		for _, e := range list {
			out[e.ID] = e.UIDL
		}
		return out
	}
	if got := uidls(1); got[17] != "17" || got[4242] != "4242" {
		t.Fatalf("UIDLs after the upgrade: %v, want 17 and 4242 as before", got)
	}
	_, dst, err := s.MoveMessages(ctx, 1, 1, 2, []uint32{2})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.MoveMessages(ctx, 1, 2, 1, dst); err != nil {
		t.Fatal(err)
	}
	m, err := s.AppendMessage(ctx, &store.NewMessage{AccountID: 1, MailboxID: 1, BlobKey: "k3", Size: 1, InternalDate: time.Unix(2, 0)})
	if err != nil {
		t.Fatal(err)
	}
	got := uidls(1)
	if got[4242] != "4242" {
		t.Errorf("UIDL of an old message moved out and back: %q, want 4242", got[4242])
	}
	if u := got[m.ID]; u == "" || u == fmt.Sprint(m.ID) {
		t.Errorf("UIDL of a message stored after the upgrade: %q, want an opaque one", u)
	}
}
