package interop

// Memory under a burst of logins (issue 13, item 3): every password check
// holds argon2id's 19 MiB while it runs, so the checks running at once
// are bounded (8 at most, one per CPU); the others wait a little, then are
// answered 503 busy with Retry-After. Measured as the peak resident memory
// of the `serve` child (vmHWM, memory_test.go) while wrong-password web
// logins arrive all at once, each from its own loopback address and for
// its own address (so that the failed-login budgets, which would refuse
// most of them before any check, leave the bound to the slots alone).
// Memory is not speed: the bound holds on any machine.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lpSlotsMemory is what the bounded checks may add to the peak at most:
// 8 slots of 19 MiB, with as much again for the garbage collector's
// headroom and the connections' buffers.
const lpSlotsMemory = 2 * 8 * 19 << 20

// lpReturned is how much more than before the burst the process may keep
// once it is over (less than one check's 19 MiB, that is: the checks'
// memory went back).
const lpReturned = 16 << 20

// lpVmRSS is the process's resident memory now (VmRSS), in bytes.
func lpVmRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			f := strings.Fields(rest)
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				t.Fatalf("VmRSS line %q", sc.Text())
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}

// lpWebLogin posts a login from the loopback address src and returns the
// status and Retry-After.
func lpWebLogin(base, src, email, password string) (int, string, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		}}}
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
	resp, err := client.Post(base+"/api/v1/session", "application/json", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After"), nil
}

func TestLoginMemory_simultaneousWrongPasswordWebLogins(t *testing.T) {
	for _, n := range []int{50, 200} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
			base := "http://" + s.Addr(t, "http")
			pid := s.pid(t)
			if code, _, err := lpWebLogin(base, "127.0.0.1", "warm-up@example.test", "wrong"); err != nil || code != 401 {
				t.Fatalf("warm-up login: %d %v", code, err)
			}
			before, residentBefore := vmHWM(t, pid), lpVmRSS(t, pid)

			codes := make([]int, n)
			retry := make([]string, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					src := fmt.Sprintf("127.0.%d.%d", 1+i/250, 1+i%250)
					codes[i], retry[i], errs[i] = lpWebLogin(base, src, fmt.Sprintf("nobody-%d@example.test", i), "wrong-password")
				}()
			}
			close(start)
			wg.Wait()
			peak := vmHWM(t, pid)
			// The burst's memory goes back to the system once the checks
			// have been quiet a moment (auth, hashes.go): waited for, not
			// timed.
			rss := lpVmRSS(t, pid)
			for deadline := time.Now().Add(time.Minute); rss-residentBefore > lpReturned && time.Now().Before(deadline); {
				time.Sleep(200 * time.Millisecond)
				rss = lpVmRSS(t, pid)
			}

			count := map[int]int{}
			for i := range n {
				switch {
				case errs[i] != nil:
					t.Errorf("login %d: %v", i, errs[i])
				case codes[i] == 503 && retry[i] == "":
					t.Errorf("login %d: 503 without Retry-After", i)
				case codes[i] != 401 && codes[i] != 503:
					t.Errorf("login %d: %d, want 401 (checked) or 503 (busy)", i, codes[i])
				}
				count[codes[i]]++
			}
			grew := peak - before
			t.Logf("%d wrong-password logins at once: answers %v; peak RSS %d MiB before, %d MiB after: +%d MiB; resident %d MiB before, %d MiB after",
				n, count, before>>20, peak>>20, grew>>20, residentBefore>>20, rss>>20)
			if grew > lpSlotsMemory {
				t.Errorf("%d simultaneous logins raised the peak by %d MiB, more than %d MiB (the bounded checks)", n, grew>>20, lpSlotsMemory>>20)
			}
			if rss-residentBefore > lpReturned {
				t.Errorf("a minute after the burst the process holds %d MiB more than before it (%d MiB): not returned", (rss-residentBefore)>>20, rss>>20)
			}
		})
	}
}
