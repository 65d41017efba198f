package web

import (
	"sync"
	"time"
)

// testClock is the fixture's Server.Now. It reads the real time until a
// test sets or moves it; from then on it stands still where it was put,
// so that expiry and scheduling are tested without sleeping.
type testClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// Set stops the clock at t.
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

// Add moves the clock d ahead of what it reads now, and stops it there.
func (c *testClock) Add(d time.Duration) {
	c.Set(c.Now().Add(d))
}
