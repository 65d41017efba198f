package storetest

import (
	"time"

	"postroom/internal/store"
)

var queueTests = []test{
	{"queue_enqueueSetsIDAndRoundTrips", testQueueRoundTrip},
	{"queue_listsOldestFirst", testQueueOrder},
	{"queue_dequeueRemovesOnlyThatEntry", testQueueDequeue},
	{"queue_systemMailWithoutAccount", testQueueSystem},
}

func sameSecond(a, b time.Time) bool { return a.Truncate(time.Second).Equal(b.Truncate(time.Second)) }

func testQueueRoundTrip(e *env) {
	a := e.account("alice@example.com")
	qs, err := e.s.Queue(e.ctx)
	e.ok(err, "Queue(empty)")
	if len(qs) != 0 {
		e.Errorf("Queue of an empty store = %+v", qs)
	}
	q := &store.QueuedMessage{
		AccountID:  a.ID,
		From:       "alice@example.com",
		Recipients: []string{"kim@example.co.kr", "lee@example.net", "Park@Example.org"},
		BlobKey:    newBlobKey(),
		Size:       12345,
		CreatedAt:  time.Date(2026, 3, 1, 10, 0, 0, 0, kst),
		NextTry:    time.Date(2026, 3, 1, 10, 5, 0, 0, kst),
	}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	if q.ID == 0 {
		e.Fatal("Enqueue did not set ID")
	}
	qs, err = e.s.Queue(e.ctx)
	e.ok(err, "Queue")
	if len(qs) != 1 {
		e.Fatalf("Queue has %d entries, want 1", len(qs))
	}
	got := qs[0]
	if got.ID != q.ID || got.AccountID != a.ID || got.From != q.From || !sameStrings(got.Recipients, q.Recipients) ||
		got.BlobKey != q.BlobKey || got.Size != 12345 || got.Attempts != 0 || got.LastError != "" {
		e.Errorf("Queue()[0] = %+v\nwant          %+v", got, *q)
	}
	if !sameSecond(got.CreatedAt, q.CreatedAt) || !sameSecond(got.NextTry, q.NextTry) {
		e.Errorf("CreatedAt %v NextTry %v, want %v and %v", got.CreatedAt, got.NextTry, q.CreatedAt, q.NextTry)
	}
	e.wantRefs(q.BlobKey, 1)
}

func testQueueOrder(e *env) {
	a := e.account("alice@example.com")
	var ids []int64
	for i := range 4 {
		q := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: []string{"x@example.net"},
			BlobKey: newBlobKey(), Size: int64(100 + i), CreatedAt: baseTime.Add(time.Duration(i) * time.Second),
			NextTry: baseTime.Add(time.Hour - time.Duration(i)*time.Minute)} // later entries are due earlier
		e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
		ids = append(ids, q.ID)
	}
	qs, err := e.s.Queue(e.ctx)
	e.ok(err, "Queue")
	var got []int64
	for _, q := range qs {
		got = append(got, q.ID)
	}
	if len(got) != 4 || got[0] != ids[0] || got[1] != ids[1] || got[2] != ids[2] || got[3] != ids[3] {
		e.Errorf("Queue order %v, want oldest first %v", got, ids)
	}
	for i, q := range qs {
		if i < len(ids) && q.Size != int64(100+i) {
			e.Errorf("Queue()[%d].Size = %d, want %d", i, q.Size, 100+i)
		}
	}
}

func testQueueDequeue(e *env) {
	var qs []*store.QueuedMessage
	for range 3 {
		q := &store.QueuedMessage{From: "alice@example.com", Recipients: []string{"x@example.net"},
			BlobKey: newBlobKey(), Size: 10, CreatedAt: baseTime, NextTry: baseTime}
		e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
		qs = append(qs, q)
	}
	e.ok(e.s.Dequeue(e.ctx, qs[1].ID), "Dequeue")
	left, err := e.s.Queue(e.ctx)
	e.ok(err, "Queue")
	if len(left) != 2 || left[0].ID != qs[0].ID || left[1].ID != qs[2].ID {
		e.Errorf("Queue after Dequeue = %+v, want entries %d and %d", left, qs[0].ID, qs[2].ID)
	}
	e.wantRefs(qs[1].BlobKey, 0)
	e.wantRefs(qs[0].BlobKey, 1)
	e.consistent()
}

func testQueueSystem(e *env) {
	q := &store.QueuedMessage{AccountID: 0, From: "", Recipients: []string{"bounce-target@example.net"},
		BlobKey: newBlobKey(), Size: 2048, CreatedAt: baseTime, NextTry: baseTime}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue(system bounce with empty sender)")
	qs, err := e.s.Queue(e.ctx)
	e.ok(err, "Queue")
	if len(qs) != 1 || qs[0].AccountID != 0 || qs[0].From != "" || !sameStrings(qs[0].Recipients, q.Recipients) {
		e.Errorf("Queue = %+v, want the system message with AccountID 0 and empty From", qs)
	}
	e.consistent()
}
