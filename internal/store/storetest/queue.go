package storetest

import (
	"errors"
	"slices"
	"time"

	"postroom/internal/store"
)

var queueTests = []test{
	{"queue_enqueueSetsIDsAndRoundTrips", testQueueRoundTrip},
	{"queue_listsOldestFirst", testQueueOrder},
	{"queue_dequeueRemovesOnlyThatEntry", testQueueDequeue},
	{"queue_systemMailWithoutAccount", testQueueSystem},
	{"queue_claimDueTakesOnlyDueRecipientsAndLeasesThem", testQueueClaim},
	{"queue_resultsFinishMessageAndReleaseBlob", testQueueResults},
	{"queue_cancelOnlyOwnAndUntried", testQueueCancel},
	{"queue_cancelRefusedOnceClaimed", testQueueCancelClaimed},
	{"queue_undoStateRoundTrips", testQueueUndoState},
	{"queue_cancelAfterItLeftTheQueueIsTooLateOrCancelled", testQueueCancelGone},
	{"queue_accountQueueListsOnlyTheAccountsBySendAt", testAccountQueue},
	{"queue_retryNowAndWarned", testQueueRetry},
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
		AccountID:    a.ID,
		From:         "alice@example.com",
		Recipients:   rcpts("kim@example.co.kr", "lee@example.net", "Park@Example.org"),
		BlobKey:      newBlobKey(),
		Size:         12345,
		CreatedAt:    time.Date(2026, 3, 1, 10, 0, 0, 0, kst),
		SendAt:       time.Date(2026, 3, 1, 10, 5, 0, 0, kst),
		UTF8:         true,
		SaveSent:     true,
		Individually: true,
	}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	if q.ID == 0 || q.Recipients[0].ID == 0 || q.Recipients[2].Status != store.RcptPending {
		e.Fatalf("Enqueue did not set IDs and status: %+v", q)
	}
	got, err := e.s.QueuedMessage(e.ctx, q.ID)
	e.ok(err, "QueuedMessage")
	if got.AccountID != a.ID || got.From != q.From || !sameStrings(addrs(got.Recipients), addrs(q.Recipients)) ||
		got.BlobKey != q.BlobKey || got.Size != 12345 || !got.UTF8 || got.Warned || !got.SaveSent || !got.Individually {
		e.Errorf("QueuedMessage = %+v\nwant %+v", got, *q)
	}
	if !sameSecond(got.CreatedAt, q.CreatedAt) || !sameSecond(got.SendAt, q.SendAt) || got.SendAt.Location() != time.UTC {
		e.Errorf("CreatedAt %v SendAt %v, want %v and %v in UTC", got.CreatedAt, got.SendAt, q.CreatedAt, q.SendAt)
	}
	for _, r := range got.Recipients {
		if r.Status != store.RcptPending || r.Attempts != 0 || !sameSecond(r.NextTry, q.SendAt) {
			e.Errorf("recipient %+v: want pending, 0 attempts, next try at SendAt", r)
		}
	}
	e.wantRefs(q.BlobKey, 1)
	if _, err := e.s.QueuedMessage(e.ctx, q.ID+100); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("unknown queued message: %v", err)
	}
}

func testQueueOrder(e *env) {
	a := e.account("alice@example.com")
	if n, oldest, err := e.s.QueueSummary(e.ctx); err != nil || n != 0 || !oldest.IsZero() {
		e.Errorf("QueueSummary of an empty queue: %d, %v, %v", n, oldest, err)
	}
	var ids []int64
	for i := range 4 {
		q := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("x@example.net"),
			BlobKey: newBlobKey(), Size: int64(100 + i), CreatedAt: baseTime.Add(time.Duration(i) * time.Second),
			SendAt: baseTime.Add(time.Hour - time.Duration(i)*time.Minute)} // later entries are due earlier
		e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
		ids = append(ids, q.ID)
	}
	qs, err := e.s.Queue(e.ctx)
	e.ok(err, "Queue")
	var got []int64
	for _, q := range qs {
		got = append(got, q.ID)
	}
	if !slices.Equal(got, ids) {
		e.Errorf("Queue order %v, want oldest first %v", got, ids)
	}
	if n, oldest, err := e.s.QueueSummary(e.ctx); err != nil || n != 4 || !oldest.Equal(baseTime) {
		e.Errorf("QueueSummary: %d, %v, %v; want 4 since %v", n, oldest, err, baseTime)
	}
}

