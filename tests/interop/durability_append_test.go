package interop

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// TestSIGKILLDurability_APPEND: "nothing acknowledged is lost" for IMAP
// APPEND, whose rows commit while their message files are made durable
// (issue 21, mail/append_later.go). Four go-imap clients append messages
// of 70–260 KB (files, not kept in the database) and a few small ones;
// the server is killed with SIGKILL in the middle. `postroom check` on
// the store as the crash left it finds it consistent, at most with files
// that never got to disk for APPENDs never answered; after the restart
// every APPEND that got OK is in the INBOX exactly once, and nothing is
// left unfinished. Two kill cycles on the same data directory.
func TestSIGKILLDurability_APPEND(t *testing.T) {
	const (
		cycles     = 2
		clients    = 4
		beforeKill = 12 * clients // OKs of a cycle after which the kill comes
	)
	s := newServer(t, serverOptions{listen: []string{"imap"}})
	user := uniqueAddr("dur-append")
	s.AddUser(t, user)

	var mu sync.Mutex
	acked := map[string][]string{} // Message-ID -> the one recipient, for every OK
	var unexpected []string

	for cycle := 1; cycle <= cycles; cycle++ {
		addr := s.Addr(t, "imap")
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var cycleAcks atomic.Int64
		var killing atomic.Bool // from here on, a failing command is the kill's
		enough := make(chan struct{})
		for w := 0; w < clients; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				rnd := rand.New(rand.NewPCG(uint64(cycle), uint64(w)))
				c, err := imapclient.DialInsecure(addr, &imapclient.Options{Dialer: &net.Dialer{Timeout: 10 * time.Second}})
				if err != nil {
					return // the server is gone
				}
				defer c.Close()
				if err := c.Login(user, testPassword).Wait(); err != nil {
					return
				}
				for k := 0; ; k++ {
					select {
					case <-stop:
						return
					default:
					}
					size := 70_000 + rnd.IntN(190_000)
					if k%5 == 4 {
						size = 2_000 + rnd.IntN(8_000) // kept in the database
					}
					id := fmt.Sprintf("dur-append.c%d.w%d.k%d@interop.example", cycle, w, k)
					msg := buildMessage("sender@remote.example", user, id, "append durability", size)
					cmd := c.Append("INBOX", int64(len(msg)), nil)
					_, werr := cmd.Write(msg)
					cerr := cmd.Close()
					_, err := cmd.Wait()
					switch {
					case err == nil && werr == nil && cerr == nil:
						mu.Lock()
						acked[id] = []string{user}
						mu.Unlock()
						if cycleAcks.Add(1) == beforeKill {
							close(enough)
						}
					case killing.Load():
						return // killed mid-command: not acknowledged
					default:
						mu.Lock()
						unexpected = append(unexpected, fmt.Sprintf("%s: %v %v %v", id, err, werr, cerr))
						mu.Unlock()
						return
					}
				}
			}(w)
		}

		select {
		case <-enough:
		case <-time.After(2 * time.Minute):
			t.Errorf("cycle %d: only %d APPENDs answered OK in 2 minutes", cycle, cycleAcks.Load())
		}
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond) // a random point of the flow
		killing.Store(true)
		s.Kill(t)
		close(stop)
		wg.Wait()
		t.Logf("cycle %d: %d APPENDs answered OK before SIGKILL (%d in total)", cycle, cycleAcks.Load(), len(acked))
		if len(unexpected) > 0 {
			t.Fatalf("cycle %d: failures other than the kill (first %d): %s",
				cycle, min(len(unexpected), 10), strings.Join(unexpected[:min(len(unexpected), 10)], "; "))
		}
		if cycleAcks.Load() == 0 {
			t.Fatalf("cycle %d: no APPEND was answered; nothing to verify", cycle)
		}

		// The store as the crash left it, before the restart's check.
		out := checkAfterKill(t, s, cycle)
		t.Logf("cycle %d: check after SIGKILL: %d file(s) unfinished", cycle, strings.Count(out, "unfinished:"))

		s.Restart(t)
		verifyAcked(t, s, []string{user}, acked)
		if res := s.Check(t); strings.Contains(res.Stdout, "unfinished:") {
			t.Fatalf("cycle %d: files still unfinished after the restart:\n%s", cycle, res.Stdout)
		}
	}
	s.RequireConsistent(t)
}
