package interop

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSIGKILLDurability: "nothing acknowledged is lost". Eight clients send
// over MX as fast as they can; the server is killed with SIGKILL in the
// middle; after the restart every message that got 250 is in its
// recipients' INBOX exactly once and `postroom check` finds the store
// consistent. Three kill cycles on the same data directory.
func TestSIGKILLDurability(t *testing.T) {
	const (
		cycles  = 3
		clients = 8
		perConn = 25 // messages per connection before reconnecting
		// beforeKill: acknowledged messages of a cycle after which the
		// kill comes (then up to a second later, at a random point): the
		// kill waits for work done, not for a time, on any machine.
		beforeKill = 20 * clients
	)
	s := newServer(t, serverOptions{listen: []string{"smtp"}})
	s.MustCLI(t, "domain add", "second.test")
	rcpts := []string{uniqueAddr("dur-a"), uniqueAddr("dur-b"), uniqueAddr("dur-c"),
		fmt.Sprintf("dur-d-%d@second.test", uniqueCounter.Add(1))}
	for _, r := range rcpts {
		s.AddUser(t, r)
	}

	var mu sync.Mutex
	acked := map[string][]string{} // Message-ID -> recipients, for every 250
	var unexpected []string        // replies other than 250 while the server ran

	for cycle := 1; cycle <= cycles; cycle++ {
		addr := s.Addr(t, "smtp")
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var cycleAcks atomic.Int64
		enough := make(chan struct{})
		for w := 0; w < clients; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				rnd := rand.New(rand.NewPCG(uint64(cycle), uint64(w)))
				for conn := 0; ; conn++ {
					select {
					case <-stop:
						return
					default:
					}
					c, err := dialSMTP(addr)
					if err != nil {
						return // the server is gone
					}
					if r, err := c.Ehlo(); err != nil || r.Code != 250 {
						c.Close()
						return
					}
					for k := 0; k < perConn; k++ {
						select {
						case <-stop:
							c.Close()
							return
						default:
						}
						to := []string{rcpts[rnd.IntN(len(rcpts))]}
						if rnd.IntN(4) == 0 { // a quarter go to two recipients
							if other := rcpts[rnd.IntN(len(rcpts))]; other != to[0] {
								to = append(to, other)
							}
						}
						id := fmt.Sprintf("dur.c%d.w%d.n%d.k%d@interop.example", cycle, w, conn, k)
						msg := buildMessage("sender@remote.example", to[0], id, "durability", 300+rnd.IntN(40000))
						r, err := c.Send("sender@remote.example", to, msg)
						if err != nil {
							c.Close()
							return // killed mid-transaction: not acknowledged
						}
						if r.Code == 250 {
							mu.Lock()
							acked[id] = to
							mu.Unlock()
							if cycleAcks.Add(1) == beforeKill {
								close(enough)
							}
							continue
						}
						mu.Lock()
						unexpected = append(unexpected, fmt.Sprintf("%s: %s", id, r))
						mu.Unlock()
						if _, err := c.Cmd("RSET"); err != nil {
							c.Close()
							return
						}
					}
					_, _ = c.Cmd("QUIT")
					c.Close()
				}
			}(w)
		}

		select {
		case <-enough:
		case <-time.After(2 * time.Minute):
			t.Errorf("cycle %d: only %d messages acknowledged in 2 minutes", cycle, cycleAcks.Load())
		}
		time.Sleep(time.Duration(rand.IntN(1000)) * time.Millisecond) // a random point of the flow, not a wait for an outcome
		s.Kill(t)
		close(stop)
		wg.Wait()
		t.Logf("cycle %d: %d messages acknowledged before SIGKILL (%d in total)", cycle, cycleAcks.Load(), len(acked))
		if len(unexpected) > 0 {
			t.Errorf("cycle %d: replies other than 250 while the server was running (first %d): %s",
				cycle, min(len(unexpected), 10), strings.Join(unexpected[:min(len(unexpected), 10)], "; "))
			unexpected = nil
		}
		if cycleAcks.Load() == 0 {
			t.Fatalf("cycle %d: no message was acknowledged; nothing to verify", cycle)
		}

		// The store as the crash left it, before any recovery by serve.
		out := checkAfterKill(t, s, cycle)
		t.Logf("cycle %d: check after SIGKILL: %d collectable blob(s)", cycle, strings.Count(out, "collectable"))

		s.Restart(t)
		verifyAcked(t, s, rcpts, acked)
	}
	s.RequireConsistent(t)
}

// checkAfterKill runs `postroom check` on the store as a SIGKILL left it,
// requires it consistent, and returns what it printed.
func checkAfterKill(t *testing.T, s *Server, cycle int) string {
	t.Helper()
	res := s.Check(t)
	if res.err != nil || res.Code != 0 || !hasLine(res.Stdout, "consistent") {
		t.Fatalf("cycle %d: postroom check after SIGKILL: %s", cycle, res)
	}
	return res.Stdout
}

// verifyAcked lists every recipient's INBOX and requires each acknowledged
// message exactly once in each of its recipients' INBOX.
func verifyAcked(t *testing.T, s *Server, rcpts []string, acked map[string][]string) {
	t.Helper()
	count := map[string]map[string]int{} // rcpt -> Message-ID -> copies
	for _, r := range rcpts {
		count[r] = map[string]int{}
		for _, m := range s.Messages(t, r, "") {
			count[r][m.MessageID]++
		}
	}
	var missing, dup []string
	for id, to := range acked {
		for _, r := range to {
			switch n := count[r][id]; {
			case n == 0:
				missing = append(missing, id+" for "+r)
			case n > 1:
				dup = append(dup, fmt.Sprintf("%s for %s (%d copies)", id, r, n))
			}
		}
	}
	sort.Strings(missing)
	sort.Strings(dup)
	if len(missing) > 0 {
		t.Errorf("%d acknowledged deliveries missing after restart (of %d messages), e.g. %s",
			len(missing), len(acked), strings.Join(missing[:min(len(missing), 10)], ", "))
	}
	if len(dup) > 0 {
		t.Errorf("%d acknowledged deliveries stored more than once, e.g. %s", len(dup), strings.Join(dup[:min(len(dup), 10)], ", "))
	}
	if t.Failed() {
		t.FailNow()
	}
}
