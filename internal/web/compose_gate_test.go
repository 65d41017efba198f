package web

import (
	"context"
	"testing"
	"time"
)

// The gate admits a body that fits at once, and the waiting ones in order
// of arrival; one whose client has gone leaves the queue and lets the
// next in.
func TestGate_admitsInOrderWithinItsCapacity(t *testing.T) {
	var g gate
	ctx := context.Background()
	if err := g.acquire(ctx, 6, 10); err != nil {
		t.Fatal(err)
	}
	admitted := make(chan string, 3)
	queue := func(name string, ctx context.Context, n int64) {
		go func() {
			if g.acquire(ctx, n, 10) == nil {
				admitted <- name
			} else {
				admitted <- name + " gave up"
			}
		}()
		for { // wait until it is in the queue: order of arrival is the test
			g.mu.Lock()
			l := len(g.waiting)
			in := l > 0 && g.waiting[l-1].n == n
			g.mu.Unlock()
			if in {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	gone, leave := context.WithCancel(ctx)
	queue("big", gone, 8)
	queue("bigger", ctx, 9)
	if err := g.acquire(ctx, 4, 10); err != nil { // fits: in at once
		t.Fatal(err)
	}
	select {
	case a := <-admitted:
		t.Fatalf("%s admitted beyond the capacity", a)
	default:
	}
	leave()
	if a := <-admitted; a != "big gave up" {
		t.Fatalf("first %q", a)
	}
	g.release(6, 10)
	select {
	case a := <-admitted:
		t.Fatalf("%s admitted beyond the capacity", a)
	default:
	}
	g.release(4, 10)
	if a := <-admitted; a != "bigger" {
		t.Fatalf("then %q, want bigger (big left the queue)", a)
	}
	g.release(9, 10)
	if g.used != 0 || len(g.waiting) != 0 {
		t.Fatalf("used %d, waiting %d", g.used, len(g.waiting))
	}
}
