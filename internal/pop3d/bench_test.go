package pop3d

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/loadgen"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// BenchmarkMaildrop compares the login snapshot read with Listing (what
// POP3 uses) against walking full message rows, in the same run.
//
//	go test -run '^$' -bench Maildrop -benchtime 20x ./internal/pop3d/
func BenchmarkMaildrop(b *testing.B) {
	bed := testbed.New(b)
	acct := bed.Account("bob", nil)
	const n = 3000
	for i := 0; i < n; i++ {
		bed.Put(acct.ID, "INBOX", fmt.Sprintf("Subject: message %d\r\nFrom: a@example.test\r\nTo: bob@example.test\r\n\r\nbody %d\r\n", i, i))
	}
	in, _ := bed.Store.MailboxByRole(bed.Ctx, acct.ID, store.RoleInbox)
	b.Run("listing", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			d, err := loadMaildrop(bed.Ctx, bed.Mail, actor.User(acct))
			if err != nil || len(d.msgs) != n {
				b.Fatal(err, len(d.msgs))
			}
			d.close()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/message")
	})
	b.Run("fullRows", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			count := 0
			if err := bed.Store.Messages(bed.Ctx, acct.ID, in.ID, func(*store.Message) error { count++; return nil }); err != nil || count != n {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/message")
	})
}

// BenchmarkRETR downloads messages of the realistic corpus (10 KB and
// 200 KB) over loopback, one RETR per op on an open session, cycling
// over the INBOX, as `postroom bench pop3` does: the server's whole path
// (login check, message row, file, dot-stuffing, the socket; \Seen is
// marked in batches at the end of the session).
//
//	go test -run '^$' -bench RETR -benchtime 2000x ./internal/pop3d/
func BenchmarkRETR(b *testing.B) {
	for _, size := range []string{"10k", "200k"} {
		b.Run(size, func(b *testing.B) {
			h := startBench(b)
			sz, err := loadgen.ParseSize(size)
			if err != nil {
				b.Fatal(err)
			}
			corpus := &loadgen.Corpus{Seed: 21, Size: sz}
			const n = 100
			var bytes int64
			for i := range n {
				m := h.Put(h.acct.ID, "INBOX", string(corpus.Message(i)))
				bytes += m.Size
			}
			c := h.dialBench()
			b.SetBytes(bytes / n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				fmt.Fprintf(c.conn, "RETR %d\r\n", i%n+1)
				if l := c.line(); !strings.HasPrefix(l, "+OK") {
					b.Fatalf("RETR: %q", l)
				}
				for {
					l, err := c.r.ReadSlice('\n')
					if err != nil && err != bufio.ErrBufferFull {
						b.Fatal(err)
					}
					if string(l) == ".\r\n" {
						break
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			c.cmd("QUIT")
		})
	}
}

// BenchmarkDotStuffing is the copy alone, to io.Discard: RETR's block copy
// (writeStuffed) against the line-by-line copy TOP uses, on the same
// 200 KB message.
//
//	go test -run '^$' -bench DotStuffing ./internal/pop3d/
func BenchmarkDotStuffing(b *testing.B) {
	sz, _ := loadgen.ParseSize("200k")
	msg := (&loadgen.Corpus{Seed: 21, Size: sz}).Message(0)
	b.Run("block", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		w := bufio.NewWriterSize(io.Discard, copyBlock)
		for range b.N {
			if err := writeStuffed(w, bytes.NewReader(msg)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lineByLine", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		c := &conn{w: bufio.NewWriterSize(io.Discard, copyBlock)}
		for range b.N {
			if err := c.writeDotStuffed(bytes.NewReader(msg), -1); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// startBench is start for benchmarks: the server and bob, no TLS.
func startBench(b *testing.B) *harness {
	bed := testbed.New(b)
	h := &harness{Bed: bed, ctx: bed.Ctx, st: bed.Store}
	h.srv = &Server{Hostname: "mx.example.test", Mail: bed.Mail, Auth: auth.NewAuthenticator(bed.Store, false),
		MaxConnsPerIP: 20, Log: testbed.Quiet()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	h.addr = l.Addr().String()
	go h.srv.Serve(l, false)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h.srv.Shutdown(ctx)
	})
	h.acct = bed.Account("bob", nil)
	return h
}

// dialBench connects and logs in as bob, without a *testing.T.
func (h *harness) dialBench() *client {
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		panic(err)
	}
	c := &client{conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}
	c.line()
	c.cmd("USER bob@example.test")
	if l := c.cmd("PASS pw"); !strings.HasPrefix(l, "+OK") {
		panic(l)
	}
	return c
}
