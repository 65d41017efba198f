package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"postroom/internal/search"
)

// A queue written by the first schema survives the move to per-recipient
// rows: nothing acknowledged is lost across an upgrade.
func TestMigrate_oldQueueRowsBecomeRecipients(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range migrations[:3] {
		if _, err := db.Exec(m); err != nil {
			t.Fatal(err)
		}
	}
	stmts := []string{
		`PRAGMA user_version = 3`,
		`INSERT INTO queue (id, account_id, mail_from, recipients, blob_key, size, created_at, next_try, attempts, last_error)
		 VALUES (7, 0, 'a@example.test', '["x@remote.test","y@remote.test"]', 'k', 10, 1, 2, 1, '451 later')`,
		`INSERT INTO blobs (key, refs) VALUES ('k', 1)`,
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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
			found = strings.Contains(m, `tokenize = "`+search.FTS5Tokenizer+`"`)
		}
	}
	if !found {
		t.Fatalf("message_index is not made with tokenize = %q", search.FTS5Tokenizer)
	}
}
