package sqlite

import (
	"context"
	"testing"
)

// The search index's merge setting (issue 21, see the last migrations)
// is in the table's own configuration, both in a new database and in one
// migrated with rows already indexed, which stay found.
func TestFTS5Automerge_setByMigration(t *testing.T) {
	ctx := context.Background()
	automerge := func(s *Store) int {
		t.Helper()
		var v int
		if err := s.db.QueryRowContext(ctx, `SELECT v FROM message_index_config WHERE k = 'automerge'`).Scan(&v); err != nil {
			t.Fatalf("automerge setting: %v", err)
		}
		return v
	}
	fresh := openAt(t, len(migrations))
	if got := automerge(fresh); got != 16 {
		t.Fatalf("new database: automerge %d, want 16", got)
	}
	old := openAt(t, len(migrations)-1,
		`INSERT INTO message_index (rowid, subject, from_addr, to_addr, body, acct) VALUES (5, '견적 적서', '', '', '', 'a1')`)
	if got := automerge(old); got != 16 {
		t.Fatalf("migrated database: automerge %d, want 16", got)
	}
	var n int
	if err := old.db.QueryRowContext(ctx, `SELECT count(*) FROM message_index WHERE message_index MATCH 'acct : a1 AND 견적'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("row indexed before the migration: %d found, %v", n, err)
	}
}
