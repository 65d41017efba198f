package storetest

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"postroom/internal/store"
)

var eventLogTests = []test{
	{"eventLog_appendsAndReadsBackInOrder", testEventLogRoundTrip},
	{"eventLog_trimKeepsIDsGrowing", testEventLogTrim},
	{"eventLog_concurrentAppendsAreReadOnceInOrder", testEventLogConcurrent},
}

func testEventLogRoundTrip(e *env) {
	if id, err := e.s.LastEventID(e.ctx); err != nil || id != 0 {
		e.Fatalf("LastEventID of an empty log: %d, %v; want 0", id, err)
	}
	if got, err := e.s.EventsAfter(e.ctx, 0, 10); err != nil || len(got) != 0 {
		e.Fatalf("EventsAfter of an empty log: %+v, %v", got, err)
	}
	evs := []store.LoggedEvent{
		{Node: "n1", Kind: "message.new", AccountID: 7, MailboxID: 3, UIDs: []uint32{41, 42}, ModSeq: 9, At: baseTime.In(kst)},
		{Node: "n1", Kind: "mailbox.change", AccountID: 7, MailboxID: 4, At: baseTime.Add(time.Second)},
		{Node: "n2", Kind: "account.change", AccountID: 8}, // At zero: now
	}
	before := time.Now()
	e.ok(e.s.AppendEvents(e.ctx, evs), "AppendEvents")
	for i := range evs {
		if evs[i].ID == 0 || (i > 0 && evs[i].ID <= evs[i-1].ID) {
			e.Fatalf("AppendEvents set IDs %d, %d, %d: want growing, non-zero", evs[0].ID, evs[1].ID, evs[2].ID)
		}
	}
	if at := evs[2].At; at.Before(before.Add(-time.Minute)) || at.After(time.Now().Add(time.Minute)) {
		e.Errorf("an event appended without At got %v, want about now", at)
	}
	got, err := e.s.EventsAfter(e.ctx, 0, 10)
	e.ok(err, "EventsAfter(0)")
	want := slices.Clone(evs)
	want[0].At = baseTime // read back in UTC
	want[2].At = want[2].At.UTC()
	if len(got) != len(want) {
		e.Fatalf("EventsAfter(0): %d events, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !eventsEqual(got[i], want[i]) {
			e.Errorf("event %d: %+v\nwant     %+v", i, got[i], want[i])
		}
	}
	if got[0].At.Location() != time.UTC {
		e.Errorf("At read back in %v, want UTC", got[0].At.Location())
	}
	got, err = e.s.EventsAfter(e.ctx, evs[0].ID, 1)
	e.ok(err, "EventsAfter(first, limit 1)")
	if len(got) != 1 || got[0].ID != evs[1].ID {
		e.Errorf("EventsAfter(first, 1): %+v, want only the second", got)
	}
	if id, err := e.s.LastEventID(e.ctx); err != nil || id != evs[2].ID {
		e.Errorf("LastEventID: %d, %v; want %d", id, err, evs[2].ID)
	}
}

func eventsEqual(a, b store.LoggedEvent) bool {
	return a.ID == b.ID && a.Node == b.Node && a.Kind == b.Kind && a.AccountID == b.AccountID && a.MailboxID == b.MailboxID &&
		slices.Equal(a.UIDs, b.UIDs) && a.ModSeq == b.ModSeq && a.At.Equal(b.At)
}

// Trimming removes old rows by their time, and a reader starting after a
// trim (LastEventID) never sees an old id again: new events get higher ids
// than any ever given.
func testEventLogTrim(e *env) {
	old := store.LoggedEvent{Node: "n", Kind: "message.new", AccountID: 1, At: baseTime}
	recent := store.LoggedEvent{Node: "n", Kind: "message.new", AccountID: 1, At: baseTime.Add(time.Hour)}
	evs := []store.LoggedEvent{old, recent}
	e.ok(e.s.AppendEvents(e.ctx, evs), "AppendEvents")
	n, err := e.s.TrimEvents(e.ctx, baseTime.Add(30*time.Minute))
	e.ok(err, "TrimEvents")
	if n != 1 {
		e.Errorf("TrimEvents removed %d, want 1", n)
	}
	got, err := e.s.EventsAfter(e.ctx, 0, 10)
	e.ok(err, "EventsAfter")
	if len(got) != 1 || got[0].ID != evs[1].ID {
		e.Errorf("after the trim: %+v, want only the recent event", got)
	}
	n, err = e.s.TrimEvents(e.ctx, baseTime.Add(2*time.Hour))
	e.ok(err, "TrimEvents(all)")
	if n != 1 {
		e.Errorf("TrimEvents(all) removed %d, want 1", n)
	}
	last, err := e.s.LastEventID(e.ctx)
	e.ok(err, "LastEventID")
	if last != evs[1].ID {
		e.Errorf("LastEventID after trimming everything: %d, want %d (the newest ever given)", last, evs[1].ID)
	}
	next := []store.LoggedEvent{{Node: "n", Kind: "message.new", AccountID: 1}}
	e.ok(e.s.AppendEvents(e.ctx, next), "AppendEvents(after the trim)")
	if next[0].ID <= last {
		e.Errorf("an event after the trim got id %d, not above %d", next[0].ID, last)
	}
	got, err = e.s.EventsAfter(e.ctx, last, 10)
	e.ok(err, "EventsAfter(last)")
	if len(got) != 1 || got[0].ID != next[0].ID {
		e.Errorf("EventsAfter(last) after the trim: %+v", got)
	}
}

// Several writers append while a reader follows with EventsAfter(the last
// id read): it reads every event once, in growing id order (what
// "ids grow in commit order" is for).
func testEventLogConcurrent(e *env) {
	const writers, each = 4, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ev := []store.LoggedEvent{{Node: fmt.Sprintf("w%d", w), Kind: "message.new", AccountID: 1, ModSeq: uint64(i)}}
				if err := e.s.AppendEvents(e.ctx, ev); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := map[string]bool{}
	var last int64
	finished := false
	for !finished {
		select {
		case <-done:
			finished = true // one more read after the last commit
		default:
		}
		got, err := e.s.EventsAfter(e.ctx, last, 25)
		e.ok(err, "EventsAfter")
		for _, ev := range got {
			if ev.ID <= last {
				e.Fatalf("read id %d after %d", ev.ID, last)
			}
			last = ev.ID
			key := fmt.Sprintf("%s/%d", ev.Node, ev.ModSeq)
			if seen[key] {
				e.Fatalf("event %s read twice", key)
			}
			seen[key] = true
		}
		if len(got) == 25 {
			finished = false // more may be waiting
		}
	}
	close(errs)
	for err := range errs {
		e.Fatalf("AppendEvents: %v", err)
	}
	if len(seen) != writers*each {
		e.Errorf("the reader saw %d events, want %d", len(seen), writers*each)
	}
}
