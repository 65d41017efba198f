package events

// Shared carries events between the processes of one store through its
// event log (store.EventLog): a publish reaches this process's subscribers
// at once and is appended to the log; Follow reads what the other
// processes appended and hands it to this process's subscribers. The
// command line publishes through one (its changes reach the server's IMAP
// IDLE and event streams); the server publishes and follows. Issue 20
// carries events between nodes the same way (PostgreSQL NOTIFY can wake
// a follower before its next poll).
//
// Invariants:
//   - Publish never blocks on the store: the log is written by one
//     goroutine, in batches, in publish order. Flush waits for it.
//   - A follower hands on only other processes' rows (Node), never its
//     own, which its subscribers had at once; and never writes them back.
//   - A follower that may have missed rows (it could not read the log for
//     longer than half of Retention, which Trim may have removed meanwhile)
//     sends Overflow to every subscriber: they reread the store.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"postroom/internal/store"
)

// Defaults of Shared.
const (
	// DefaultPoll is how often a follower reads the log: changes made by
	// another process arrive within it (sub-second, as IDLE users expect).
	DefaultPoll = 200 * time.Millisecond
	// DefaultRetention is how long rows stay in the log: far longer than
	// any follower takes between two reads.
	DefaultRetention = 10 * time.Minute
	// maxPending bounds what waits to be written while the store is slow;
	// beyond it the oldest are dropped (for the other processes only: the
	// local subscribers had them).
	maxPending = 10000
	// readBatch is how many rows a follower reads at once.
	readBatch = 500
	// writeTimeout bounds one append to the log.
	writeTimeout = 30 * time.Second
	// DefaultLinger is how long the writer lets events gather before it
	// appends them: a stream of changes (an IMAP APPEND stream, a burst
	// of deliveries) costs one write transaction per DefaultLinger
	// instead of one per change (issue 21: 6.5 % of an APPEND's CPU).
	// Followers read the log every DefaultPoll, so they see no delay.
	DefaultLinger = 50 * time.Millisecond
)

// Shared is a Bus shared by every process of one store.
type Shared struct {
	log   store.EventLog
	node  string
	local *Local

	// Log receives the errors of writing and reading the log (default
	// slog.Default()). Poll, Retention and Linger default to DefaultPoll,
	// DefaultRetention and DefaultLinger; Now to time.Now. Set them
	// before use.
	Log       *slog.Logger
	Poll      time.Duration
	Retention time.Duration
	Linger    time.Duration
	Now       func() time.Time

	mu      sync.Mutex
	pending []store.LoggedEvent
	writing bool          // a writer goroutine runs
	idle    chan struct{} // closed when that writer has written everything
	hurry   chan struct{} // closed by Flush: the writer stops lingering
	dropped int
}

var _ Bus = (*Shared)(nil)

// NewShared returns a bus over the store's event log. node names this
// process in the log (NewNode when empty).
func NewShared(log store.EventLog, node string) *Shared {
	if node == "" {
		node = NewNode()
	}
	return &Shared{log: log, node: node, local: NewLocal()}
}

// NewNode returns a random name for one process in the event log.
func NewNode() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Node is this process's name in the log.
func (b *Shared) Node() string { return b.node }

func (b *Shared) logger() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.Default()
}

func (b *Shared) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Publish implements Bus: this process's subscribers at once, the other
// processes through the log.
func (b *Shared) Publish(e Event) {
	b.local.Publish(e)
	if e.Kind == Overflow {
		return // about this process's subscribers only
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.pending) >= maxPending {
		b.pending = b.pending[1:]
		b.dropped++
	}
	b.pending = append(b.pending, store.LoggedEvent{Node: b.node, Kind: string(e.Kind), AccountID: e.AccountID,
		MailboxID: e.MailboxID, UIDs: e.UIDs, ModSeq: e.ModSeq, At: b.now()})
	if !b.writing {
		b.writing = true
		b.idle, b.hurry = make(chan struct{}), make(chan struct{})
		go b.write(b.hurry)
	}
}

// write appends what is pending until nothing is, then ends: events
// published while it lingers, or while a batch is written, form the next
// batch.
func (b *Shared) write(hurry <-chan struct{}) {
	linger := b.Linger
	if linger == 0 {
		linger = DefaultLinger
	}
	t := time.NewTimer(linger)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-hurry:
		}
		b.mu.Lock()
		batch, dropped := b.pending, b.dropped
		b.pending, b.dropped = nil, 0
		if len(batch) == 0 {
			b.writing = false
			close(b.idle)
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		if dropped > 0 {
			b.logger().Error("event log: the store fell behind; events dropped for the other processes", "dropped", dropped)
		}
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		err := b.log.AppendEvents(ctx, batch)
		cancel()
		if err != nil {
			b.logger().Error("event log: append", "events", len(batch), "err", err)
		}
		t.Reset(linger)
	}
}

// Flush waits until every event published so far is in the log (or ctx
// ends). A process that publishes and exits (the command line) flushes
// first.
func (b *Shared) Flush(ctx context.Context) error {
	b.mu.Lock()
	if !b.writing {
		b.mu.Unlock()
		return nil
	}
	idle := b.idle
	select {
	case <-b.hurry:
	default:
		close(b.hurry)
	}
	b.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Subscribe implements Bus.
func (b *Shared) Subscribe(accountID int64) (<-chan Event, func()) {
	return b.local.Subscribe(accountID)
}

// Follow starts handing the events other processes append to this
// process's subscribers, until ctx ends (then the returned channel is
// closed); it also trims the log. It finds where the log ends before it
// returns: every event appended after that is handed on. The server runs
// one.
func (b *Shared) Follow(ctx context.Context) (<-chan struct{}, error) {
	last, err := b.log.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	start := b.now()
	go func() {
		defer close(done)
		b.follow(ctx, last, start)
	}()
	return done, nil
}

// follow reads the log after last; lastRead is when it last knew it had
// read everything.
func (b *Shared) follow(ctx context.Context, last int64, lastRead time.Time) {
	poll, retention := b.Poll, b.Retention
	if poll <= 0 {
		poll = DefaultPoll
	}
	if retention <= 0 {
		retention = DefaultRetention
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	var lastTrim time.Time
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			evs, err := b.log.EventsAfter(ctx, last, readBatch)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				if !failing {
					b.logger().Error("event log: read", "err", err)
				}
				failing = true
				break
			}
			if failing {
				b.logger().Info("event log: reading again")
				failing = false
			}
			now := b.now()
			if now.Sub(lastRead) > retention/2 {
				// Rows may have been trimmed before this follower read them.
				b.local.OverflowAll()
			}
			lastRead = now
			for _, le := range evs {
				last = le.ID
				if le.Node == b.node {
					continue
				}
				b.local.Publish(Event{Kind: Kind(le.Kind), AccountID: le.AccountID, MailboxID: le.MailboxID, UIDs: le.UIDs, ModSeq: le.ModSeq})
			}
			if len(evs) < readBatch {
				break
			}
		}
		if now := b.now(); now.Sub(lastTrim) > retention/10 {
			lastTrim = now
			if _, err := b.log.TrimEvents(ctx, now.Add(-retention)); err != nil && ctx.Err() == nil {
				b.logger().Error("event log: trim", "err", err)
			}
		}
	}
}
