package interop

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// relaySink is a receiving SMTP server standing in for the smart host: it
// records the Message-IDs it accepts. It accepts the first pass messages
// at once; the DATA of later ones is read but not answered until open is
// called, so that the queue is in the middle of sending when the server is
// killed, on a fast machine or a slow one.
type relaySink struct {
	mu      sync.Mutex
	seen    map[string]int
	active  map[string]int // DATA under way, by Message-ID
	overlap int            // DATA begun while another of the same message was under way
	arrived chan struct{}  // one token after each message accepted
	addr    string
	pass    int           // messages accepted before the gate
	entered int           // DATA commands begun
	held    chan struct{} // closed when the first message is held
	gate    chan struct{} // closed by open
	once    sync.Once
}

func startRelaySink(t *testing.T, pass int) *relaySink {
	t.Helper()
	rs := &relaySink{seen: map[string]int{}, active: map[string]int{}, arrived: make(chan struct{}, 1), pass: pass, held: make(chan struct{}), gate: make(chan struct{})}
	t.Cleanup(rs.open)
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &relaySinkSession{rs: rs}, nil
	}))
	srv.Domain = "relay.example.test"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	rs.addr = l.Addr().String()
	return rs
}

// open lets every held and later message through.
func (rs *relaySink) open() { rs.once.Do(func() { close(rs.gate) }) }

// waitArrival waits for the next accepted message, at most d.
func (rs *relaySink) waitArrival(d time.Duration) {
	select {
	case <-rs.arrived:
	case <-time.After(d):
	}
}

func (rs *relaySink) count() (distinct, total int) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, n := range rs.seen {
		distinct++
		total += n
	}
	return distinct, total
}

type relaySinkSession struct {
	rs *relaySink
}

func (s *relaySinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *relaySinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *relaySinkSession) Reset()                               {}
func (s *relaySinkSession) Logout() error                        { return nil }
func (s *relaySinkSession) Data(r io.Reader) error {
	h, err := textproto.NewReader(bufio.NewReader(r)).ReadMIMEHeader()
	io.Copy(io.Discard, r)
	if err != nil {
		return err
	}
	rs := s.rs
	id := strings.Trim(h.Get("Message-Id"), "<>")
	rs.mu.Lock()
	if rs.active[id] > 0 {
		rs.overlap++
	}
	rs.active[id]++
	defer func() {
		rs.mu.Lock()
		rs.active[id]--
		rs.mu.Unlock()
	}()
	rs.entered++
	if rs.entered == rs.pass+1 {
		close(rs.held)
	}
	wait := rs.entered > rs.pass
	rs.mu.Unlock()
	if wait {
		<-rs.gate
	}
	rs.mu.Lock()
	rs.seen[id]++
	rs.mu.Unlock()
	select {
	case rs.arrived <- struct{}{}:
	default:
	}
	return nil
}

// TestQueueSurvivesSIGKILL: messages for outside addresses wait in the
// queue; the server is killed with SIGKILL while it sends them through the
// smart host; after the restart every message reaches the relay (at most
// the ones in flight twice) and the queue empties.
func TestQueueSurvivesSIGKILL(t *testing.T) {
	sink := startRelaySink(t, 3)
	s := newServer(t, serverOptions{listen: []string{"submission"},
		tables: fmt.Sprintf("\n[relay]\nhost = %q\ntls = \"none\"\n", sink.addr)})
	sender := uniqueAddr("queue-kill")
	s.AddUser(t, sender)
	const n = 30
	c, err := dialSMTP(s.Addr(t, "submission"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := c.Ehlo(); err != nil || r.Code != 250 {
		t.Fatalf("EHLO: %v %v", r, err)
	}
	if r, err := c.AuthPlain(sender, testPassword); err != nil || r.Code != 235 {
		t.Fatalf("AUTH: %v %v", r, err)
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("qkill.%d@interop.example", i)
		msg := buildMessage(sender, "someone@elsewhere.example", id, "queue kill", 2000)
		if r, err := c.Send(sender, []string{fmt.Sprintf("r%d@elsewhere.example", i)}, msg); err != nil || r.Code != 250 {
			t.Fatalf("submit %d: %v %v", i, r, err)
		}
	}
	c.Close()
	// Part of the queue has gone and a message is in flight, its DATA
	// held unanswered at the relay: kill now.
	select {
	case <-sink.held:
	case <-time.After(60 * time.Second):
		d, _ := sink.count()
		t.Fatalf("the relay got %d messages in 60 s and none is in flight", d)
	}
	s.Kill(t)
	before, _ := sink.count()
	sink.open()
	if before >= n {
		t.Fatalf("the whole queue went before the kill (%d)", before)
	}
	s.Restart(t)
	// A message claimed when the process died waits for its lease (15 min)
	// before it is tried again: retry it at once, as an operator would.
	for _, line := range strings.Split(s.MustCLI(t, "queue list"), "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.Contains(line, "bytes") {
			// the restarted worker may send and remove it in between
			if res := s.CLI(t, "queue retry", f[0]); res.err != nil || res.Code != 0 && !strings.Contains(res.Stderr+res.Stdout, "not found") {
				t.Fatalf("%s", res)
			}
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for d, _ := sink.count(); d < n && time.Now().Before(deadline); d, _ = sink.count() {
		time.Sleep(50 * time.Millisecond)
	}
	distinct, total := sink.count()
	if distinct != n {
		t.Fatalf("the relay got %d of %d messages after the restart (killed after %d)", distinct, n, before)
	}
	if total-distinct > 2*10 { // at most the messages in flight (10 in parallel) go twice
		t.Errorf("%d messages went twice", total-distinct)
	}
	for time.Now().Before(deadline) && !strings.Contains(s.MustCLI(t, "queue list"), "0 messages queued") {
		time.Sleep(50 * time.Millisecond)
	}
	if out := s.MustCLI(t, "queue list"); !strings.Contains(out, "0 messages queued") {
		t.Fatalf("queue not empty:\n%s", out)
	}
	if out := s.MustCLI(t, "check"); !strings.Contains(out, "consistent") {
		t.Fatalf("check:\n%s", out)
	}
	t.Logf("killed after %d of %d; %d sent twice", before, n, total-distinct)
}
