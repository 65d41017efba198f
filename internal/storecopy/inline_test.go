package storecopy

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// Messages a single node keeps in its database (blob.Inline, issue 21)
// arrive in the cluster's bucket like its files, read by key through the
// source's blob store; the table that held them is not a table of the
// target, and the target checks clean.
func TestCopy_messagesKeptInTheDatabaseArriveInTheBucket(t *testing.T) {
	s := buildSource(t, 0)
	ctx := context.Background()
	kept := blob.NewInline(s.bed.Store, s.bed.Blobs) // as cmd/postroom wires a single node
	svc := &mail.Service{Store: s.bed.Store, Blobs: kept, MaxMessageSize: 1 << 20}
	lee := actor.User(s.accounts[1])
	var msgs []*store.Message
	for i := range 3 {
		raw := plainMail(500+i) + strings.Repeat("열 킬로바이트 ", 600) + "\r\n"
		m, err := svc.AppendRaw(ctx, lee, mail.RawMessage{Role: store.RoleInbox, Body: strings.NewReader(raw),
			InternalDate: time.Date(2026, 11, 6, 1, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if s.bed.Blobs.Exists(m.BlobKey) {
			t.Fatalf("message %d of %d bytes is a file, not kept in the database", i, len(raw))
		}
		msgs = append(msgs, m)
	}

	tg := newTarget(t)
	sum, err := Copy(ctx, Source{DB: s.bed.Store.DB(), Blobs: kept}, tg.dst(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range sum.Tables {
		if tc.Name == inlineBlobs {
			t.Errorf("%s was copied as a table (%d rows)", inlineBlobs, tc.Rows)
		}
	}
	for _, m := range msgs {
		if got, want := read(t, tg.blobs, m.BlobKey), read(t, kept, m.BlobKey); !bytes.Equal(got, want) {
			t.Errorf("message %d: the bucket has %d bytes, the source %d", m.ID, len(got), len(want))
		}
	}
	compareMailboxesThrough(t, s, tg, kept, s.accounts[1].ID)
	if problems, err := tg.pg.CheckConsistency(ctx); err != nil || len(problems) > 0 {
		t.Errorf("target consistency: %v %v", problems, err)
	}
	if again, err := Copy(ctx, Source{DB: s.bed.Store.DB(), Blobs: kept}, tg.dst(), Options{}); err != nil || !again.AlreadyDone {
		t.Errorf("a second run over the copy: %+v %v", again, err)
	}
}

// compareMailboxesThrough checks that every message of the account reads
// the same from the source's blob store (files and database) and the
// bucket.
func compareMailboxesThrough(t *testing.T, s *source, tg *target, src blob.Store, accountID int64) {
	t.Helper()
	ctx := context.Background()
	boxes, err := s.bed.Store.Mailboxes(ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	for _, mb := range boxes {
		err := s.bed.Store.Messages(ctx, accountID, mb.ID, func(m *store.Message) error {
			if !bytes.Equal(read(t, src, m.BlobKey), read(t, tg.blobs, m.BlobKey)) {
				t.Errorf("mailbox %s uid %d: message differs", mb.Name, m.UID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
