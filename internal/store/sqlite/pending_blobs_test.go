package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"postroom/internal/store"
	"postroom/internal/store/sqlite"
)

// A message appended with its file pending marks its key in the same
// transaction; the mark outlives the word that the file is durable until
// the store's next write (here an unrelated one), which drops it without
// a transaction of its own; a message appended the usual way marks
// nothing.
func TestPendingBlobs_markedWithTheRowDroppedWithTheNextWrite(t *testing.T) {
	ctx := context.Background()
	st, nm := inlineFixture(t)
	file := *nm
	file.Content, file.BlobKey, file.BlobPending = nil, strings.Repeat("ab", 32), true
	m, err := st.AppendMessage(ctx, &file)
	if err != nil {
		t.Fatal(err)
	}
	plain := *nm // kept in the database: nothing pending
	if _, err := st.AppendMessage(ctx, &plain); err != nil {
		t.Fatal(err)
	}
	want := []store.PendingBlob{{Key: file.BlobKey, Messages: []store.MessageRef{{AccountID: m.AccountID, MailboxID: m.MailboxID, UID: m.UID}}}}
	if got := pending(t, st); !equalPending(got, want) {
		t.Fatalf("pending %+v, want %+v", got, want)
	}
	st.BlobsDurable(file.BlobKey)
	if got := pending(t, st); !equalPending(got, want) {
		t.Fatalf("pending before the next write %+v, want %+v", got, want)
	}
	if _, err := st.StoreFlags(ctx, m.AccountID, m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagSeen}); err != nil {
		t.Fatal(err)
	}
	if got := pending(t, st); len(got) != 0 {
		t.Errorf("pending after the next write %+v, want none", got)
	}
}

// The marks of files said durable and not yet dropped go when the store
// closes; DropPendingBlobs drops marks at once.
func TestPendingBlobs_closeAndDrop(t *testing.T) {
	ctx := context.Background()
	st, nm := inlineFixture(t)
	path := dbFile(t, st)
	keys := []string{strings.Repeat("ab", 32), strings.Repeat("cd", 32), strings.Repeat("ef", 32)}
	for _, k := range keys {
		file := *nm
		file.Content, file.BlobKey, file.BlobPending = nil, k, true
		if _, err := st.AppendMessage(ctx, &file); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.DropPendingBlobs(ctx, keys[2:]); err != nil {
		t.Fatal(err)
	}
	st.BlobsDurable(keys[0])
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	got := pending(t, again)
	if len(got) != 1 || got[0].Key != keys[1] || len(got[0].Messages) != 1 {
		t.Errorf("pending after close and open %+v, want only %s", got, keys[1])
	}
}

func pending(t *testing.T, st *sqlite.Store) []store.PendingBlob {
	t.Helper()
	p, err := st.PendingBlobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func equalPending(a, b []store.PendingBlob) bool {
	return slices.EqualFunc(a, b, func(x, y store.PendingBlob) bool { return x.Key == y.Key && slices.Equal(x.Messages, y.Messages) })
}

// dbFile is the database file of st.
func dbFile(t *testing.T, st *sqlite.Store) string {
	t.Helper()
	var path string
	if err := st.DB().QueryRowContext(context.Background(), `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		t.Fatal(err)
	}
	return path
}
