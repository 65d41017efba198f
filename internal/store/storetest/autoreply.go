package storetest

import (
	"sync"
	"time"
)

var autoReplyTests = []test{
	{"autoReply_oncePerSenderPerPeriod", testAutoReplyPeriod},
	{"autoReply_concurrentClaimsOneWins", testAutoReplyConcurrent},
	{"autoReply_goesWithTheAccount", testAutoReplyAccountDeleted},
}

func testAutoReplyAccountDeleted(e *env) {
	a := e.account("away@example.com")
	claim := func() bool {
		ok, err := e.s.ClaimAutoReply(e.ctx, a.ID, "x@remote.test", baseTime, baseTime.Add(-time.Hour))
		e.ok(err, "ClaimAutoReply")
		return ok
	}
	if !claim() || claim() {
		e.Fatalf("first claim refused or second allowed")
	}
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	if !claim() {
		e.Errorf("the deleted account's log is still there")
	}
}

func testAutoReplyPeriod(e *env) {
	const period = 72 * time.Hour
	claim := func(acct int64, sender string, at time.Time) bool {
		ok, err := e.s.ClaimAutoReply(e.ctx, acct, sender, at, at.Add(-period))
		e.ok(err, "ClaimAutoReply")
		return ok
	}
	t0 := baseTime
	if !claim(1, "alice@remote.test", t0) {
		e.Errorf("first reply refused")
	}
	if claim(1, "Alice@Remote.test", t0.Add(period-time.Second)) {
		e.Errorf("second reply within the period (another case) allowed")
	}
	if !claim(1, "bob@remote.test", t0) || !claim(2, "alice@remote.test", t0) {
		e.Errorf("another sender or another account refused")
	}
	// the refused claim did not move the period: it runs from t0
	if claim(1, "alice@remote.test", t0.Add(period)) {
		e.Errorf("reply exactly one period after allowed (since is inclusive)")
	}
	if !claim(1, "alice@remote.test", t0.Add(period+time.Second)) {
		e.Errorf("reply after the period refused")
	}
	if claim(1, "alice@remote.test", t0.Add(period+time.Second+time.Hour)) {
		e.Errorf("the new period did not start at the last reply")
	}
}

func testAutoReplyConcurrent(e *env) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Go(func() {
			ok, err := e.s.ClaimAutoReply(e.ctx, 7, "carol@remote.test", baseTime, baseTime.Add(-time.Hour))
			if err != nil {
				e.Errorf("ClaimAutoReply: %v", err)
			}
			if ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if won != 1 {
		e.Errorf("%d concurrent claims won, want 1", won)
	}
}