func testQueueDequeue(e *env) {
	var qs []*store.QueuedMessage
	for range 3 {
		q := &store.QueuedMessage{From: "alice@example.com", Recipients: rcpts("x@example.net"),
			BlobKey: newBlobKey(), Size: 10, CreatedAt: baseTime}
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
	e.wantErr(e.s.Dequeue(e.ctx, qs[1].ID), store.ErrNotFound, "Dequeue twice")
	e.consistent()
}

func testQueueSystem(e *env) {
	q := &store.QueuedMessage{AccountID: 0, From: "", Recipients: rcpts("bounce-target@example.net"),
		BlobKey: newBlobKey(), Size: 2048, CreatedAt: baseTime}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue(system bounce with empty sender)")
	qs, err := e.s.Queue(e.ctx)
	e.ok(err, "Queue")
	if len(qs) != 1 || qs[0].AccountID != 0 || qs[0].From != "" || !sameStrings(addrs(qs[0].Recipients), addrs(q.Recipients)) {
		e.Errorf("Queue = %+v, want the system message with AccountID 0 and empty From", qs)
	}
	e.consistent()
}

func testQueueClaim(e *env) {
	now := baseTime.Add(time.Hour)
	due := &store.QueuedMessage{From: "a@example.com", Recipients: rcpts("x@example.net", "y@example.net"), BlobKey: newBlobKey(), Size: 1, CreatedAt: baseTime}
	later := &store.QueuedMessage{From: "a@example.com", Recipients: rcpts("z@example.net"), BlobKey: newBlobKey(), Size: 1,
		CreatedAt: baseTime, SendAt: now.Add(time.Minute)} // scheduled
	e.ok(e.s.Enqueue(e.ctx, due), "Enqueue")
	e.ok(e.s.Enqueue(e.ctx, later), "Enqueue")
	// y is tried later: only x is due.
	y := due.Recipients[1]
	y.NextTry, y.Attempts, y.Status = now.Add(time.Hour), 1, store.RcptPending
	e.ok(e.s.SetRecipientResults(e.ctx, due.ID, []store.QueuedRecipient{y}), "SetRecipientResults")

	got, err := e.s.ClaimDue(e.ctx, now, 10*time.Minute, 10)
	e.ok(err, "ClaimDue")
	if len(got) != 1 || got[0].ID != due.ID || len(got[0].Recipients) != 1 || got[0].Recipients[0].Address != "x@example.net" {
		e.Fatalf("ClaimDue = %+v, want message %d with x only", got, due.ID)
	}
	again, err := e.s.ClaimDue(e.ctx, now, 10*time.Minute, 10)
	e.ok(err, "ClaimDue again")
	if len(again) != 0 {
		e.Errorf("a leased recipient was claimed twice: %+v", again)
	}
	after, err := e.s.ClaimDue(e.ctx, now.Add(11*time.Minute), 10*time.Minute, 10)
	e.ok(err, "ClaimDue after lease")
	if len(after) != 2 {
		e.Errorf("after the lease and the scheduled time: %d messages, want 2 (x again, z)", len(after))
	}
}

func testQueueResults(e *env) {
	q := &store.QueuedMessage{From: "a@example.com", Recipients: rcpts("x@example.net", "y@example.net"), BlobKey: newBlobKey(), Size: 1}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	x, y := q.Recipients[0], q.Recipients[1]
	x.Status, x.Attempts, x.LastError = store.RcptSent, 1, "250 ok"
	e.ok(e.s.SetRecipientResults(e.ctx, q.ID, []store.QueuedRecipient{x}), "x sent")
	got, err := e.s.QueuedMessage(e.ctx, q.ID)
	e.ok(err, "still queued for y")
	if got.Recipients[0].Status != store.RcptSent || got.Recipients[0].LastError != "250 ok" || got.Recipients[1].Status != store.RcptPending {
		e.Errorf("recipients %+v", got.Recipients)
	}
	e.wantRefs(q.BlobKey, 1)
	y.Status, y.Attempts, y.LastError = store.RcptFailed, 3, "550 5.1.1 no such user"
	e.ok(e.s.SetRecipientResults(e.ctx, q.ID, []store.QueuedRecipient{y}), "y failed")
	if _, err := e.s.QueuedMessage(e.ctx, q.ID); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("message with no pending recipient still queued: %v", err)
	}
	e.wantRefs(q.BlobKey, 0)
	e.consistent()
}

