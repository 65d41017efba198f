package storetest

import (
	"sync"
	"time"
)

var limitTests = []test{
	{"limits_slidingWindowPerKey", testLimitsWindow},
	{"limits_concurrentHitsAllCount", testLimitsConcurrent},
	{"limits_negativeHitsTakeBack", testLimitsTakeBack},
}

func testLimitsWindow(e *env) {
	t0 := baseTime
	since := func(at time.Time) time.Time { return at.Add(-time.Minute) }
	for i, want := range []int{1, 2, 5} {
		at := t0.Add(time.Duration(i) * 10 * time.Second)
		n := 1
		if i == 2 {
			n = 3
		}
		got, err := e.s.AddHits(e.ctx, "login-ip:192.0.2.7", n, at, since(at))
		e.ok(err, "AddHits")
		if got != want {
			e.Errorf("hit %d: %d in the window, want %d", i, got, want)
		}
	}
	if got, err := e.s.Hits(e.ctx, "login-ip:192.0.2.8", t0.Add(-time.Hour)); err != nil || got != 0 {
		e.Errorf("another key: %d, %v", got, err)
	}
	// 70 s after the first hit, the window no longer holds it
	later := t0.Add(70 * time.Second)
	if got, err := e.s.Hits(e.ctx, "login-ip:192.0.2.7", since(later)); err != nil || got != 4 {
		e.Errorf("after the first hit left the window: %d, %v (want 4)", got, err)
	}
	got, err := e.s.AddHits(e.ctx, "login-ip:192.0.2.7", 1, later, since(later))
	e.ok(err, "AddHits(later)")
	if got != 5 {
		e.Errorf("AddHits(later) = %d, want 5", got)
	}
	e.ok(e.s.ClearHits(e.ctx, "login-ip:192.0.2.7"), "ClearHits")
	if got, _ := e.s.Hits(e.ctx, "login-ip:192.0.2.7", t0.Add(-time.Hour)); got != 0 {
		e.Errorf("after ClearHits: %d", got)
	}
	_, err = e.s.AddHits(e.ctx, "a", 1, t0, t0)
	e.ok(err, "AddHits(a)")
	_, err = e.s.AddHits(e.ctx, "b", 1, t0.Add(time.Hour), t0)
	e.ok(err, "AddHits(b)")
	n, err := e.s.TrimHits(e.ctx, t0.Add(time.Minute))
	e.ok(err, "TrimHits")
	if n != 1 {
		e.Errorf("TrimHits removed %d rows, want 1", n)
	}
	if got, _ := e.s.Hits(e.ctx, "b", t0); got != 1 {
		e.Errorf("TrimHits took a hit after its cut: %d", got)
	}
}

// Hits from many goroutines at once (several connections, several
// processes) are all counted: the count is what the limits decide on.
func testLimitsConcurrent(e *env) {
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := e.s.AddHits(e.ctx, "login-account:kim@example.com", 1, baseTime, baseTime.Add(-time.Hour)); err != nil {
					e.Errorf("AddHits: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got, err := e.s.Hits(e.ctx, "login-account:kim@example.com", baseTime.Add(-time.Hour)); err != nil || got != workers*each {
		e.Errorf("%d concurrent hits counted as %d (%v)", workers*each, got, err)
	}
}

// A reservation taken back (n < 0 at the same time) no longer counts, and
// the pair leaves the window together.
func testLimitsTakeBack(e *env) {
	const key = "login-account:lee@example.com"
	t0, t1 := baseTime, baseTime.Add(time.Second)
	since := t0.Add(-time.Minute)
	for i, h := range []struct {
		at   time.Time
		n    int
		want int
	}{{t0, 1, 1}, {t1, 1, 2}, {t1, -1, 1}} {
		got, err := e.s.AddHits(e.ctx, key, h.n, h.at, since)
		e.ok(err, "AddHits")
		if got != h.want {
			e.Errorf("AddHits #%d (%d) = %d, want %d", i, h.n, got, h.want)
		}
	}
	if got, err := e.s.Hits(e.ctx, key, t0.Add(500*time.Millisecond)); err != nil || got != 0 {
		e.Errorf("once the first hit left the window: %d, %v (want 0: the second was taken back)", got, err)
	}
	if got, err := e.s.Hits(e.ctx, key, since); err != nil || got != 1 {
		e.Errorf("the whole window: %d, %v (want 1)", got, err)
	}
}
