package interop

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"postroom/internal/blob/s3/s3test"
	"postroom/internal/store/postgres/pgtest"
)

// cluster is two `postroom serve` processes, each with a data directory of
// its own (certificates, the operator's file) and one PostgreSQL schema
// and one S3 bucket between them (issue 20, X5).
type cluster struct {
	a, b *Server
	sink *relaySink
}

// clusterTables is the [store] and [blob] of a cluster on a fresh schema
// of the test PostgreSQL and a versitygw of its own.
func clusterTables(t *testing.T) string {
	t.Helper()
	dsn := pgtest.SchemaDSN(t, pgtest.Schema(t))
	gw := s3test.Start(t)
	return fmt.Sprintf(`
[store]
driver = "postgres"
dsn = %q

[blob]
driver = "s3"
endpoint = %q
bucket = %q
region = "us-east-1"
access_key = %q
secret_key = %q
path_style = true
`, dsn, gw.Endpoint(), s3test.Bucket, s3test.Access, s3test.Secret)
}

// clusterLease is the cluster's queue_lease: how long node B waits before
// it sends what the killed node A had claimed. Far longer than a
// transaction of these tests takes, so that no node's claim ends while it
// still sends.
const clusterLease = 10 * time.Second

// newCluster starts node A (`postroom init` on the shared store, then
// serve) and node B (serve only: the store is A's), both relaying outbound
// mail to one sink that passes pass messages and holds the rest.
func newCluster(t *testing.T, pass int) *cluster {
	t.Helper()
	shared := clusterTables(t)
	sink := startRelaySink(t, pass)
	opts := serverOptions{
		listen:     []string{"smtp", "submission", "imap", "http"},
		shared:     shared,
		queueLease: clusterLease,
		tables:     fmt.Sprintf("\n[relay]\nhost = %q\ntls = \"none\"\n", sink.addr),
	}
	a := newServer(t, opts)
	opts.fresh = true
	b := newServer(t, opts)
	return &cluster{a: a, b: b, sink: sink}
}

