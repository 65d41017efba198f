package imapd

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"golang.org/x/text/encoding/korean"

	"postroom/internal/auth"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// BenchmarkSearchBodyKorean times UID SEARCH CHARSET UTF-8 BODY for a
// Korean two-syllable word (결재, "approval") over one folder of 10,000
// messages, through a real IMAP connection to the server on loopback.
//
//	go test -run '^$' -bench SearchBodyKorean -benchtime 20x ./internal/imapd/
//
// The corpus is fixed (seeded): Korean business mail of about 1.5 KB, a
// third each in 8-bit UTF-8, base64 UTF-8 and base64 EUC-KR; 결재 is in
// the body of every 97th message, only in the subject of every 89th (not a
// BODY match), and the syllables 결 and 재 stand apart in many others
// (결정, 재고: the index's bigrams differ, a scan must not match them).
// Filling the folder takes about a minute and is not timed.
func BenchmarkSearchBodyKorean(b *testing.B) {
	const n = 10000
	h := startBench(b)
	want := 0
	for i := 0; i < n; i++ {
		raw, match := benchMessage(i)
		if match {
			want++
		}
		h.Put(h.acct.ID, "INBOX", raw)
	}
	c := benchInbox(b, h.addr)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data, err := c.UIDSearch(&imap.SearchCriteria{Body: []string{"결재"}}, nil).Wait()
		if err != nil {
			b.Fatal(err)
		}
		if got := len(data.AllUIDs()); got != want {
			b.Fatalf("SEARCH BODY 결재 found %d messages, want %d", got, want)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/search")
	b.ReportMetric(float64(want), "hits")
}

// BenchmarkSearchSubject times UID SEARCH CHARSET UTF-8 SUBJECT 결재 and
// FROM kim7@ over the same 10,000 messages (subjects and senders encoded
// in RFC 2047):
//
//	go test -run '^$' -bench SearchSubject -benchtime 20x ./internal/imapd/
func BenchmarkSearchSubject(b *testing.B) {
	const n = 10000
	h := startBench(b)
	subjects, senders := 0, 0
	for i := 0; i < n; i++ {
		raw, _ := benchMessage(i)
		if i%89 == 0 {
			subjects++
		}
		if i%40 == 7 {
			senders++
		}
		h.Put(h.acct.ID, "INBOX", raw)
	}
	c := benchInbox(b, h.addr)
	for _, k := range []struct {
		name string
		c    imap.SearchCriteria
		want int
	}{
		{"SUBJECT", imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: "결재"}}}, subjects},
		{"FROM", imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: "kim7@"}}}, senders},
	} {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				data, err := c.UIDSearch(&k.c, nil).Wait()
				if err != nil {
					b.Fatal(err)
				}
				if got := len(data.AllUIDs()); got != k.want {
					b.Fatalf("SEARCH %s found %d messages, want %d", k.name, got, k.want)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/search")
		})
	}
}

// benchMessage is message i of the corpus, and whether its body holds 결재.
func benchMessage(i int) (string, bool) {
	r := rand.New(rand.NewPCG(uint64(i), 12))
	words := []string{"회의", "견적서", "보고서", "일정", "검토", "부탁드립니다", "감사합니다", "결정", "재고", "납품",
		"계약", "담당자", "확인", "요청", "자료", "첨부", "내일", "오후", "팀장님", "공유", "invoice", "meeting", "Q3"}
	match := i%97 == 0
	var body strings.Builder
	for line := 0; line < 16; line++ {
		for w := 0; w < 12; w++ {
			body.WriteString(words[r.IntN(len(words))])
			body.WriteByte(' ')
		}
		if match && line == 7 {
			body.WriteString("전자결재 올렸습니다 ")
		}
		body.WriteString("\r\n")
	}
	subject := fmt.Sprintf("주간 업무 보고 %d", i)
	if i%89 == 0 {
		subject = fmt.Sprintf("결재 요청 %d", i)
	}
	var hdr strings.Builder
	fmt.Fprintf(&hdr, "From: =?UTF-8?B?%s?= <kim%d@remote.example>\r\n", base64.StdEncoding.EncodeToString([]byte("김철수")), i%40)
	hdr.WriteString("To: <bob@example.test>\r\n")
	fmt.Fprintf(&hdr, "Subject: =?UTF-8?B?%s?=\r\n", base64.StdEncoding.EncodeToString([]byte(subject)))
	fmt.Fprintf(&hdr, "Date: %s\r\n", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z))
	fmt.Fprintf(&hdr, "Message-ID: <bench.%d@remote.example>\r\nMIME-Version: 1.0\r\n", i)
	text := body.String()
	switch i % 3 {
	case 0:
		hdr.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		return hdr.String() + text, match
	case 1:
		hdr.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		return hdr.String() + wrap76(base64.StdEncoding.EncodeToString([]byte(text))), match
	default:
		euc, err := korean.EUCKR.NewEncoder().String(text)
		if err != nil {
			panic(err)
		}
		hdr.WriteString("Content-Type: text/plain; charset=euc-kr\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		return hdr.String() + wrap76(base64.StdEncoding.EncodeToString([]byte(euc))), match
	}
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return b.String() + s + "\r\n"
}

type benchHarness struct {
	*testbed.Bed
	addr string
	acct *store.Account
}

// startBench starts a server on loopback for a benchmark.
func startBench(tb testing.TB) *benchHarness {
	b := testbed.New(tb)
	srv := &Server{Mail: b.Mail, Events: b.Bus, Auth: auth.NewAuthenticator(b.Store, false),
		MaxMessageSize: 1 << 20, MaxConnsPerIP: 50, MaxConnsPerUser: 3, Log: testbed.Quiet()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(l, false)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return &benchHarness{Bed: b, addr: l.Addr().String(), acct: b.Account("bob", nil)}
}

// benchInbox is a go-imap client logged in as bob with INBOX selected,
// closed when the benchmark ends.
func benchInbox(b *testing.B, addr string) *imapclient.Client {
	b.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	if err := c.Login("bob@example.test", "pw").Wait(); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		b.Fatal(err)
	}
	return c
}
