package pgbus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/events"
)

// The tests run against a real PostgreSQL: POSTROOM_TEST_POSTGRES, or the
// one CI provides at 127.0.0.1:5432 (trust auth, database test). Each test
// has its own channel, so that tests running at once (and other packages'
// tests on the same database) do not hear each other.

func testDSN() string {
	if dsn := os.Getenv("POSTROOM_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// admin returns a connection for the test's own SQL; a database that
// cannot be reached fails the test under CI and skips it elsewhere.
func admin(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testDSN())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL: %v", err)
		}
		t.Skipf("no PostgreSQL (%v); set POSTROOM_TEST_POSTGRES", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// testLog writes the bus's log into the test's.
func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(logWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// node starts one node's bus on channel, through dsn.
func node(t testing.TB, dsn, channel string, opt Options) *Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opt.Channel = channel
	b, err := New(ctx, dsn, events.NewLocal(), testLog(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// twoNodes starts two buses (two pools, two LISTEN connections) on one
// database and one channel of the test's own.
func twoNodes(t testing.TB) (a, b *Bus) {
	t.Helper()
	admin(t)
	ch := randomName("pgbus_test_")
	return node(t, testDSN(), ch, Options{}), node(t, testDSN(), ch, Options{})
}

// wait returns the next event of ch, failing the test after a generous
// bound (a missing event, not a slow one).
func wait(t testing.TB, ch <-chan events.Event, what string) events.Event {
	t.Helper()
	start := time.Now()
	select {
	case e := <-ch:
		t.Logf("%s: %v after %v", what, e.Kind, time.Since(start).Round(time.Microsecond))
		return e
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: no event in 30 s", what)
		return events.Event{}
	}
}

func subscribe(t testing.TB, b *Bus, account int64) <-chan events.Event {
	ch, cancel := b.Subscribe(account)
	t.Cleanup(cancel)
	return ch
}

func TestBus_aPublishReachesItsNodeAtOnceAndTheOtherThroughNotify(t *testing.T) {
	a, b := twoNodes(t)
	here := subscribe(t, a, 1)
	there := subscribe(t, b, 1)
	other := subscribe(t, b, 2)
	e := events.Event{Kind: events.MessageNew, AccountID: 1, MailboxID: 3, UIDs: []uint32{7, 8}, ModSeq: 12}
	a.Publish(e)
	select {
	case got := <-here:
		if got.Kind != e.Kind || got.MailboxID != 3 {
			t.Fatalf("the publishing node got %+v", got)
		}
	default:
		t.Fatal("the publishing node's subscriber did not have the event at once")
	}
	got := wait(t, there, "the other node")
	if got.Kind != e.Kind || got.AccountID != 1 || got.MailboxID != 3 || len(got.UIDs) != 2 || got.UIDs[1] != 8 || got.ModSeq != 12 {
		t.Fatalf("the other node got %+v, want %+v", got, e)
	}
	// account 2's subscriber heard nothing of account 1: the first thing
	// it gets is its own
	a.Publish(events.Event{Kind: events.MailboxChange, AccountID: 2, MailboxID: 5})
	if got := wait(t, other, "account 2"); got.Kind != events.MailboxChange || got.MailboxID != 5 {
		t.Fatalf("account 2's subscriber got %+v first", got)
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A node hears its own notifications too (it listens on the channel it
// sends on) and drops them: its subscribers had them at publish.
func TestBus_ownEchoesAreNotDeliveredTwice(t *testing.T) {
	a, b := twoNodes(t)
	ch := subscribe(t, a, 1)
	a.Publish(events.Event{Kind: events.MailboxChange, AccountID: 1, MailboxID: 100})
	if got := wait(t, ch, "own event"); got.MailboxID != 100 {
		t.Fatalf("first event %+v, want its own (100)", got)
	}
	// a's notification is committed before b's is sent, so a's listener
	// receives its echo first: had it handed it on, 100 would come again
	// before 200
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.Publish(events.Event{Kind: events.MailboxChange, AccountID: 1, MailboxID: 200})
	if got := wait(t, ch, "the other node's event"); got.MailboxID != 200 {
		t.Fatalf("after its own event the node handed on %+v, want the other node's (200)", got)
	}
	// Overflow is about a node's own subscribers: never sent
	a.Publish(events.Event{Kind: events.Overflow, AccountID: 1})
	if got := wait(t, ch, "local overflow"); got.Kind != events.Overflow {
		t.Fatalf("got %+v", got)
	}
	there := subscribe(t, b, 1)
	a.Publish(events.Event{Kind: events.MailboxChange, AccountID: 1, MailboxID: 300})
	if got := wait(t, there, "after a local overflow"); got.Kind != events.MailboxChange || got.MailboxID != 300 {
		t.Fatalf("the other node got %+v first, want 300 (the overflow is not sent)", got)
	}
}

// An event whose UIDs do not fit in a payload reaches the other node as an
// Overflow hint for its account and mailbox; its own node has it whole.
func TestBus_aBigEventBecomesAnOverflowHint(t *testing.T) {
	a, b := twoNodes(t)
	here := subscribe(t, a, 1)
	there := subscribe(t, b, 1)
	var uids []uint32
	for u := uint32(1); u <= 5000; u++ {
		uids = append(uids, 3*u)
	}
	a.Publish(events.Event{Kind: events.MessageExpunge, AccountID: 1, MailboxID: 9, UIDs: uids, ModSeq: 40})
	if got := wait(t, here, "own node"); got.Kind != events.MessageExpunge || len(got.UIDs) != len(uids) {
		t.Fatalf("own node got %v with %d uids", got.Kind, len(got.UIDs))
	}
	got := wait(t, there, "other node")
	if got.Kind != events.Overflow || got.AccountID != 1 || got.MailboxID != 9 || len(got.UIDs) != 0 {
		t.Fatalf("the other node got %+v, want an overflow hint for mailbox 9", got)
	}
	// the same number of contiguous UIDs fits
	uids = uids[:0]
	for u := uint32(1); u <= 5000; u++ {
		uids = append(uids, u)
	}
	a.Publish(events.Event{Kind: events.MessageExpunge, AccountID: 1, MailboxID: 9, UIDs: uids, ModSeq: 41})
	if got := wait(t, there, "contiguous"); got.Kind != events.MessageExpunge || len(got.UIDs) != 5000 || got.UIDs[4999] != 5000 {
		t.Fatalf("the other node got %v with %d uids", got.Kind, len(got.UIDs))
	}
}

// terminate ends the backends whose application_name is name, as an
// operator or a failover would, and returns how many there were.
func terminate(t *testing.T, conn *pgx.Conn, name string) int {
	t.Helper()
	var n int
	err := conn.QueryRow(context.Background(),
		`SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) AS k`,
		name).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A node whose LISTEN connection is killed reconnects and tells every
// subscriber to reread (what was sent meanwhile is lost); then events flow
// again.
func TestBus_lostListenConnectionReconnectsAndResyncs(t *testing.T) {
	a, b := twoNodes(t)
	sql := admin(t)
	one := subscribe(t, b, 1)
	five := subscribe(t, b, 5)
	here := subscribe(t, a, 1)
	if n := terminate(t, sql, "postroom-listen-"+b.Node()); n != 1 {
		t.Fatalf("%d LISTEN connections of node b, want 1", n)
	}
	for _, ch := range []<-chan events.Event{one, five} {
		if got := wait(t, ch, "after the reconnect"); got.Kind != events.Overflow {
			t.Fatalf("got %+v, want the resync (overflow)", got)
		}
	}
	a.Publish(events.Event{Kind: events.MessageNew, AccountID: 1, MailboxID: 3, UIDs: []uint32{1}})
	if got := wait(t, one, "after the resync"); got.Kind != events.MessageNew || got.MailboxID != 3 {
		t.Fatalf("got %+v, want the new message", got)
	}
	// the other node's own listener was not touched: no resync there
	if got := wait(t, here, "node a"); got.Kind != events.MessageNew {
		t.Fatalf("node a got %+v first", got)
	}
}

// A node whose NOTIFY connection is killed sends the failed batch again
// on a new one: the other node misses nothing.
func TestBus_lostNotifyConnectionSendsAgain(t *testing.T) {
	a, b := twoNodes(t)
	sql := admin(t)
	there := subscribe(t, b, 1)
	a.Publish(events.Event{Kind: events.MailboxChange, AccountID: 1, MailboxID: 1})
	if got := wait(t, there, "first"); got.MailboxID != 1 {
		t.Fatalf("got %+v", got)
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := terminate(t, sql, "postroom-notify-"+a.Node()); n != 1 {
		t.Fatalf("%d NOTIFY connections of node a, want 1", n)
	}
	a.Publish(events.Event{Kind: events.MailboxChange, AccountID: 1, MailboxID: 2})
	if got := wait(t, there, "after the kill"); got.MailboxID != 2 {
		t.Fatalf("got %+v", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// Publish never waits for the database: while node a's connections are
// stalled, it queues; past the bound it drops the queue, and once the
// database answers the other node gets one resync hint (every account
// rereads), then what was published after the drop. Flush returns once
// that is sent.
func TestBus_aStalledDatabaseNeverBlocksPublishAndEndsInAResync(t *testing.T) {
	admin(t)
	proxy := newStallProxy(t)
	ch := randomName("pgbus_test_")
	a := node(t, proxy.dsn(t), ch, Options{})
	b := node(t, testDSN(), ch, Options{})
	watched := subscribe(t, b, 1) // account 2 is flooded; nobody on b watches it
	here := subscribe(t, a, 1)
	proxy.stall()
	for i := range maxPending + maxBatch + 10 {
		a.Publish(events.Event{Kind: events.MessageFlags, AccountID: 2, MailboxID: 1, UIDs: []uint32{uint32(i + 1)}})
	}
	a.Publish(events.Event{Kind: events.MessageNew, AccountID: 1, MailboxID: 77, UIDs: []uint32{1}})
	if got := wait(t, here, "own node while stalled"); got.MailboxID != 77 {
		t.Fatalf("own node got %+v", got)
	}
	proxy.resume()
	if got := wait(t, watched, "after the stall"); got.Kind != events.Overflow {
		t.Fatalf("got %+v, want the resync (overflow) first", got)
	}
	if got := wait(t, watched, "then"); got.Kind != events.MessageNew || got.MailboxID != 77 {
		t.Fatalf("then %+v, want the event published after the drop", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// A LISTEN connection that goes silent (a partition: no reset, no error)
// is noticed by the ping and replaced; then the node resyncs.
func TestBus_aSilentListenConnectionIsNoticedByThePing(t *testing.T) {
	admin(t)
	proxy := newStallProxy(t)
	ch := randomName("pgbus_test_")
	a := node(t, testDSN(), ch, Options{})
	b := node(t, proxy.dsn(t), ch, Options{pingEvery: 50 * time.Millisecond, pingTimeout: 100 * time.Millisecond})
	watched := subscribe(t, b, 1)
	<-proxy.accepted // b's LISTEN connection (b has not published: no other)
	proxy.stall()
	select {
	case <-proxy.accepted: // b connects again: it noticed
	case <-time.After(30 * time.Second):
		t.Fatal("b did not notice the silent connection in 30 s")
	}
	proxy.resume()
	if got := wait(t, watched, "after the reconnect"); got.Kind != events.Overflow {
		t.Fatalf("got %+v, want the resync (overflow)", got)
	}
	a.Publish(events.Event{Kind: events.MailboxChange, AccountID: 1, MailboxID: 4})
	if got := wait(t, watched, "then"); got.Kind != events.MailboxChange || got.MailboxID != 4 {
		t.Fatalf("then %+v", got)
	}
}

// stallProxy forwards TCP connections to the database and can hold what
// they send (in both directions) until resumed, as a database that stops
// answering does.
type stallProxy struct {
	ln       net.Listener
	target   string
	accepted chan struct{} // a token for each connection accepted
	mu       sync.Mutex
	gate     chan struct{} // closed while traffic flows
}

func newStallProxy(t *testing.T) *stallProxy {
	cfg, err := pgx.ParseConfig(testDSN())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), gate: make(chan struct{}), accepted: make(chan struct{}, 100)}
	close(p.gate)
	var conns sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		p.resume()
		conns.Wait()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case p.accepted <- struct{}{}:
			default:
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				p.serve(c)
			}()
		}
	}()
	return p
}

// dsn is the test database through the proxy.
func (p *stallProxy) dsn(t *testing.T) string {
	cfg, err := pgx.ParseConfig(testDSN())
	if err != nil {
		t.Fatal(err)
	}
	return "postgres://" + cfg.User + "@" + p.ln.Addr().String() + "/" + cfg.Database + "?sslmode=disable"
}

func (p *stallProxy) stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
		p.gate = make(chan struct{})
	default:
	}
}

func (p *stallProxy) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
	default:
		close(p.gate)
	}
}

func (p *stallProxy) open() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gate
}

func (p *stallProxy) serve(c net.Conn) {
	defer c.Close()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		defer func() { done <- struct{}{} }()
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				<-p.open()
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return // EOF or a closed connection: the other side ends too
			}
		}
	}
	go pipe(s, c)
	go pipe(c, s)
	<-done // one side ended: end both
}

// BenchmarkBus_eventsAToB measures how many events per second node a sends
// node b (publish, NOTIFY, LISTEN, decode, local fan-out), with at most
// window events on their way at once: below the local subscriber's buffer,
// so that none is dropped there and every one is counted.
func BenchmarkBus_eventsAToB(bm *testing.B) {
	const window = 200
	a, b := twoNodes(bm)
	ch := subscribe(bm, b, 1)
	slots := make(chan struct{}, window)
	got := make(chan error, 1)
	go func() {
		for want := 1; want <= bm.N; want++ {
			e := <-ch
			if e.Kind != events.MessageNew || e.ModSeq != uint64(want) {
				got <- fmt.Errorf("event %d: %v %d", want, e.Kind, e.ModSeq)
				return
			}
			<-slots
		}
		got <- nil
	}()
	bm.ResetTimer()
	start := time.Now()
	for i := 1; i <= bm.N; i++ {
		slots <- struct{}{}
		a.Publish(events.Event{Kind: events.MessageNew, AccountID: 1, MailboxID: 3, UIDs: []uint32{uint32(i)}, ModSeq: uint64(i)})
	}
	select {
	case err := <-got:
		if err != nil {
			bm.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		bm.Fatalf("b had not had %d events after 60 s", bm.N)
	}
	bm.ReportMetric(float64(bm.N)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkBus_latencyAToB measures one event's way from a's Publish to
// b's subscriber, one at a time.
func BenchmarkBus_latencyAToB(bm *testing.B) {
	a, b := twoNodes(bm)
	ch := subscribe(bm, b, 1)
	bm.ResetTimer()
	for i := range bm.N {
		a.Publish(events.Event{Kind: events.MailboxChange, AccountID: 1, MailboxID: int64(i + 1)})
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
			bm.Fatal("no event in 30 s")
		}
	}
}
