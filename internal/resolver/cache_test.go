package resolver

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// counting is a Static that counts the lookups that reach it.
type counting struct {
	Static
	asked atomic.Int64
}

func (c *counting) LookupTXT(ctx context.Context, name string) ([]string, error) {
	c.asked.Add(1)
	return c.Static.LookupTXT(ctx, name)
}

func (c *counting) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	c.asked.Add(1)
	return c.Static.LookupMX(ctx, name)
}

// An answer, and a name that does not exist, are kept a minute; a failure
// of the resolver five seconds; names are one whatever their case and
// final dot; each kind of record is its own question.
func TestCache_keepsAnswersAMinuteAndFailuresBriefly(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	r := &counting{Static: Static{
		TXT:  map[string][]string{"example.test": {"v=spf1 -all"}},
		MX:   map[string][]*net.MX{"example.test": {{Host: "mx.example.test.", Pref: 10}}},
		Fail: map[string]bool{"broken.test": true},
	}}
	c := &Cache{Resolver: r, Now: func() time.Time { return now }}
	ask := func(name string, wantAsked int64) {
		t.Helper()
		txt, err := c.LookupTXT(ctx, name)
		if got := r.asked.Load(); got != wantAsked {
			t.Fatalf("%s at %v: the resolver was asked %d times, want %d", name, now.Format(time.TimeOnly), got, wantAsked)
		}
		switch key(name) {
		case "example.test":
			if err != nil || len(txt) != 1 || txt[0] != "v=spf1 -all" {
				t.Fatalf("%s: %q %v", name, txt, err)
			}
		case "broken.test":
			if err == nil || IsNotFound(err) {
				t.Fatalf("%s: %v, want a temporary failure", name, err)
			}
		default:
			if !IsNotFound(err) {
				t.Fatalf("%s: %v, want not found", name, err)
			}
		}
	}
	ask("example.test", 1)
	ask("Example.TEST.", 1)
	ask("missing.test", 2)
	ask("missing.test", 2)
	ask("broken.test", 3)
	ask("broken.test", 3)
	if mx, err := c.LookupMX(ctx, "example.test"); err != nil || len(mx) != 1 || r.asked.Load() != 4 {
		t.Fatalf("MX of a name whose TXT is kept: %v %v, asked %d", mx, err, r.asked.Load())
	}

	now = now.Add(cacheFailure)
	ask("broken.test", 5)
	ask("example.test", 5)
	ask("missing.test", 5)

	now = now.Add(cacheAnswer - cacheFailure)
	ask("example.test", 6)
	ask("missing.test", 7)
}

// A lookup cut short by its caller's context is not kept: the next caller
// asks.
func TestCache_keepsNothingOfAnEndedContext(t *testing.T) {
	r := &counting{Static: Static{TXT: map[string][]string{"example.test": {"x"}}}}
	c := Cached(r)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	c.LookupTXT(done, "example.test")
	if txt, err := c.LookupTXT(context.Background(), "example.test"); err != nil || len(txt) != 1 || r.asked.Load() != 2 {
		t.Fatalf("after an ended lookup: %q %v, asked %d, want 2", txt, err, r.asked.Load())
	}
}

// Callers get their own slices: one that sorts or changes its answer
// changes no one else's.
func TestCache_answersAreCopies(t *testing.T) {
	r := &Static{
		MX:  map[string][]*net.MX{"example.test": {{Host: "b.", Pref: 20}, {Host: "a.", Pref: 10}}},
		TXT: map[string][]string{"example.test": {"one", "two"}},
	}
	c := Cached(r)
	ctx := context.Background()
	mx, _ := c.LookupMX(ctx, "example.test")
	mx[0], mx[1] = mx[1], mx[0]
	mx[0].Pref = 99
	txt, _ := c.LookupTXT(ctx, "example.test")
	txt[0] = "changed"
	mx2, _ := c.LookupMX(ctx, "example.test")
	txt2, _ := c.LookupTXT(ctx, "example.test")
	if mx2[0].Host != "b." || mx2[0].Pref != 20 || txt2[0] != "one" {
		t.Fatalf("a caller's change reached the cache: %v %v", *mx2[0], txt2)
	}
}

// The cache holds at most cacheMax names: past it, expired entries go,
// and if none has, all of them.
func TestCache_bounded(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	c := &Cache{Resolver: &Static{}, Now: func() time.Time { return now }}
	ctx := context.Background()
	for i := range cacheMax + 10 {
		c.LookupTXT(ctx, net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)).String()+".test")
		if n := len(c.entries); n > cacheMax {
			t.Fatalf("%d entries after %d names", n, i+1)
		}
	}
}
