package sqlite

import (
	"fmt"
	"strings"
	"testing"

	"postroom/internal/store"
)

// The scanning connections map the file and cannot write; the writers'
// connections do not map it (scan.go says why).
func TestScan_connectionsMapTheFileAndDoNotWrite(t *testing.T) {
	ctx := t.Context()
	s, _, inboxID := matchStore(t)
	var mapped, queryOnly int64
	if err := s.scan.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&mapped); err != nil {
		t.Fatal(err)
	}
	if err := s.scan.QueryRowContext(ctx, `PRAGMA query_only`).Scan(&queryOnly); err != nil {
		t.Fatal(err)
	}
	if mapped != scanMmap || queryOnly != 1 {
		t.Errorf("a scanning connection maps %d bytes, query_only %d; want %d and 1", mapped, queryOnly, scanMmap)
	}
	if _, err := s.scan.ExecContext(ctx, `DELETE FROM envelope_match WHERE mailbox_id = ?`, inboxID); err == nil {
		t.Error("a scanning connection deleted rows")
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&mapped); err != nil {
		t.Fatal(err)
	}
	if mapped != 0 {
		t.Errorf("the writers' connections map %d bytes of the file, want none", mapped)
	}
}

// A scan sees what was committed just before it on the writers'
// connections: a search finds the message its client has just appended.
func TestScan_seesTheLastCommit(t *testing.T) {
	ctx := t.Context()
	s, accountID, inboxID := matchStore(t)
	keys := []store.EnvelopeKey{{Field: store.MatchSubject, Value: "결재"}}
	for i := range 20 {
		m, err := s.AppendMessage(ctx, &store.NewMessage{AccountID: accountID, MailboxID: inboxID, BlobKey: fmt.Sprintf("blob-%d", i), Size: 10,
			Envelope: store.Envelope{Subject: fmt.Sprintf("결재 요청 %d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.EnvelopeMatch(ctx, accountID, inboxID, m.UID-1, keys)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != m.UID {
			t.Fatalf("EnvelopeMatch after UID %d = %v, want [%d]", m.UID-1, got, m.UID)
		}
	}
}

// Whether a mailbox has rows without texts is answered from their own
// index, which new messages never enter, while the matching scans the
// mailbox's rows by their key.
func TestEnvelopeMatch_asksTheUnfilledIndexNotEveryRow(t *testing.T) {
	ctx := t.Context()
	s, accountID, inboxID := matchStore(t)
	for i := range 5 {
		if _, err := s.AppendMessage(ctx, &store.NewMessage{AccountID: accountID, MailboxID: inboxID, BlobKey: fmt.Sprintf("blob-%d", i), Size: 10,
			Envelope: store.Envelope{Subject: "회의"}}); err != nil {
			t.Fatal(err)
		}
	}
	var unfilled int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM envelope_match INDEXED BY envelope_match_unfilled WHERE subject IS NULL`).Scan(&unfilled); err != nil {
		t.Fatal(err)
	}
	if unfilled != 0 {
		t.Errorf("new messages put %d rows in envelope_match_unfilled", unfilled)
	}
	cond, args, err := matchWhere([]store.EnvelopeKey{{Field: store.MatchFrom, Value: "kim"}})
	if err != nil {
		t.Fatal(err)
	}
	plan := queryPlan(t, s.scan, envelopeMatchQuery(cond), append([]any{inboxID, 0}, args...)...)
	if !strings.Contains(plan, "USING COVERING INDEX envelope_match_unfilled") && !strings.Contains(plan, "USING INDEX envelope_match_unfilled") {
		t.Errorf("the plan does not ask envelope_match_unfilled:\n%s", plan)
	}
	if !strings.Contains(plan, "USING PRIMARY KEY (mailbox_id=? AND uid>?)") {
		t.Errorf("the plan does not scan the mailbox by its key:\n%s", plan)
	}
}
