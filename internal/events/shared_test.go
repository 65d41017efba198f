package events

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"postroom/internal/store"
	"postroom/internal/store/sqlite"
	"postroom/internal/testbed/clock"
)

// twoProcesses opens the same database twice, as the server and a command
// run beside it do, with a bus on each: a publishes, b follows.
func twoProcesses(t *testing.T) (a, b *Shared, follow func()) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "postroom.db")
	var stores [2]*sqlite.Store
	for i := range stores {
		st, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	a, b = NewShared(stores[0], "cli"), NewShared(stores[1], "server")
	b.Poll = 5 * time.Millisecond
	follow = func() {
		ctx, cancel := context.WithCancel(context.Background())
		done, err := b.Follow(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cancel()
			<-done
		})
	}
	return a, b, follow
}

// wait returns the next event of ch, failing the test after a generous
// bound (a missing event, not a slow one).
func wait(t *testing.T, ch <-chan Event, what string) Event {
	t.Helper()
	start := time.Now()
	select {
	case e := <-ch:
		t.Logf("%s: after %v", what, time.Since(start).Round(time.Millisecond))
		return e
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: no event in 30 s", what)
		return Event{}
	}
}

func TestShared_aPublishReachesItsProcessAtOnceAndTheOthersThroughTheLog(t *testing.T) {
	a, b, follow := twoProcesses(t)
	follow()
	here, cancel := a.Subscribe(1)
	defer cancel()
	there, cancel := b.Subscribe(1)
	defer cancel()
	other, cancel := b.Subscribe(2)
	defer cancel()
	e := Event{Kind: MessageNew, AccountID: 1, MailboxID: 3, UIDs: []uint32{7, 8}, ModSeq: 12}
	a.Publish(e)
	select {
	case got := <-here:
		if got.Kind != e.Kind || got.MailboxID != 3 {
			t.Fatalf("the publishing process got %+v", got)
		}
	default:
		t.Fatal("the publishing process's subscriber did not have the event at once")
	}
	got := wait(t, there, "the following process")
	if got.Kind != e.Kind || got.AccountID != 1 || got.MailboxID != 3 || len(got.UIDs) != 2 || got.UIDs[1] != 8 || got.ModSeq != 12 {
		t.Fatalf("the following process got %+v, want %+v", got, e)
	}
	// account 2's subscriber heard nothing: the next thing it gets is its own
	a.Publish(Event{Kind: MailboxChange, AccountID: 2, MailboxID: 5})
	if got := wait(t, other, "account 2"); got.Kind != MailboxChange || got.MailboxID != 5 {
		t.Fatalf("account 2's subscriber got %+v first", got)
	}
}

// The follower skips its own process's rows (its subscribers had them at
// once) and starts at the present: older rows are not handed on.
func TestShared_followerSkipsItsOwnRowsAndStartsAtThePresent(t *testing.T) {
	a, b, follow := twoProcesses(t)
	a.Publish(Event{Kind: MailboxChange, AccountID: 1, MailboxID: 100}) // before the follower
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	follow()
	ch, cancel := b.Subscribe(1)
	defer cancel()
	b.Publish(Event{Kind: MailboxChange, AccountID: 1, MailboxID: 200}) // its own
	if got := wait(t, ch, "own event"); got.MailboxID != 200 {
		t.Fatalf("first event %+v, want its own (200)", got)
	}
	if err := b.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// the other's next row is after b's own in the log: had the follower
	// handed on either 100 or its own 200, it would come first
	a.Publish(Event{Kind: MailboxChange, AccountID: 1, MailboxID: 300})
	if got := wait(t, ch, "the other process's event"); got.MailboxID != 300 {
		t.Fatalf("after its own event the follower handed on %+v, want the other process's (300)", got)
	}
}

