package interop

// POP3 benchmarks against the real binary on a big INBOX. Not run by the
// test suite; run them with:
//
//	go test -run '^$' -bench POP3 -benchtime 3s -timeout 60m ./tests/interop/
//
// The INBOX is filled once per run, before the timed part, over the MX
// listener by several SMTP connections in parallel (by default 10,000
// messages of about 4 KB; 20 to 40 s). Adjust with
//
//	POSTROOM_BENCH_POP3_MESSAGES=10000   messages in the INBOX
//	POSTROOM_BENCH_POP3_SIZE=4096        bytes per message (at least)
//	POSTROOM_BENCH_POP3_CONNS=16         SMTP connections used to fill it
//
// e.g. POSTROOM_BENCH_POP3_MESSAGES=2000 for a quick run.
//
// Sub-benchmarks (one op each):
//
//	UIDL        one whole UIDL listing on an open session; entries/s
//	Login       connect, USER/PASS (the login snapshot of the INBOX), QUIT;
//	            ms/login
//	LoginUIDL   connect, USER/PASS (the login snapshot), UIDL, QUIT: one
//	            poll of a "leave a copy on the server" client; ms/poll
//	RETR        one RETR on an open session, cycling over the INBOX;
//	            msgs/s and MB/s

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const pop3BenchUser = "pop3-bench@" + testDomain

func pop3BenchEnv(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// pop3BenchServer starts (once per test binary) a server whose
// pop3BenchUser has the benchmark INBOX; TestMain stops it.
func pop3BenchServer(b *testing.B) (*Server, int) {
	b.Helper()
	count := pop3BenchEnv("POSTROOM_BENCH_POP3_MESSAGES", 10000)
	if v, ok := benchServers.Load("pop3-bench"); ok {
		return v.(*Server), count
	}
	base, err := os.MkdirTemp(workDir, "pop3-bench-")
	if err != nil {
		b.Fatal(err)
	}
	s, err := setupServer(base, serverOptions{listen: []string{"smtp", "pop3"}})
	if err != nil {
		b.Fatal(err)
	}
	benchServers.Store("pop3-bench", s)
	s.AddUser(b, pop3BenchUser)

	size := pop3BenchEnv("POSTROOM_BENCH_POP3_SIZE", 4096)
	conns := pop3BenchEnv("POSTROOM_BENCH_POP3_CONNS", 16)
	start := time.Now()
	if err := pop3Fill(s.Addr(b, "smtp"), count, size, conns); err != nil {
		b.Fatalf("filling the INBOX: %v", err)
	}
	took := time.Since(start)
	b.Logf("filled INBOX with %d messages of %d bytes over %d SMTP connections in %v (%.0f msgs/s)",
		count, size, conns, took.Round(time.Millisecond), float64(count)/took.Seconds())
	return s, count
}

// pop3Fill delivers count messages of about size bytes to pop3BenchUser
// over conns SMTP connections in parallel.
func pop3Fill(addr string, count, size, conns int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c, err := dialSMTP(addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			if r, err := c.Ehlo(); err != nil || r.Code != 250 {
				errs <- fmt.Errorf("EHLO: %v %v", r, err)
				return
			}
			for {
				i := next.Add(1)
				if i > int64(count) {
					return
				}
				id := fmt.Sprintf("pop3-bench.%d.%d@interop.example", i, time.Now().UnixNano())
				msg := buildMessage("sender@remote.example", pop3BenchUser, id, fmt.Sprintf("bench message %d", i), size)
				r, err := c.Send("sender@remote.example", []string{pop3BenchUser}, msg)
				if err != nil || r.Code != 250 {
					errs <- fmt.Errorf("message %d: %v %v", i, r, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func BenchmarkPOP3(b *testing.B) {
	s, count := pop3BenchServer(b)
	addr := s.Addr(b, "pop3")

	login := func(b *testing.B) *pop3Conn {
		b.Helper()
		c, err := pop3Login(addr, "plain", pop3BenchUser)
		if err != nil {
			b.Fatalf("POP3 login: %v", err)
		}
		return c
	}
	quit := func(b *testing.B, c *pop3Conn) {
		b.Helper()
		if _, err := c.cmd("QUIT"); err != nil {
			b.Errorf("QUIT: %v", err)
		}
		c.Close()
	}
	// listing runs UIDL and checks it has count entries.
	listing := func(b *testing.B, c *pop3Conn) []byte {
		b.Helper()
		_, data, err := c.multi("UIDL")
		if err != nil {
			b.Fatalf("UIDL: %v", err)
		}
		if n := bytes.Count(data, []byte("\n")); n != count {
			b.Fatalf("UIDL lists %d messages, want %d", n, count)
		}
		return data
	}

	b.Run("UIDL", func(b *testing.B) {
		c := login(b)
		defer quit(b, c)
		b.ResetTimer()
		start := time.Now()
		var bytesListed int
		for i := 0; i < b.N; i++ {
			bytesListed += len(listing(b, c))
		}
		elapsed := time.Since(start)
		b.ReportMetric(float64(count*b.N)/elapsed.Seconds(), "entries/s")
		b.ReportMetric(float64(bytesListed)/1e6/elapsed.Seconds(), "MB/s")
	})

	b.Run("Login", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			quit(b, login(b))
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1e3/float64(b.N), "ms/login")
	})

	b.Run("LoginUIDL", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			c := login(b)
			listing(b, c)
			quit(b, c)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1e3/float64(b.N), "ms/poll")
	})

	b.Run("RETR", func(b *testing.B) {
		c := login(b)
		defer quit(b, c)
		buf := make([]byte, 0, 64<<10)
		var total int64
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			n := i%count + 1
			if _, err := c.cmd("RETR %d", n); err != nil {
				b.Fatalf("RETR %d: %v", n, err)
			}
			data, err := c.readData(buf[:0])
			if err != nil {
				b.Fatalf("RETR %d: %v", n, err)
			}
			total += int64(len(data))
			buf = data
		}
		elapsed := time.Since(start)
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
		b.ReportMetric(float64(total)/1e6/elapsed.Seconds(), "MB/s")
	})
}
