package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// imapColumnsVersion is the schema version before save_date, sent_day and
// refs existed.
func imapColumnsVersion(t *testing.T) int {
	for i, m := range migrations {
		if strings.Contains(m, "ADD COLUMN save_date") {
			return i
		}
	}
	t.Fatal("no migration adds save_date")
	return 0
}

// Mail stored before the IMAP columns gets its internal date as save
// date and the UTC day of its stored Date as sent day; a row without a
// Date, or whose envelope cannot be read, gets no sent day and does not
// stop the upgrade.
func TestMigrate_oldMessagesGetSaveDateAndSentDay(t *testing.T) {
	internal := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := openAt(t, imapColumnsVersion(t),
		`INSERT INTO domains (id, name, language, time_zone, created_at) VALUES (1, 'example.test', 'ko', 'Asia/Seoul', 0)`,
		`INSERT INTO accounts (id, domain_id, local_part, created_at) VALUES (1, 1, 'alice', 0)`,
		`INSERT INTO mailboxes (id, account_id, name, role, uid_validity, uid_next, created_at) VALUES (1, 1, 'INBOX', 'inbox', 1, 4, 0)`,
		fmt.Sprintf(`INSERT INTO messages (id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, envelope, thread_id)
		 VALUES (5, 1, 1, 1, 1, 'k1', 1, %d, '{"date":"2007-03-24T22:00:00Z","subject":"s"}', 5),
		 (6, 1, 1, 2, 1, 'k2', 1, %[1]d, '{"date":"0001-01-01T00:00:00Z"}', 6),
		 (7, 1, 1, 3, 1, 'k3', 1, %[1]d, 'not json', 7)`, internal.UnixNano()))
	ctx := context.Background()
	idx, err := s.MailboxIndex(ctx, 1, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range idx {
		if !x.SaveDate.Equal(internal) {
			t.Errorf("UID %d: save date %v, want its internal date %v", x.UID, x.SaveDate, internal)
		}
	}
	var days []int
	rows, err := s.db.QueryContext(ctx, `SELECT sent_day FROM messages ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var d int
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		days = append(days, d)
	}
	// the stored date is UTC: 24 March, one day off the 25 March the
	// header (+0200) said; new mail keeps the day as written
	if fmt.Sprint(days) != "[20070324 0 0]" {
		t.Errorf("sent days %v, want [20070324 0 0]", days)
	}
}

// The whole-mailbox listing is read from the covering index alone: the
// table rows carry every message's envelope and preview, and reading
// them was most of a UID FETCH 1:* FLAGS.
func TestMailboxIndex_readsTheCoveringIndexOnly(t *testing.T) {
	s := openAt(t, len(migrations))
	if got := queryPlan(t, s.db, mailboxIndexQuery, 1, 0); !strings.Contains(got, "COVERING INDEX messages_mailbox_state") || strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("MailboxIndex query plan: %s", got)
	}
}

// queryPlan is SQLite's plan for query on db, its steps joined by "; ".
func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
