package interop

// IMAP benchmarks against the real binary, with the go-imap v2 client:
// SELECT and FETCH 1:* (FLAGS) of big folders, SEARCH BODY on the smallest
// one, and APPEND throughput. Not run by the test suite; run them with:
//
//	go test -run '^$' -bench 'IMAPFolderScale|IMAPAppendRate' -benchtime 3s -timeout 60m ./tests/interop/
//
// BenchmarkIMAPFolderScale fills its folders once per run, before the
// timed part, by APPEND over several connections in parallel (by default
// 10,000 and 100,000 messages of about 1 KB; about 2.5 minutes at ~700
// APPENDs/s; the whole command takes about 5 minutes). Adjust with
//
//	POSTROOM_BENCH_IMAP_SIZES=10000,100000   folder sizes (SEARCH uses the smallest)
//	POSTROOM_BENCH_IMAP_CONNS=8              connections used to fill them
//
// e.g. POSTROOM_BENCH_IMAP_SIZES=2000,20000 for a quick run.
//
// Reported: ms/select, msgs/s for FETCH FLAGS, ms/search with the number of
// hits, and msgs/s for APPEND (each APPEND answered OK only once the message
// is durable) with 1 and 8 connections.

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

const (
	ipBenchUser = "imap-bench@" + testDomain
	// ipBenchWord is in the body of every 100th message.
	ipBenchWord = "zebracorn"
)

