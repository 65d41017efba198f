package mail_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// BenchmarkIMAPWholeMailbox compares, on one large mailbox (100,000
// messages; POSTROOM_BENCH_N to change), what the go-imap layer reads for
// whole-mailbox commands (every full row, its envelope decoded: UIDs and
// MessagesByUID) with the column listings the new layer reads, and
// reports both and their ratio:
//
//	go test -run '^$' -bench IMAPWholeMailbox -benchtime 3x ./internal/mail/
//
// The "before" of the searches is that read path with the same matching
// in Go that SearchMailbox did on it.
func BenchmarkIMAPWholeMailbox(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("POSTROOM_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	bed := testbed.New(b)
	bob := bed.Account("bob", nil)
	in, err := bed.Store.MailboxByRole(bed.Ctx, bob.ID, store.RoleInbox)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	base := time.Date(2023, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		nm := &store.NewMessage{AccountID: bob.ID, MailboxID: in.ID, BlobKey: fmt.Sprintf("%064x", i), Size: int64(2000 + i%5000),
			InternalDate: base.Add(time.Duration(i) * time.Minute), SentDay: 20230101,
			Envelope: store.Envelope{Date: base.Add(time.Duration(i) * time.Minute), DateText: "Sun, 1 Jan 2023 18:00:00 +0900",
				Subject:   fmt.Sprintf("[공지] 주간 회의 자료 %d", i%997),
				From:      []store.Address{{Name: "김민수", Addr: fmt.Sprintf("user%d@example.kr", i%300)}},
				Sender:    []store.Address{{Name: "김민수", Addr: fmt.Sprintf("user%d@example.kr", i%300)}},
				ReplyTo:   []store.Address{{Name: "김민수", Addr: fmt.Sprintf("user%d@example.kr", i%300)}},
				To:        []store.Address{{Name: "홍길동", Addr: "bob@example.test"}, {Addr: "team@example.test"}},
				MessageID: fmt.Sprintf("%d.bench@example.kr", i)},
			Preview: "안녕하세요, 이번 주 회의 자료를 보내 드립니다. 확인 부탁드립니다.",
		}
		if i%3 == 0 {
			nm.Flags = []string{store.FlagSeen}
		}
		if _, err := bed.Store.AppendMessage(bed.Ctx, nm); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("filled INBOX with %d messages in %v (not timed)", n, time.Since(start).Round(time.Second))
	user := actor.User(bob)
	ctx := bed.Ctx
	before := func() (map[uint32]*store.Message, []uint32) {
		uids, err := bed.Mail.UIDs(ctx, user, in.ID, 0)
		if err != nil {
			b.Fatal(err)
		}
		msgs, err := bed.Mail.MessagesByUID(ctx, user, in.ID, uids)
		if err != nil || len(msgs) != n {
			b.Fatalf("MessagesByUID: %d, %v", len(msgs), err)
		}
		return msgs, uids
	}
	compare := func(b *testing.B, old, new func() int) {
		var tOld, tNew time.Duration
		for b.Loop() {
			t0 := time.Now()
			a := old()
			t1 := time.Now()
			c := new()
			t2 := time.Now()
			if a != c {
				b.Fatalf("before found %d, after %d", a, c)
			}
			tOld += t1.Sub(t0)
			tNew += t2.Sub(t1)
		}
		b.ReportMetric(float64(tOld.Milliseconds())/float64(b.N), "before-ms/op")
		b.ReportMetric(float64(tNew.Milliseconds())/float64(b.N), "after-ms/op")
		b.ReportMetric(float64(tOld)/float64(tNew), "speedup")
	}
	b.Run("UIDFetchAllFlags", func(b *testing.B) {
		compare(b, func() int {
			msgs, _ := before()
			return len(msgs)
		}, func() int {
			idx, err := bed.Mail.MailboxIndex(ctx, user, in.ID, 0)
			if err != nil {
				b.Fatal(err)
			}
			return len(idx)
		})
	})
	search := func(b *testing.B, c mail.Criteria, old func(*store.Message) bool) {
		compare(b, func() int {
			msgs, uids := before()
			hits := 0
			for _, u := range uids {
				if old(msgs[u]) {
					hits++
				}
			}
			return hits
		}, func() int {
			uids, err := bed.Mail.UIDs(ctx, user, in.ID, 0)
			if err != nil {
				b.Fatal(err)
			}
			got, err := bed.Mail.SearchMailbox(ctx, user, in.ID, uids, &c)
			if err != nil {
				b.Fatal(err)
			}
			return len(got)
		})
	}
	b.Run("SearchSubject", func(b *testing.B) {
		search(b, mail.Criteria{Header: []mail.HeaderMatch{{Key: "Subject", Value: "자료 99"}}}, func(m *store.Message) bool {
			return mailContains(m.Envelope.Subject, "자료 99")
		})
	})
	b.Run("SearchUnseen", func(b *testing.B) {
		search(b, mail.Criteria{NotFlags: []string{store.FlagSeen}}, func(m *store.Message) bool {
			return !m.HasFlag(store.FlagSeen)
		})
	})
}

func mailContains(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
