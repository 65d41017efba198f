package interop

// Issue 17 item 11: several sessions on shared mailboxes doing APPEND,
// STORE, EXPUNGE and FETCH at once, each checking the RFC invariants on
// everything it is sent. The number of operations is fixed (not the
// time); a correct server passes every interleaving.

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	rfcExistsRe  = regexp.MustCompile(`^\* (\d+) EXISTS$`)
	rfcExpungeRe = regexp.MustCompile(`^\* (\d+) EXPUNGE$`)
	rfcFlagsRe   = regexp.MustCompile(`^\* FLAGS \(([^)]*)\)$`)
	rfcFetchRe   = regexp.MustCompile(`^\* (\d+) FETCH \((.*)\)$`)
	rfcFetchFlRe = regexp.MustCompile(`FLAGS \(([^)]*)\)`)
)

// rfcView is what one session has been told of its selected mailbox.
type rfcView struct {
	exists int
	flags  map[string]bool // the last untagged FLAGS
}

// take applies the untagged lines of the answer to cmd (its verb, e.g.
// "FETCH") and returns every RFC violation they show:
//   - RFC 3501 §7.4.1: "An EXPUNGE response MUST NOT be sent when no
//     command is in progress, nor while responding to a FETCH, STORE, or
//     SEARCH command"; an EXPUNGE names a message of the view, and the
//     view shrinks only through EXPUNGE, so EXISTS never decreases;
//   - RFC 3501 §7.4.2: a FETCH names a message number of the view;
//   - RFC 3501 §7.2.6 / §2.3.2: its keywords were announced in FLAGS.
func (v *rfcView) take(cmd string, lines []string) []string {
	var bad []string
	for _, l := range lines {
		if m := rfcExistsRe.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n < v.exists {
				bad = append(bad, fmt.Sprintf("%s: %q after the view held %d (EXISTS decreased)", cmd, l, v.exists))
			}
			v.exists = n
		} else if m := rfcExpungeRe.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > v.exists {
				bad = append(bad, fmt.Sprintf("%s: %q while the view holds %d messages", cmd, l, v.exists))
			}
			if cmd == "FETCH" || cmd == "STORE" || cmd == "SEARCH" {
				bad = append(bad, fmt.Sprintf("%s: %q during a %s", cmd, l, cmd))
			}
			v.exists--
		} else if m := rfcFlagsRe.FindStringSubmatch(l); m != nil {
			v.flags = map[string]bool{}
			for _, f := range strings.Fields(m[1]) {
				v.flags[strings.ToLower(f)] = true
			}
		} else if m := rfcFetchRe.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > v.exists {
				bad = append(bad, fmt.Sprintf("%s: %q while the view holds %d messages", cmd, l, v.exists))
			}
			if fm := rfcFetchFlRe.FindStringSubmatch(m[2]); fm != nil {
				for _, f := range strings.Fields(fm[1]) {
					if !strings.HasPrefix(f, `\`) && !v.flags[strings.ToLower(f)] {
						bad = append(bad, fmt.Sprintf("%s: %q uses keyword %s never announced in FLAGS", cmd, l, f))
					}
				}
			}
		}
	}
	return bad
}

// TestIMAPRFC_ConcurrentViews runs rfcWorkers sessions, two on each of
// three mailboxes of one account (appending to any of them), each doing rfcOps operations chosen by a
// seeded generator.
func TestIMAPRFC_ConcurrentViews(t *testing.T) {
	const (
		rfcWorkers = 6
		rfcOps     = 50
	)
	s := rfcServer(t)
	addr := rfcFixture(t, s)
	boxes := []string{"INBOX", rfcFolders[0], rfcFolders[1]}
	conns := make([]*rfcConn, rfcWorkers)
	for i := range conns {
		conns[i] = rfcLogin(t, s, fmt.Sprintf("w%d", i), addr)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		problems []string
		nos      int
	)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bad, no := rfcWorker(c, i, boxes, rfcOps)
			mu.Lock()
			problems = append(problems, bad...)
			nos += no
			mu.Unlock()
		}()
	}
	wg.Wait()
	t.Logf("%d workers × %d operations; %d tagged NO answers (allowed)", rfcWorkers, rfcOps, nos)
	for _, p := range problems {
		t.Error(p)
	}
}

// rfcWorker runs ops operations on c and returns the violations seen and
// how many commands were answered NO.
func rfcWorker(c *rfcConn, id int, boxes []string, ops int) (bad []string, nos int) {
	rng := rand.New(rand.NewPCG(uint64(id), 17))
	mine := boxes[id%len(boxes)]
	v := &rfcView{}
	run := func(verb, line string) (status string, ok bool) {
		got, err := c.cmd(line)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %s: %v", c.name, line, err))
			return "", false
		}
		for _, p := range v.take(verb, got[:len(got)-1]) {
			bad = append(bad, c.name+": "+p)
		}
		_, rest, _ := strings.Cut(got[len(got)-1], " ")
		status, _, _ = strings.Cut(rest, " ")
		switch status {
		case "BAD":
			bad = append(bad, fmt.Sprintf("%s: %s (the view holds %d) answered %q", c.name, line, v.exists, got[len(got)-1]))
		case "NO":
			nos++
		}
		return status, true
	}
	if st, ok := run("SELECT", "SELECT "+igQuote(mine)); !ok || st != "OK" {
		return append(bad, fmt.Sprintf("%s: SELECT %s failed", c.name, mine)), nos
	}
	for n := range ops {
		op := rng.IntN(4)
		if v.exists == 0 && op != 0 {
			op = 0
		}
		var ok bool
		switch op {
		case 0:
			box := boxes[rng.IntN(len(boxes))]
			msg := fmt.Sprintf("From: w%d@example.org\r\nSubject: op %d of w%d\r\nMessage-ID: <w%d.%d@rfc.example>\r\n\r\nbody\r\n", id, n, id, id, n)
			_, ok = run("APPEND", fmt.Sprintf("APPEND %s ($a%dx%d) {%d+}\r\n%s", igQuote(box), id, n%3, len(msg), msg))
		case 1:
			_, ok = run("STORE", fmt.Sprintf("STORE %d +FLAGS ($s%dx%d)", 1+rng.IntN(v.exists), id, n%4))
		case 2:
			if _, ok = run("STORE", fmt.Sprintf("STORE %d +FLAGS.SILENT (\\Deleted)", 1+rng.IntN(v.exists))); ok {
				_, ok = run("EXPUNGE", "EXPUNGE")
			}
		case 3:
			_, ok = run("FETCH", fmt.Sprintf("FETCH 1:%d (UID FLAGS)", v.exists))
		}
		if !ok {
			return bad, nos
		}
	}
	run("LOGOUT", "LOGOUT")
	return bad, nos
}

// TestIMAPRFC_ViewChecker shows that rfcView.take catches each violation
// the concurrent test looks for (so that its passing means something).
func TestIMAPRFC_ViewChecker(t *testing.T) {
	for _, tc := range []struct {
		name, cmd string
		lines     []string
		wantBad   int
	}{
		{"clean", "NOOP", []string{`* FLAGS (\Seen $a)`, `* 3 EXISTS`, `* 2 EXPUNGE`, `* 2 FETCH (FLAGS ($a))`}, 0},
		{"expunge beyond the view", "NOOP", []string{`* 2 EXISTS`, `* 12 EXPUNGE`}, 1},
		{"fetch beyond the view", "NOOP", []string{`* 2 EXISTS`, `* 3 FETCH (FLAGS ())`}, 1},
		{"exists decreasing", "NOOP", []string{`* 3 EXISTS`, `* 2 EXISTS`}, 1},
		{"keyword not announced", "NOOP", []string{`* FLAGS (\Seen)`, `* 1 EXISTS`, `* 1 FETCH (FLAGS ($keyword1))`}, 1},
		{"expunge during fetch", "FETCH", []string{`* 2 EXISTS`, `* 1 EXPUNGE`}, 1},
	} {
		v := &rfcView{}
		if bad := v.take(tc.cmd, tc.lines); len(bad) != tc.wantBad {
			t.Errorf("%s: %d violations %q, want %d", tc.name, len(bad), bad, tc.wantBad)
		}
	}
}