func ipBenchSizes(tb testing.TB) []int {
	v := os.Getenv("POSTROOM_BENCH_IMAP_SIZES")
	if v == "" {
		v = "10000,100000"
	}
	var sizes []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			tb.Fatalf("POSTROOM_BENCH_IMAP_SIZES=%q: want positive numbers separated by commas", v)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

func ipBenchConns() int {
	if n, err := strconv.Atoi(os.Getenv("POSTROOM_BENCH_IMAP_CONNS")); err == nil && n > 0 {
		return n
	}
	return 8
}

// ipBenchMessage is message i of a benchmark folder: about 1 KB of text,
// every 100th with ipBenchWord in its body.
func ipBenchMessage(folder string, i int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: <sender%d@remote.example>\r\nTo: <%s>\r\n", i%50, ipBenchUser)
	fmt.Fprintf(&b, "Subject: %s message %d\r\n", folder, i)
	fmt.Fprintf(&b, "Date: %s\r\n", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s.%d.%d@bench.example>\r\n", folder, i, time.Now().UnixNano())
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	words := []string{"quarterly", "report", "meeting", "invoice", "shipment", "contract", "회의", "견적서", "delivery", "schedule"}
	for line := 0; line < 10; line++ {
		for w := 0; w < 8; w++ {
			b.WriteString(words[(i+line*7+w*3)%len(words)])
			b.WriteByte(' ')
		}
		if line == 5 && i%100 == 0 {
			b.WriteString(ipBenchWord)
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// ipAppendMany appends messages n0..n0+count-1 (built by mk) to mailbox over
// conns parallel connections and returns the elapsed time.
func ipAppendMany(addr, mailbox string, conns, count int, mk func(i int) []byte) (time.Duration, error) {
	var next atomic.Int64
	var failed atomic.Bool
	var firstErr error
	var once sync.Once
	fail := func(err error) {
		once.Do(func() { firstErr = err })
		failed.Store(true)
	}
	clients := make([]*imapclient.Client, conns)
	for i := range clients {
		c, err := ipConnect(addr, ipBenchUser)
		if err != nil {
			for _, c := range clients[:i] {
				c.Close()
			}
			return 0, err
		}
		clients[i] = c
	}
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	var wg sync.WaitGroup
	start := time.Now()
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= count || failed.Load() {
					return
				}
				msg := mk(i)
				var flags []imap.Flag
				if i%3 == 0 {
					flags = []imap.Flag{imap.FlagSeen}
				}
				cmd := c.Append(mailbox, int64(len(msg)), &imap.AppendOptions{Flags: flags})
				_, err := cmd.Write(msg)
				if err == nil {
					err = cmd.Close()
				}
				if err == nil {
					_, err = cmd.Wait()
				}
				if err != nil {
					fail(fmt.Errorf("APPEND %d to %s: %w", i, mailbox, err))
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), firstErr
}

var ipBench struct {
	once     sync.Once
	srv      *Server
	err      error
	fillOnce sync.Once
	fillErr  error
}

// ipBenchServer starts (once per test binary) a server with the account
// ipBenchUser; TestMain stops it.
func ipBenchServer(b *testing.B) *Server {
	b.Helper()
	ipBench.once.Do(func() {
		base, err := os.MkdirTemp(workDir, "imappy-bench-")
		if err != nil {
			ipBench.err = err
			return
		}
		s, err := setupServer(base, serverOptions{listen: []string{"smtp", "imap"}})
		if err != nil {
			ipBench.err = err
			return
		}
		benchServers.Store("imappy-bench", s)
		if res := s.CLI(b, "user add", "--password", testPassword, ipBenchUser); res.err != nil || res.Code != 0 {
			ipBench.err = fmt.Errorf("%s", res)
			return
		}
		ipBench.srv = s
	})
	if ipBench.err != nil {
		b.Fatalf("IMAP benchmark server: %v", ipBench.err)
	}
	return ipBench.srv
}

// ipBenchFill fills (once per test binary) the folders bench-N with N
// messages for every size.
func ipBenchFill(b *testing.B, s *Server, sizes []int) {
	b.Helper()
	addr := s.Addr(b, "imap")
	ipBench.fillOnce.Do(func() {
		c, err := ipConnect(addr, ipBenchUser)
		if err != nil {
			ipBench.fillErr = err
			return
		}
		defer c.Close()
		for _, n := range sizes {
			folder := fmt.Sprintf("bench-%d", n)
			if err := c.Create(folder, nil).Wait(); err != nil {
				ipBench.fillErr = fmt.Errorf("CREATE %s: %w", folder, err)
				return
			}
			took, err := ipAppendMany(addr, folder, ipBenchConns(), n, func(i int) []byte { return ipBenchMessage(folder, i) })
			if err != nil {
				ipBench.fillErr = err
				return
			}
			// On stderr: b.Logf of a benchmark shows only with -v.
			fmt.Fprintf(os.Stderr, "imappy bench: filled %s: %d APPENDs over %d connections in %v (%.0f msgs/s)\n",
				folder, n, ipBenchConns(), took.Round(time.Millisecond), float64(n)/took.Seconds())
		}
	})
	if ipBench.fillErr != nil {
		b.Fatalf("filling the benchmark folders: %v", ipBench.fillErr)
	}
}

// BenchmarkIMAPFolderScale: SELECT and FETCH 1:* (FLAGS) of each folder
// size, SEARCH BODY on the smallest.
func BenchmarkIMAPFolderScale(b *testing.B) {
	s := ipBenchServer(b)
	sizes := ipBenchSizes(b)
	ipBenchFill(b, s, sizes)
	c, err := ipConnect(s.Addr(b, "imap"), ipBenchUser)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()

	for _, n := range sizes {
		folder := fmt.Sprintf("bench-%d", n)
		b.Run(fmt.Sprintf("select/msgs=%d", n), func(b *testing.B) {
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				sel, err := c.Select(folder, nil).Wait()
				if err != nil {
					b.Fatalf("SELECT %s: %v", folder, err)
				}
				if sel.NumMessages != uint32(n) {
					b.Fatalf("SELECT %s: %d messages, want %d", folder, sel.NumMessages, n)
				}
				if err := c.Unselect().Wait(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/select")
		})
		b.Run(fmt.Sprintf("fetch-flags/msgs=%d", n), func(b *testing.B) {
			if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
				b.Fatal(err)
			}
			defer func() { _ = c.Unselect().Wait() }()
			var all imap.SeqSet
			all.AddRange(1, 0)
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				cmd := c.Fetch(all, &imap.FetchOptions{Flags: true})
				got := 0
				for m := cmd.Next(); m != nil; m = cmd.Next() {
					if _, err := m.Collect(); err != nil {
						b.Fatalf("FETCH 1:* (FLAGS): %v", err)
					}
					got++
				}
				if err := cmd.Close(); err != nil {
					b.Fatalf("FETCH 1:* (FLAGS): %v", err)
				}
				if got != n {
					b.Fatalf("FETCH 1:* (FLAGS) in %s: %d messages, want %d", folder, got, n)
				}
			}
			el := time.Since(start)
			b.ReportMetric(float64(n)*float64(b.N)/el.Seconds(), "msgs/s")
			b.ReportMetric(float64(el.Microseconds())/1000/float64(b.N), "ms/fetch")
		})
	}

	small := sizes[0]
	for _, n := range sizes {
		small = min(small, n)
	}
	folder := fmt.Sprintf("bench-%d", small)
	b.Run(fmt.Sprintf("search-body/msgs=%d", small), func(b *testing.B) {
		if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			b.Fatal(err)
		}
		defer func() { _ = c.Unselect().Wait() }()
		want := (small + 99) / 100
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			data, err := c.Search(&imap.SearchCriteria{Body: []string{ipBenchWord}}, nil).Wait()
			if err != nil {
				b.Fatalf("SEARCH BODY %s: %v", ipBenchWord, err)
			}
			if got := len(data.AllSeqNums()); got != want {
				b.Fatalf("SEARCH BODY %s in %s: %d hits, want %d", ipBenchWord, folder, got, want)
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/search")
		b.ReportMetric(float64(want), "hits")
	})
}

// BenchmarkIMAPAppendRate: APPEND of 1 KB messages with 1 and 8
// connections; each b.N is one message (use -benchtime Ns, not Nx). Run
// after BenchmarkIMAPFolderScale, it appends to an account that already
// holds the filled folders.
func BenchmarkIMAPAppendRate(b *testing.B) {
	s := ipBenchServer(b)
	c, err := ipConnect(s.Addr(b, "imap"), ipBenchUser)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for _, conns := range []int{1, 8} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			folder := fmt.Sprintf("append-%d-%d", conns, time.Now().UnixNano())
			if err := c.Create(folder, nil).Wait(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			took, err := ipAppendMany(s.Addr(b, "imap"), folder, conns, b.N, func(i int) []byte { return ipBenchMessage(folder, i) })
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/took.Seconds(), "msgs/s")
		})
	}
}
