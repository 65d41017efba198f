package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"testing"

	"postroom/internal/search"
	"postroom/internal/store"
)

// inOneBatch runs the calls, each of which makes one write, in one group
// commit and in their order: each is queued before the next starts, while
// the writer lock is held; then the lock is let go.
func inOneBatch(t *testing.T, s *Store, calls ...func() error) []error {
	t.Helper()
	batches := 0
	s.batched = func(int) { batches++ }
	defer func() { s.batched = nil }()
	s.writer <- struct{}{}
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() { errs[i] = call() })
		queued(t, s, i+1)
	}
	<-s.writer
	wg.Wait()
	if batches != 1 {
		t.Fatalf("the calls committed in %d batches, want 1", batches)
	}
	return errs
}

func appendCall(s *Store, mailboxID int64, body string, into **store.Message) func() error {
	return func() error {
		m, err := s.AppendMessage(context.Background(), &store.NewMessage{AccountID: 1, MailboxID: mailboxID,
			BlobKey: "k-" + body, Size: 10, Index: store.IndexText{Body: search.Terms(body)}})
		if into != nil {
			*into = m
		}
		return err
	}
}

// dataRows counts the rows of the index's segments table: a segment takes
// at least one.
func dataRows(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM message_index_data`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Eight messages appended in one batch make fewer segments than eight
// appended one by one (one each), and every one is found.
func TestIndexBatch_aBatchWritesItsRowsTogether(t *testing.T) {
	bodies := []string{"apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel"}
	alone, batched := indexFixture(t), indexFixture(t)
	for _, b := range bodies {
		appendIndexed(t, alone, 1, 1, b)
	}
	var calls []func() error
	for _, b := range bodies {
		calls = append(calls, appendCall(batched, 1, b, nil))
	}
	for i, err := range inOneBatch(t, batched, calls...) {
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	for i, b := range bodies {
		if got := uidsFound(t, batched, 1, 1, b); !slices.Equal(got, []uint32{uint32(i + 1)}) {
			t.Errorf("%s found in %v, want [%d]", b, got, i+1)
		}
	}
	consistent(t, batched)
	if a, b := dataRows(t, alone), dataRows(t, batched); b >= a || a-b < len(bodies)-1 {
		t.Fatalf("index data rows: %d appended one by one, %d in one batch; want a segment for the batch instead of one a message", a, b)
	}
}

// A write that fails takes its own index rows with it and no one else's,
// also when it had to write an earlier write's held row before failing.
func TestIndexBatch_aFailedWriteTakesOnlyItsOwnRows(t *testing.T) {
	s := indexFixture(t)
	ctx := context.Background()
	var first, last *store.Message
	failing := func(body string, touchIndex bool) func() error {
		return func() error {
			return s.write(ctx, func(tx *sql.Tx) error {
				if err := s.putIndexRow(ctx, tx, 900, 1, store.IndexText{Body: search.Terms(body)}, false); err != nil {
					return err
				}
				if touchIndex { // writes the rows held so far, inside this savepoint
					if err := s.dropIndexRows(ctx, tx, []int64{901}); err != nil {
						return err
					}
				}
				return errors.New("this write fails")
			})
		}
	}
	errs := inOneBatch(t, s,
		appendCall(s, 1, "orchard", &first),
		failing("ghost", true),
		failing("phantom", false),
		appendCall(s, 1, "meadow", &last),
	)
	if errs[0] != nil || errs[3] != nil || errs[1] == nil || errs[2] == nil {
		t.Fatalf("errors %v: want the appends to succeed and the others to fail", errs)
	}
	if got := indexRows(t, s); !slices.Equal(got, []int64{first.ID, last.ID}) {
		t.Fatalf("index rows %v, want [%d %d]", got, first.ID, last.ID)
	}
	if !rowMatches(t, s, first.ID, "orchard") || !rowMatches(t, s, last.ID, "meadow") {
		t.Fatal("a surviving row lost its terms")
	}
	consistent(t, s)
}

// A message appended and expunged in the same batch leaves no index row:
// the expunge writes the held row before deleting it.
func TestIndexBatch_expungedInTheSameBatch(t *testing.T) {
	s := indexFixture(t)
	ctx := context.Background()
	var kept *store.Message
	errs := inOneBatch(t, s,
		appendCall(s, 1, "transient", nil), // UID 1
		func() error { _, err := s.Expunge(ctx, 1, 1, []uint32{1}); return err },
		appendCall(s, 1, "durable", &kept),
	)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if got := indexRows(t, s); !slices.Equal(got, []int64{kept.ID}) {
		t.Fatalf("index rows %v, want [%d]", got, kept.ID)
	}
	consistent(t, s)
}
