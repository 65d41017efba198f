package interop

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSMTPAccept measures how many messages per second the real
// binary accepts over its MX listener (250 after DATA, so blob fsynced and
// metadata committed) from N concurrent clients, each on one connection
// sending transaction after transaction, for 10 KB and 200 KB messages.
//
// Run it with:
//
//	go test -run '^$' -bench SMTPAccept -benchtime 5s ./tests/interop/
//
// Reported: msgs/s (the figure that matters) and MB/s of message data.
func BenchmarkSMTPAccept(b *testing.B) {
	s := benchServer(b)
	for _, clients := range []int{1, 4, 16} {
		for _, size := range []int{10 << 10, 200 << 10} {
			b.Run(fmt.Sprintf("clients=%d/size=%dKB", clients, size>>10), func(b *testing.B) {
				benchAccept(b, s, clients, size)
			})
		}
	}
}

var benchRecipients = []string{"bench-1@" + testDomain, "bench-2@" + testDomain, "bench-3@" + testDomain, "bench-4@" + testDomain}

// benchServer starts (once per test binary) a server with the default
// size limit and a few recipients; TestMain stops it.
func benchServer(b *testing.B) *Server {
	b.Helper()
	if v, ok := benchServers.Load("accept"); ok {
		return v.(*Server)
	}
	base, err := os.MkdirTemp(workDir, "bench-")
	if err != nil {
		b.Fatal(err)
	}
	s, err := setupServer(base, serverOptions{listen: []string{"smtp"}})
	if err != nil {
		b.Fatal(err)
	}
	benchServers.Store("accept", s)
	for _, r := range benchRecipients {
		s.AddUser(b, r)
	}
	return s
}

func benchAccept(b *testing.B, s *Server, clients, size int) {
	addr := s.Addr(b, "smtp")
	// One template per size; each message gets its own Message-ID so that
	// no two are the same blob.
	const marker = "BENCHMARK-MESSAGE-ID-PLACEHOLDER"
	tmpl := buildMessage("sender@remote.example", benchRecipients[0], marker, "benchmark", size)
	cut := bytes.Index(tmpl, []byte(marker))
	head, tailPart := tmpl[:cut], tmpl[cut+len(marker):]

	conns := make([]*smtpClient, clients)
	for i := range conns {
		c, err := dialSMTP(addr)
		if err != nil {
			b.Fatal(err)
		}
		if r, err := c.Ehlo(); err != nil || r.Code != 250 {
			b.Fatalf("EHLO: %v %v", r, err)
		}
		conns[i] = c
		defer c.Close()
	}

	b.SetBytes(int64(len(tmpl)))
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i, c := range conns {
		wg.Add(1)
		go func(i int, c *smtpClient) {
			defer wg.Done()
			msg := make([]byte, 0, len(tmpl)+64)
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				id := fmt.Sprintf("bench.%d.%d.%d@interop.example", time.Now().UnixNano(), i, n)
				msg = append(append(append(msg[:0], head...), id...), tailPart...)
				to := benchRecipients[int(n)%len(benchRecipients)]
				r, err := c.Send("sender@remote.example", []string{to}, msg)
				if err != nil || r.Code != 250 {
					failed.Store(fmt.Sprintf("message %d: %v %v", n, r, err))
					return
				}
			}
		}(i, c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failed.Load(); f != nil {
		b.Fatalf("send failed: %v", f)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}
