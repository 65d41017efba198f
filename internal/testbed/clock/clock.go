// Package clock is the tests' clock: it stands where a test puts it and
// moves only when the test moves it, so that expiry, windows and schedules
// are tested without sleeping and without the real date. It depends on
// nothing, so the tests of any package may use it.
package clock

import (
	"sync"
	"time"
)

// Fake is a clock that stands still. Its Now goes where a service takes a
// clock (a `Now func() time.Time` field).
type Fake struct {
	mu sync.Mutex
	at time.Time
}

// At returns a clock standing at t.
func At(t time.Time) *Fake { return &Fake{at: t} }

// Now reads the clock.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// Set puts the clock at t.
func (c *Fake) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

// Add moves the clock d ahead.
func (c *Fake) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}