// Flush returns once everything published is in the log, in order, and a
// publish never waits for the store.
func TestShared_flushWritesEverythingInOrder(t *testing.T) {
	a, b, _ := twoProcesses(t)
	const n = 2000
	start := time.Now()
	for i := range n {
		a.Publish(Event{Kind: MessageFlags, AccountID: 1, ModSeq: uint64(i + 1)})
	}
	t.Logf("%d publishes: %v", n, time.Since(start))
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	evs, err := b.log.EventsAfter(context.Background(), 0, n+1)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != n {
		t.Fatalf("%d rows in the log, want %d", len(evs), n)
	}
	for i, e := range evs {
		if e.ModSeq != uint64(i+1) || e.Node != "cli" || e.Kind != string(MessageFlags) {
			t.Fatalf("row %d: %+v", i, e)
		}
	}
	// Overflow is about this process's subscribers: never logged
	a.Publish(Event{Kind: Overflow, AccountID: 1})
	a.Flush(context.Background())
	if evs, _ := b.log.EventsAfter(context.Background(), evs[n-1].ID, 10); len(evs) != 0 {
		t.Fatalf("an overflow was logged: %+v", evs)
	}
}

// A follower that could not read the log for longer than half the
// retention may have lost rows to the trim: its subscribers get Overflow
// (they reread the store), then the events that remain. Old rows are
// trimmed.
func TestShared_followerThatFellBehindTellsOverflowAndTrims(t *testing.T) {
	a, b, follow := twoProcesses(t)
	clk := clock.At(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	a.Now, b.Now, b.Retention = clk.Now, clk.Now, time.Minute
	a.Publish(Event{Kind: MessageNew, AccountID: 1}) // to be trimmed
	a.Flush(context.Background())
	follow()
	ch, cancel := b.Subscribe(1)
	defer cancel()
	clk.Add(time.Hour) // as if the follower had stalled for an hour
	a.Publish(Event{Kind: MailboxChange, AccountID: 1, MailboxID: 9})
	if got := wait(t, ch, "after the stall"); got.Kind != Overflow {
		t.Fatalf("after a stall past the retention: %+v, want overflow first", got)
	}
	if got := wait(t, ch, "the event"); got.Kind != MailboxChange || got.MailboxID != 9 {
		t.Fatalf("then %+v, want the new event", got)
	}
	// the row of an hour ago goes at the next trim; the new one stays
	for deadline := time.Now().Add(30 * time.Second); ; {
		evs, err := b.log.EventsAfter(context.Background(), 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 1 && evs[0].MailboxID == 9 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log after the trim: %+v, want only the new row", evs)
		}
		time.Sleep(10 * time.Millisecond) // polling the follower's trim
	}
}

// appendsCounted counts the appends to the event log.
type appendsCounted struct {
	*sqlite.Store
	calls, events int
}

func (c *appendsCounted) AppendEvents(ctx context.Context, evs []store.LoggedEvent) error {
	c.calls++
	c.events += len(evs)
	return c.Store.AppendEvents(ctx, evs)
}

// The writer lets events gather for Linger and appends them in one
// transaction; Flush does not wait for the linger to end.
func TestShared_aBurstIsOneAppendAndFlushCutsTheLingerShort(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "postroom.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := &appendsCounted{Store: st}
	b := NewShared(log, "server")
	b.Linger = time.Hour // only Flush ends it
	for i := range 10 {
		b.Publish(Event{Kind: MessageNew, AccountID: 1, MailboxID: 2, UIDs: []uint32{uint32(i + 1)}})
	}
	if err := b.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if log.calls != 1 || log.events != 10 {
		t.Fatalf("%d appends of %d events, want 1 of 10", log.calls, log.events)
	}
	b.Publish(Event{Kind: MessageNew, AccountID: 1, MailboxID: 2, UIDs: []uint32{11}})
	if err := b.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if log.calls != 2 || log.events != 11 {
		t.Fatalf("after a second flush: %d appends of %d events, want 2 of 11", log.calls, log.events)
	}
}
