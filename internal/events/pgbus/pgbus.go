// Package pgbus owns carrying events between the nodes of a cluster
// through PostgreSQL LISTEN/NOTIFY. The payloads are hints, like every
// event: a node that may have missed some (its LISTEN connection was lost,
// a publisher had to drop what it could not send, an event too big for a
// payload) tells its subscribers Overflow, and they reread the store.
//
// Invariants:
//   - Publish never blocks on the database: this node's subscribers get
//     the event at once; the other nodes' copy waits in a bounded queue
//     that one goroutine sends, in publish order. A queue that fills while
//     the database is slow or away is replaced by one resync hint (every
//     account of every other node rereads).
//   - A node hands on only other nodes' notifications (the node id in the
//     payload); its own subscribers had its events at once.
//   - After a lost LISTEN connection the resync (Overflow to every local
//     subscriber) is sent once LISTEN holds again, so whatever is committed
//     after it arrives as a notification and whatever was before is reread.
//   - Overflow published on this node is about its own subscribers: never
//     sent.
//
// LISTEN needs a session of its own: the DSN must reach PostgreSQL itself
// or a pooler in session mode (PgBouncer's transaction mode loses it).
package pgbus

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"postroom/internal/events"
)

// DefaultChannel is the NOTIFY channel of every node of a cluster.
const DefaultChannel = "postroom_events"

const (
	// maxPending bounds the events waiting to be sent to the other nodes;
	// beyond it they are dropped for one resync hint.
	maxPending = 10000
	// maxBatch is how many payloads one statement sends.
	maxBatch = 500
	// sendTimeout bounds one batch; listenTimeout one connect and LISTEN.
	sendTimeout   = 10 * time.Second
	listenTimeout = 10 * time.Second
	// pingEvery: a LISTEN connection silent this long is pinged, so that a
	// connection lost without a word (a partition, a dead load balancer)
	// is noticed within about pingEvery+pingTimeout, not at TCP keepalive.
	pingEvery   = 30 * time.Second
	pingTimeout = 5 * time.Second
	// Backoff between attempts to reach the database.
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Options tunes New; the zero value is what a node runs with.
type Options struct {
	// Channel is the NOTIFY channel (DefaultChannel when empty): every
	// node of one cluster uses the same; tests use their own.
	Channel string
	// Node names this node in the payloads (events.NewNode when empty):
	// letters, digits, '-' and '_', at most 32 bytes.
	Node string

	// pingEvery and pingTimeout replace the defaults in tests.
	pingEvery, pingTimeout time.Duration
}

// Bus is an events.Bus whose events also reach the other nodes listening
// on the same database and channel.
type Bus struct {
	local   *events.Local
	log     *slog.Logger
	node    string
	channel string
	pool    *pgxpool.Pool    // sends NOTIFY
	listen  *pgx.ConnConfig  // the dedicated LISTEN connection
	resync  string           // the payload that makes every node reread everything
	ping    [2]time.Duration // pingEvery, pingTimeout
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	wake    chan struct{} // one token: the queue has something

	mu        sync.Mutex
	pending   []string // payloads not yet taken by the sender
	lost      bool     // events were dropped: a resync hint goes first
	covered   uint64   // published events dropped, answered by that hint
	published uint64   // events queued for the other nodes, ever
	done      uint64   // of them: sent, or answered by a sent resync hint
	progress  chan struct{}
}

var _ events.Bus = (*Bus)(nil)

// New connects to the database at dsn (a libpq URL or key=value string),
// listens on the channel and returns the bus; events received from other
// nodes go to local's subscribers. ctx bounds only the first connection:
// the bus runs until Close. A database that cannot be reached now is an
// error; one lost later is reconnected to.
func New(ctx context.Context, dsn string, local *events.Local, log *slog.Logger, opt Options) (*Bus, error) {
	if log == nil {
		log = slog.Default()
	}
	channel, node := opt.Channel, opt.Node
	if channel == "" {
		channel = DefaultChannel
	}
	if len(channel) > 63 { // NAMEDATALEN-1: PostgreSQL would truncate it
		return nil, fmt.Errorf("pgbus: channel name %q longer than 63 bytes", channel)
	}
	if node == "" {
		node = events.NewNode()
	}
	if !validNode(node) {
		return nil, fmt.Errorf("pgbus: node name %q: want 1 to 32 letters, digits, '-' or '_'", node)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgbus: %w", err)
	}
	cfg.MaxConns = 1 // one sender, in publish order
	listen := cfg.ConnConfig.Copy()
	// so that an operator (or a test) can tell the connections of each
	// node in pg_stat_activity
	cfg.ConnConfig.RuntimeParams["application_name"] = "postroom-notify-" + node
	listen.RuntimeParams["application_name"] = "postroom-listen-" + node
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("pgbus: %w", err)
	}
	b := &Bus{
		local: local, log: log, node: node, channel: channel, pool: pool, listen: listen,
		resync:   encode(node, events.Event{Kind: events.Overflow}),
		ping:     [2]time.Duration{cmp.Or(opt.pingEvery, pingEvery), cmp.Or(opt.pingTimeout, pingTimeout)},
		wake:     make(chan struct{}, 1),
		progress: make(chan struct{}),
	}
	conn, err := b.connect(ctx)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgbus: listen on %q: %w", channel, err)
	}
	bctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.wg.Add(2)
	go b.listenLoop(bctx, conn)
	go b.sendLoop(bctx)
	return b, nil
}

func validNode(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Node is this node's name in the payloads.
func (b *Bus) Node() string { return b.node }

// Publish implements events.Bus: this node's subscribers at once, the
// other nodes through NOTIFY. It never waits for the database.
func (b *Bus) Publish(e events.Event) {
	b.local.Publish(e)
	if e.Kind == events.Overflow {
		return // about this node's subscribers only
	}
	p := encode(b.node, e)
	dropped := 0
	b.mu.Lock()
	if len(b.pending) >= maxPending {
		if !b.lost {
			dropped = len(b.pending) // the first drop until the resync is sent
		}
		b.covered += uint64(len(b.pending))
		b.pending, b.lost = nil, true
	}
	b.pending = append(b.pending, p)
	b.published++
	b.mu.Unlock()
	if dropped > 0 {
		b.log.Error("events: the database fell behind; dropping the queue for a resync of the other nodes",
			"channel", b.channel, "dropped", dropped)
	}
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Subscribe implements events.Bus.
func (b *Bus) Subscribe(accountID int64) (<-chan events.Event, func()) {
	return b.local.Subscribe(accountID)
}

// Flush waits until every event published so far has been sent to the
// other nodes, or dropped and answered by a sent resync hint (or ctx
// ends). A process that publishes and exits flushes first.
func (b *Bus) Flush(ctx context.Context) error {
	b.mu.Lock()
	target := b.published
	for b.done < target {
		progress := b.progress
		b.mu.Unlock()
		select {
		case <-progress:
		case <-ctx.Done():
			return ctx.Err()
		}
		b.mu.Lock()
	}
	b.mu.Unlock()
	return nil
}

// Close stops listening and sending and closes the connections. Events
// not yet sent are not sent: Flush first to send them.
func (b *Bus) Close() {
	b.cancel()
	b.wg.Wait()
	b.pool.Close()
}

// backoff waits about d (jittered, so that nodes that lost the database
// together do not return together) or until ctx ends, and returns the next
// wait.
func backoff(ctx context.Context, d time.Duration) (time.Duration, bool) {
	t := time.NewTimer(d/2 + rand.N(d/2+1))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return d, false
	case <-t.C:
	}
	return min(2*d, maxBackoff), true
}
