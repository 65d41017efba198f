package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// Statistics are gathered only once there is something to measure: stats
// of an empty messages table would mislead the planner while it fills.
func TestOptimize_onlyOnceTheTableHasGrown(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stats := func() int {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := s.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if stats() != 0 {
		t.Fatal("an empty database got planner statistics")
	}
	for _, q := range []string{
		`INSERT INTO domains (id, name, language, time_zone, created_at) VALUES (1, 'example.test', 'ko', 'Asia/Seoul', 0)`,
		`INSERT INTO accounts (id, domain_id, local_part, created_at) VALUES (1, 1, 'alice', 0)`,
		`INSERT INTO mailboxes (id, account_id, name, role, uid_validity, uid_next, created_at) VALUES (1, 1, 'INBOX', 'inbox', 1, 2, 0)`,
		`INSERT INTO messages (id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, envelope, thread_id)
		 VALUES (6000, 1, 1, 1, 1, 'k', 1, 1, '{}', 6000)`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if stats() != 1 {
		t.Fatal("a grown database got no planner statistics")
	}
}