func testQueueCancel(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	q := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("x@example.net"), BlobKey: newBlobKey(), Size: 1}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	e.wantErr(e.s.CancelQueued(e.ctx, b.ID, q.ID), store.ErrNotFound, "CancelQueued by another account")
	e.ok(e.s.CancelQueued(e.ctx, a.ID, q.ID), "CancelQueued")
	e.wantRefs(q.BlobKey, 0)
	tried := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("x@example.net"), BlobKey: newBlobKey(), Size: 1}
	e.ok(e.s.Enqueue(e.ctx, tried), "Enqueue")
	r := tried.Recipients[0]
	r.Attempts, r.LastError = 1, "451 try later"
	e.ok(e.s.SetRecipientResults(e.ctx, tried.ID, []store.QueuedRecipient{r}), "tried once")
	e.wantErr(e.s.CancelQueued(e.ctx, a.ID, tried.ID), store.ErrTooLate, "CancelQueued after a delivery attempt")
	e.wantErr(e.s.CancelQueued(e.ctx, b.ID, tried.ID), store.ErrNotFound, "CancelQueued of another account's tried message")
	e.wantErr(e.s.CancelQueued(e.ctx, a.ID, tried.ID+100), store.ErrNotFound, "CancelQueued of an unknown id")
	e.consistent()
}

// A worker that claimed a message is sending it: an undo then must fail,
// or the user would be told "cancelled" about mail that went.
func testQueueCancelClaimed(e *env) {
	a := e.account("alice@example.com")
	sendAt := time.Now().Add(10 * time.Second)
	q := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("x@example.net", "y@example.net"),
		BlobKey: newBlobKey(), Size: 1, SendAt: sendAt}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	if got, _ := e.s.ClaimDue(e.ctx, sendAt.Add(-time.Second), time.Minute, 10); len(got) != 0 {
		e.Fatalf("claimed before its time: %+v", got)
	}
	got, err := e.s.ClaimDue(e.ctx, sendAt, time.Minute, 10)
	e.ok(err, "ClaimDue")
	if len(got) != 1 {
		e.Fatalf("ClaimDue at SendAt = %+v", got)
	}
	e.wantErr(e.s.CancelQueued(e.ctx, a.ID, q.ID), store.ErrTooLate, "CancelQueued while a worker sends")
	if _, err := e.s.QueuedMessage(e.ctx, q.ID); err != nil {
		e.Errorf("a claimed message was removed by CancelQueued: %v", err)
	}
	e.wantRefs(q.BlobKey, 1)
}

func testAccountQueue(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	later := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("x@example.net", "y@example.net"),
		BlobKey: newBlobKey(), Size: 1, CreatedAt: baseTime, SendAt: baseTime.Add(2 * time.Hour)}
	sooner := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("z@example.net"),
		BlobKey: newBlobKey(), Size: 1, CreatedAt: baseTime.Add(time.Minute), SendAt: baseTime.Add(time.Hour)}
	other := &store.QueuedMessage{AccountID: b.ID, From: b.Address(), Recipients: rcpts("x@example.net"),
		BlobKey: newBlobKey(), Size: 1, CreatedAt: baseTime}
	for _, q := range []*store.QueuedMessage{later, sooner, other} {
		e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	}
	got, err := e.s.AccountQueue(e.ctx, a.ID)
	e.ok(err, "AccountQueue")
	if len(got) != 2 || got[0].ID != sooner.ID || got[1].ID != later.ID || len(got[1].Recipients) != 2 {
		e.Errorf("AccountQueue = %+v, want %d then %d with their recipients", got, sooner.ID, later.ID)
	}
	if none, err := e.s.AccountQueue(e.ctx, a.ID+b.ID+100); err != nil || len(none) != 0 {
		e.Errorf("AccountQueue of an unknown account = %+v, %v", none, err)
	}
}

