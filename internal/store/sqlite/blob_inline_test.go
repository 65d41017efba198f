package sqlite_test

import (
	"bytes"
	"context"
	"math/rand/v2"
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

// Mail text is kept compressed (it takes a third of its size), bytes that
// do not compress are kept as they are, and both read back exactly; a row
// that cannot be decoded is an error, never other bytes.
func TestInline_compressedWhenThatIsSmaller(t *testing.T) {
	ctx := context.Background()
	st, text := inlineFixture(t)
	noise := make([]byte, 10<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	binary := *text
	binary.Content, binary.BlobKey, binary.Size = noise, blob.Key(noise), int64(len(noise))
	for _, c := range []struct {
		nm         *store.NewMessage
		compressed bool
	}{{text, true}, {&binary, false}} {
		if _, err := st.AppendMessage(ctx, c.nm); err != nil {
			t.Fatal(err)
		}
		var stored int
		var coding int
		if err := st.DB().QueryRowContext(ctx, `SELECT length(data), coding FROM blob_inline WHERE key = ?`, c.nm.BlobKey).
			Scan(&stored, &coding); err != nil {
			t.Fatal(err)
		}
		if c.compressed != (coding == 1) || c.compressed != (stored < len(c.nm.Content)/2) {
			t.Errorf("%d bytes kept as %d, coding %d; compressed: want %v", len(c.nm.Content), stored, coding, c.compressed)
		}
		if got, ok, err := st.OpenInline(ctx, c.nm.BlobKey); !ok || err != nil || !bytes.Equal(got, c.nm.Content) {
			t.Errorf("read back %d bytes, %v, %v", len(got), ok, err)
		}
	}
	for _, broken := range []string{`UPDATE blob_inline SET data = x'28b52ffd0000' WHERE key = ?`, `UPDATE blob_inline SET coding = 7 WHERE key = ?`} {
		if _, err := st.DB().ExecContext(ctx, broken, text.BlobKey); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := st.OpenInline(ctx, text.BlobKey); err == nil {
			t.Errorf("after %q: read %d bytes (%v) without an error", broken, len(got), ok)
		}
	}
}
