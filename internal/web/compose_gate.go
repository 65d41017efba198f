package web

// The gate of the writing routes (issue 13, item 9). Building a message
// from the compose screen's JSON takes about twenty times the body's size
// at its peak (the HTML parsed and sanitised, its text alternative, the
// message parsed and indexed as it is stored; more until the garbage is
// collected): six 4 MiB drafts at once raised the server's peak by 523
// MiB. So the bodies being built at once weigh at most twice
// max_json_size together: one that fits goes in at once (a usual draft of
// a few KiB never waits behind a large one), the others wait their turn
// in order of arrival. A body is read before it queues, so a client that
// sends slowly holds no one up.

import (
	"context"
	"sync"
)

// gate is a weighted semaphore; its waiters are admitted in order.
type gate struct {
	mu      sync.Mutex
	used    int64
	waiting []*gateWaiter
}

type gateWaiter struct {
	n     int64
	ready chan struct{}
}

// acquire takes n of capacity, waiting for its turn; an error when ctx
// ends first (the client has gone).
func (g *gate) acquire(ctx context.Context, n, capacity int64) error {
	n = min(n, capacity)
	g.mu.Lock()
	if g.used+n <= capacity {
		g.used += n
		g.mu.Unlock()
		return nil
	}
	w := &gateWaiter{n: n, ready: make(chan struct{})}
	g.waiting = append(g.waiting, w)
	g.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		select {
		case <-w.ready: // admitted meanwhile: give it back
			g.used -= n
			g.admit(capacity)
		default:
			for i, x := range g.waiting {
				if x == w {
					g.waiting = append(g.waiting[:i], g.waiting[i+1:]...)
					break
				}
			}
			g.admit(capacity) // the next may fit now
		}
		return ctx.Err()
	}
}

// release gives n back and admits who now fits.
func (g *gate) release(n, capacity int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.used -= min(n, capacity)
	g.admit(capacity)
}

// admit lets waiters in, in order, while the first fits (lock held).
func (g *gate) admit(capacity int64) {
	for len(g.waiting) > 0 && g.used+g.waiting[0].n <= capacity {
		w := g.waiting[0]
		g.waiting = g.waiting[1:]
		g.used += w.n
		close(w.ready)
	}
}