func testQueueRetry(e *env) {
	q := &store.QueuedMessage{From: "a@example.com", Recipients: rcpts("x@example.net"), BlobKey: newBlobKey(), Size: 1, SaveSent: true}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	r := q.Recipients[0]
	r.NextTry, r.Attempts = time.Now().Add(24*time.Hour), 2
	e.ok(e.s.SetRecipientResults(e.ctx, q.ID, []store.QueuedRecipient{r}), "postpone")
	if got, _ := e.s.ClaimDue(e.ctx, time.Now(), time.Minute, 10); len(got) != 0 {
		e.Fatalf("postponed recipient claimed: %+v", got)
	}
	e.ok(e.s.RetryNow(e.ctx, q.ID), "RetryNow")
	if got, _ := e.s.ClaimDue(e.ctx, time.Now().Add(time.Second), time.Minute, 10); len(got) != 1 || got[0].Recipients[0].Attempts != 2 {
		e.Errorf("after RetryNow: %+v", got)
	}
	e.ok(e.s.SetWarned(e.ctx, q.ID), "SetWarned")
	e.ok(e.s.SentSaved(e.ctx, q.ID), "SentSaved")
	if got, _ := e.s.QueuedMessage(e.ctx, q.ID); !got.Warned || got.SaveSent {
		e.Errorf("Warned %v SaveSent %v, want true and false", got.Warned, got.SaveSent)
	}
	e.wantErr(e.s.RetryNow(e.ctx, q.ID+99), store.ErrNotFound, "RetryNow unknown")
}

// What an undo puts back rides on the queue row (S2-4, X5).
func testQueueUndoState(e *env) {
	a := e.account("alice@example.com")
	q := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("x@example.net"), BlobKey: newBlobKey(), Size: 1,
		CreatedAt: baseTime, SendAt: baseTime.Add(10 * time.Second), Undo: store.QueuedUndo{Answered: 42, Draft: "reply=42; save-sent=0"}}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	got, err := e.s.QueuedMessage(e.ctx, q.ID)
	e.ok(err, "QueuedMessage")
	if got.Undo != q.Undo {
		e.Errorf("QueuedMessage Undo = %+v, want %+v", got.Undo, q.Undo)
	}
	list, err := e.s.AccountQueue(e.ctx, a.ID)
	e.ok(err, "AccountQueue")
	if len(list) != 1 || list[0].Undo != q.Undo {
		e.Errorf("AccountQueue = %+v, want its Undo %+v", list, q.Undo)
	}
	plain := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("y@example.net"), BlobKey: newBlobKey(), Size: 1}
	e.ok(e.s.Enqueue(e.ctx, plain), "Enqueue without undo state")
	if got, _ := e.s.QueuedMessage(e.ctx, plain.ID); got.Undo != (store.QueuedUndo{}) {
		e.Errorf("Undo of a message enqueued without one = %+v", got.Undo)
	}
}

// A delayed or scheduled send that left the queue is remembered: a late
// undo (after a restart, on another node: the store is all they share)
// learns that it went, or that it was cancelled already; another account
// still learns nothing.
func testQueueCancelGone(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	delayed := func() *store.QueuedMessage {
		q := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("x@example.net", "y@example.net"),
			BlobKey: newBlobKey(), Size: 1, CreatedAt: time.Now(), SendAt: time.Now().Add(10 * time.Second)}
		e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
		return q
	}
	went := delayed()
	x, y := went.Recipients[0], went.Recipients[1]
	x.Status, x.Attempts = store.RcptSent, 1
	y.Status, y.Attempts = store.RcptFailed, 1
	e.ok(e.s.SetRecipientResults(e.ctx, went.ID, []store.QueuedRecipient{x, y}), "every recipient tried")
	if _, err := e.s.QueuedMessage(e.ctx, went.ID); !errors.Is(err, store.ErrNotFound) {
		e.Fatalf("a message with no pending recipient is still queued: %v", err)
	}
	e.wantErr(e.s.CancelQueued(e.ctx, a.ID, went.ID), store.ErrTooLate, "CancelQueued of a send that went")
	e.wantErr(e.s.CancelQueued(e.ctx, b.ID, went.ID), store.ErrNotFound, "CancelQueued of another account's send that went")

	undone := delayed()
	e.ok(e.s.CancelQueued(e.ctx, a.ID, undone.ID), "CancelQueued")
	e.wantErr(e.s.CancelQueued(e.ctx, a.ID, undone.ID), store.ErrCancelled, "CancelQueued twice")
	e.wantErr(e.s.CancelQueued(e.ctx, b.ID, undone.ID), store.ErrNotFound, "CancelQueued of another account's cancelled send")

	dropped := delayed()
	e.ok(e.s.Dequeue(e.ctx, dropped.ID), "Dequeue")
	e.wantErr(e.s.CancelQueued(e.ctx, a.ID, dropped.ID), store.ErrNotFound, "CancelQueued of a send the operator dropped")
	e.wantRefs(went.BlobKey, 0)
	e.wantRefs(undone.BlobKey, 0)
	e.consistent()
}
