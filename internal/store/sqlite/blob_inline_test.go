package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"postroom/internal/blob"
	"postroom/internal/store"
	"postroom/internal/store/sqlite"
)

// inlineFixture is a store with kim@example.com and a 10 KB message for
// her Inbox, kept in the database.
func inlineFixture(t *testing.T) (*sqlite.Store, *store.NewMessage) {
	t.Helper()
	ctx := context.Background()
	st := open(t).(*sqlite.Store)
	d := &store.Domain{Name: "example.com"}
	if err := st.CreateDomain(ctx, d); err != nil {
		t.Fatal(err)
	}
	a := &store.Account{DomainID: d.ID, LocalPart: "kim", Enabled: true}
	if err := st.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	inbox, err := st.MailboxByRole(ctx, a.ID, store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("Subject: 회의\r\n\r\n" + strings.Repeat("열 킬로바이트 ", 500) + "\r\n")
	return st, &store.NewMessage{AccountID: a.ID, MailboxID: inbox.ID, BlobKey: blob.Key(content), Size: int64(len(content)),
		InternalDate: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), Content: content}
}

// The bytes are written in the message's own transaction: when it fails
// after they were written (here: the reference, refused by a trigger of
// the test's), nothing of them is left.
func TestInline_failedTransactionLeavesNoRow(t *testing.T) {
	ctx := context.Background()
	st, nm := inlineFixture(t)
	if _, err := st.DB().ExecContext(ctx, `CREATE TRIGGER test_refuse_reference BEFORE INSERT ON blobs
		WHEN NEW.key = '`+nm.BlobKey+`' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendMessage(ctx, nm); err == nil || !strings.Contains(err.Error(), "refused by the test") {
		t.Fatalf("append with its reference refused: %v", err)
	}
	if _, ok, err := st.OpenInline(ctx, nm.BlobKey); ok || err != nil {
		t.Fatalf("the failed append left its bytes: %v %v", ok, err)
	}
	if _, err := st.DB().ExecContext(ctx, `DROP TRIGGER test_refuse_reference`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendMessage(ctx, nm); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := st.OpenInline(ctx, nm.BlobKey); !ok || err != nil || string(got) != string(nm.Content) {
		t.Fatalf("append: kept %v, %d bytes, %v", ok, len(got), err)
	}
}

// A backup copies the files the database references, not the messages
// the database keeps itself (they travel inside its copy).
func TestInline_fileBlobKeysLeaveOutKeptMessages(t *testing.T) {
	ctx := context.Background()
	st, nm := inlineFixture(t)
	if _, err := st.AppendMessage(ctx, nm); err != nil {
		t.Fatal(err)
	}
	file := *nm
	file.BlobKey, file.Content = strings.Repeat("ab", 32), nil
	if _, err := st.AppendMessage(ctx, &file); err != nil {
		t.Fatal(err)
	}
	list := func(each func(context.Context, func(string) error) error) []string {
		var keys []string
		if err := each(ctx, func(k string) error { keys = append(keys, k); return nil }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(keys)
		return keys
	}
	if got := list(st.FileBlobKeys); !slices.Equal(got, []string{file.BlobKey}) {
		t.Errorf("FileBlobKeys %v, want only %s", got, file.BlobKey)
	}
	if got, want := list(st.BlobKeys), []string{nm.BlobKey, file.BlobKey}; !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("BlobKeys %v, want both", got)
	}
}
