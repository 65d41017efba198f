package store

import (
	"context"
	"time"
)

// LimitStore keeps the counters of rate limits that every process and
// node must share: login failures per source address and per account,
// unknown recipients per source address. A counter is the hits of a key
// over a sliding window; keys are the callers' ("login-ip:192.0.2.7").
type LimitStore interface {
	// AddHits records n hits of key at at and returns the key's hits at
	// or after since, these included. Hits older than since may be
	// forgotten on the way. A negative n takes back hits recorded at the
	// same at (a reservation that turned out not to count): they leave
	// the window together.
	AddHits(ctx context.Context, key string, n int, at, since time.Time) (int, error)
	// Hits returns the key's hits at or after since.
	Hits(ctx context.Context, key string, since time.Time) (int, error)
	// ClearHits forgets every hit of key (a success that ends a run of
	// failures).
	ClearHits(ctx context.Context, key string) error
	// TrimHits forgets every hit before before and returns how many rows
	// went.
	TrimHits(ctx context.Context, before time.Time) (int, error)
}