// TestCluster_eventsSessionsAndQueueAcrossNodes: two nodes on one
// PostgreSQL and one bucket.
//   - Mail delivered over SMTP to node A reaches an IMAP IDLE on node B
//     (* EXISTS), and its body read over IMAP on B is what A stored.
//   - A flag set over IMAP on B reaches the webmail's event stream on A.
//   - A webmail session made on A works on B.
//   - Node A is killed (SIGKILL) while the queue sends through the smart
//     host: node B sends everything, each message once, never while
//     another node sends it.
//
// The times of the cross-node events are logged (docs/scale-out.md); the
// waits are generous, since IMAP IDLE and the event stream hear of another
// node's changes only through the events between nodes: a missing event
// fails, a slow one does not.
func TestCluster_eventsSessionsAndQueueAcrossNodes(t *testing.T) {
	curl := requireTool(t, "curl", "curl")
	c := newCluster(t, 3)
	user := uniqueAddr("cluster")
	c.a.AddUser(t, user) // the command line on A's data directory: the shared store

	// IDLE on B, mail through A
	rec := newIGRecorder()
	idler := igLogin(t, c.b, "idler-b", user, rec.handler())
	if d := idler.igSelect(t, "INBOX"); d.NumMessages != 0 {
		t.Fatalf("SELECT INBOX on B: %d messages, want 0", d.NumMessages)
	}
	idle, err := idler.Idle()
	if err != nil {
		t.Fatalf("IDLE on B: %v", err)
	}
	id := igMXDeliver(t, c.a, user, "클러스터 A에서 B로")
	took, ok := rec.waitFor(igPushWait, func(r *igRecorder) bool { return slices.Contains(r.exists, 1) })
	if !ok {
		t.Fatalf("IDLE on B: no * 1 EXISTS within %v of SMTP delivery on A; got %v", igPushWait, rec)
	}
	t.Logf("SMTP 250 on node A → * 1 EXISTS in IDLE on node B: %v", took.Round(time.Millisecond))
	if err := idle.Close(); err != nil {
		t.Fatalf("DONE: %v", err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatalf("IDLE ended with %v", err)
	}
	body := idler.igFetchOne(t, 1, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}})
	if raw := body.FindBodySection(&imap.FetchItemBodySection{}); !strings.Contains(string(raw), id) {
		t.Fatalf("the message read on B (from the bucket) lacks its Message-ID %s:\n%s", id, raw)
	}

	// the webmail on A, the flag on B; the session A made, used on B
	baseA, baseB := "http://"+c.a.Addr(t, "http"), "http://"+c.b.Addr(t, "http")
	jar := curlLogin(t, curl, baseA, user)
	stream := curlStream(t, curl, baseA, jar)
	start := time.Now()
	if err := idler.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}}, nil).Close(); err != nil {
		t.Fatalf("STORE +FLAGS \\Flagged on B: %v", err)
	}
	data, _ := stream.waitEvent(t, "message.flags")
	t.Logf("STORE on node B → message.flags on node A's event stream: %v", time.Since(start).Round(time.Millisecond))
	if !strings.Contains(data, `"kind":"message.flags"`) {
		t.Errorf("message.flags data %q", data)
	}
	web := webLogin(t, baseA, user)
	web.base = baseB
	if code, err := web.get("/api/v1/mailboxes"); code != 200 {
		t.Errorf("the session made on A, on B: GET /api/v1/mailboxes %d %v", code, err)
	}
	web.base = baseA
	if code, err := web.get("/api/v1/mailboxes"); code != 200 {
		t.Errorf("the same session back on A: %d %v", code, err)
	}

	// the queue: A takes the submissions and dies while sending
	const n = 30
	sub, err := dialSMTP(c.a.Addr(t, "submission"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := sub.Ehlo(); err != nil || r.Code != 250 {
		t.Fatalf("EHLO: %v %v", r, err)
	}
	if r, err := sub.AuthPlain(user, testPassword); err != nil || r.Code != 235 {
		t.Fatalf("AUTH: %v %v", r, err)
	}
	for i := range n {
		mid := fmt.Sprintf("cluster.%d@interop.example", i)
		msg := buildMessage(user, "someone@elsewhere.example", mid, "cluster queue", 2000)
		if r, err := sub.Send(user, []string{fmt.Sprintf("r%d@elsewhere.example", i)}, msg); err != nil || r.Code != 250 {
			t.Fatalf("send %d: %v %v", i, r, err)
		}
	}
	sub.Close()
	select {
	case <-c.sink.held:
	case <-time.After(connWait):
		t.Fatalf("the nodes did not start sending within %v", connWait)
	}
	c.a.Kill(t)
	c.sink.open()
	killed := time.Now()
	deadline := time.Now().Add(clusterLease + 2*connWait)
	for {
		if distinct, _ := c.sink.count(); distinct == n {
			break
		}
		if time.Now().After(deadline) {
			distinct, total := c.sink.count()
			t.Fatalf("after node A was killed, node B sent %d of %d messages (%d sessions) within %v", distinct, n, total, time.Since(killed))
		}
		c.sink.waitArrival(time.Until(deadline))
	}
	t.Logf("node A killed → all %d messages at the smart host after %v", n, time.Since(killed).Round(time.Millisecond))
	// what A had claimed stays claimed until its lease ends; then B sends
	// it (again, when A had got as far as the end of DATA)
	for {
		out := c.b.MustCLI(t, "queue list")
		if !strings.Contains(out, "elsewhere.example") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue still holds messages on B %v after node A was killed:\n%s", time.Since(killed), out)
		}
		c.sink.waitArrival(time.Until(deadline))
	}
	distinct, total := c.sink.count()
	t.Logf("… and the queue empty on B after %v: %d transactions for %d messages", time.Since(killed).Round(time.Millisecond), total, distinct)
	c.sink.mu.Lock()
	overlap := c.sink.overlap
	c.sink.mu.Unlock()
	if overlap != 0 {
		t.Errorf("%d times a message was sent while another node was sending it", overlap)
	}
	// at most the ones A had in flight go twice (it died before it could
	// record them sent); the worker sends 10 at once
	if distinct != n || total > n+10 {
		t.Errorf("%d transactions for %d distinct messages of %d: more than node A's 10 in flight went twice", total, distinct, n)
	}
}
