package sqlite

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"postroom/internal/store"
)

// matchStore opens a new store with one account and returns its inbox.
func matchStore(tb testing.TB) (*Store, int64, int64) {
	ctx := tb.Context()
	s, err := Open(filepath.Join(tb.TempDir(), "postroom.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	d := &store.Domain{Name: "example.com", Language: "ko", TimeZone: "Asia/Seoul"}
	if err := s.CreateDomain(ctx, d); err != nil {
		tb.Fatal(err)
	}
	a := &store.Account{DomainID: d.ID, LocalPart: "alice", PasswordHash: "x", Enabled: true, ClientAccess: true, Language: "ko", TimeZone: "Asia/Seoul"}
	if err := s.CreateAccount(ctx, a); err != nil {
		tb.Fatal(err)
	}
	in, err := s.MailboxByRole(ctx, a.ID, store.RoleInbox)
	if err != nil {
		tb.Fatal(err)
	}
	return s, a.ID, in.ID
}

// TestEnvelopeMatchFillsRowsWithoutTexts: messages stored before
// envelope_match existed have rows without texts (the migration's
// backfill); the first EnvelopeMatch of their mailbox fills them from
// the stored envelopes and answers as if they had been there, copies
// included.
func TestEnvelopeMatchFillsRowsWithoutTexts(t *testing.T) {
	ctx := t.Context()
	s, accountID, inboxID := matchStore(t)
	// more than one fill batch, every third a meeting from Kim
	const n = fillBatch + 7
	var want []uint32
	for i := range n {
		env := store.Envelope{Subject: fmt.Sprintf("주간 보고 %d", i), From: []store.Address{{Name: "Lee", Addr: "lee@example.org"}}}
		if i%3 == 0 {
			env = store.Envelope{Subject: fmt.Sprintf("팀 회의 %d", i), From: []store.Address{{Name: "Kim Jisoo", Addr: "jisoo@example.org"}}}
		}
		m, err := s.AppendMessage(ctx, &store.NewMessage{AccountID: accountID, MailboxID: inboxID, BlobKey: fmt.Sprintf("blob-%d", i), Size: 10, Envelope: env})
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			want = append(want, m.UID)
		}
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE envelope_match SET subject=NULL, from_text=NULL, to_text=NULL, cc_text=NULL, bcc_text=NULL`); err != nil {
		t.Fatal(err)
	}
	work, err := s.CreateMailbox(ctx, accountID, "Work")
	if err != nil {
		t.Fatal(err)
	}
	_, copied, err := s.CopyMessages(ctx, accountID, inboxID, work.ID, want[:2]) // copies of rows without texts
	if err != nil {
		t.Fatal(err)
	}
	keys := []store.EnvelopeKey{{Field: store.MatchSubject, Value: "회의"}, {Field: store.MatchFrom, Value: "KIM"}}
	for _, c := range []struct {
		mailbox int64
		want    []uint32
	}{{inboxID, want}, {work.ID, copied}} {
		got, err := s.EnvelopeMatch(ctx, accountID, c.mailbox, 0, keys)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("mailbox %d: EnvelopeMatch = %v, want %v", c.mailbox, got, c.want)
		}
	}
	var left int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM envelope_match WHERE subject IS NULL`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d rows still without texts", left)
	}
}
