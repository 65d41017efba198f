package deliver_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"postroom/internal/blob"
	"postroom/internal/deliver"
	"postroom/internal/store"
)

// Small messages delivered into the database (inline.go). The effects
// fixture runs as the server does (testbed's InlineSmall), so every
// other test of the steps (forwarding, lists, SRS, vacation) runs with
// its messages kept in the database too.

func (e *effects) inlineOnly() {
	e.t.Helper()
	if !e.bed.InlineSmall() {
		e.t.Skip("messages are kept in the database with SQLite only")
	}
}

// files is the number of message files in the bed's blob directory.
func (e *effects) files() int {
	e.t.Helper()
	n := 0
	if err := e.bed.Files().Walk(func(string, time.Time) error { n++; return nil }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// keptRows is the number of messages the database keeps.
func (e *effects) keptRows() int {
	e.t.Helper()
	var n int
	if err := e.bed.SQLite().DB().QueryRowContext(e.ctx, `SELECT count(*) FROM blob_inline`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func sized(size int) string {
	return mailFrom("sender@remote.test", "bob@example.test", "10 KB", "") + strings.Repeat("열 킬로바이트의 본문입니다\r\n", size/38)
}

// A 10 KB message to two accounts: no file, one copy in the database,
// two references, read back whole with the trace fields on top.
func TestDeliver_smallMessageInTheDatabaseOnceForTwoAccounts(t *testing.T) {
	e := newEffects(t)
	e.inlineOnly()
	bob, carol := e.account("bob", nil), e.account("carol", nil)
	msg := sized(10 << 10)
	res := e.deliver("sender@remote.test", msg, "bob@example.test", "carol@example.test")
	if n := e.files(); n != 0 {
		t.Errorf("%d message files, want none", n)
	}
	if n := e.keptRows(); n != 1 {
		t.Errorf("%d messages kept in the database, want 1", n)
	}
	key := res[0].Message.BlobKey
	if res[1].Message.BlobKey != key {
		t.Fatalf("two keys for one message: %s, %s", key, res[1].Message.BlobKey)
	}
	if n, err := e.bed.Store.BlobRefCount(e.ctx, key); err != nil || n != 2 {
		t.Errorf("references %d, %v", n, err)
	}
	for _, a := range []*store.Account{bob, carol} {
		got := e.mailbox(a, store.RoleInbox)
		if len(got) != 1 || !strings.HasPrefix(got[0], "Return-Path: <sender@remote.test>\r\n") || !strings.HasSuffix(got[0], msg) ||
			blob.Key([]byte(got[0])) != key {
			t.Errorf("%s reads %d messages: %.200q", a.Address(), len(got), got)
		}
	}
}

// A message over blob.InlineMax is a file, as before.
func TestDeliver_largeMessageStillAFile(t *testing.T) {
	e := newEffects(t)
	e.inlineOnly()
	e.account("bob", nil)
	e.deliver("sender@remote.test", sized(100<<10), "bob@example.test")
	if f, k := e.files(), e.keptRows(); f != 1 || k != 0 {
		t.Errorf("a 100 KB message: %d files, %d kept in the database; want 1 file", f, k)
	}
}

// A message no recipient could take (over quota) leaves nothing: no
// file to collect, no row.
func TestDeliver_refusedSmallMessageLeavesNothing(t *testing.T) {
	e := newEffects(t)
	e.inlineOnly()
	full := e.bed.Account("full", func(a *store.Account) { a.QuotaBytes = 20 << 10 })
	r, err := e.p.Resolve(e.ctx, full.Address(), 0)
	if err != nil {
		t.Fatal(err)
	}
	e.deliver("sender@remote.test", sized(10<<10), "full@example.test") // fits
	env := &deliver.Envelope{From: "sender@remote.test", Recipients: []*deliver.Recipient{r}, RemoteAddr: "192.0.2.1:2525", ID: "t2"}
	res, err := e.p.Deliver(context.Background(), env, []byte(sized(12<<10)))
	if err != nil || res[0].Err == nil {
		t.Fatalf("over quota: %v, %+v", err, res)
	}
	if f, k := e.files(), e.keptRows(); f != 0 || k != 1 {
		t.Errorf("after a refused delivery: %d files, %d kept in the database; want none and the first message's", f, k)
	}
}

// A list's internet copy is written before any member's transaction, from
// the message in memory; a hosted member's copy is kept in the database.
func TestDeliver_smallMessageToAListReadFromMemory(t *testing.T) {
	e := newEffects(t)
	e.inlineOnly()
	bob := e.account("bob", nil)
	e.list("sales", false, "bob@example.test", "x@remote.test")
	msg := sized(10 << 10)
	e.deliver("sender@remote.test", msg, "sales@example.test")
	if got := e.mailbox(bob, store.RoleInbox); len(got) != 1 || !strings.HasSuffix(got[0], msg) {
		t.Fatalf("bob has %d messages", len(got))
	}
	e.runQueue()
	sent := e.sink.Messages()
	if len(sent) != 1 || !strings.HasSuffix(strings.ReplaceAll(sent[0].Data, "\r\n", "\n"), strings.ReplaceAll(msg, "\r\n", "\n")) {
		t.Fatalf("the internet copy: %d messages", len(sent))
	}
	if n := e.keptRows(); n != 1 {
		t.Errorf("%d messages kept in the database, want bob's", n)
	}
}
