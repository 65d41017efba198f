//go:build unix

package sqlite

import (
	"database/sql"
	"fmt"
	"syscall"
	"testing"

	"postroom/internal/store"
)

// BenchmarkEnvelopeMatch times EnvelopeMatch alone over a mailbox of
// 100,000 messages shaped like internal/imapd's large mailbox (one
// subject in twenty holds 회의, a quarter of the senders "kim"); the rows
// are written directly, not through AppendMessage, to build it fast.
func BenchmarkEnvelopeMatch(b *testing.B) {
	const n = 100_000
	s, accountID, inboxID := matchStore(b)
	senders := []store.Address{{Name: "김민준", Addr: "kim.minjun@hanbit.example"}, {Name: "이서연", Addr: "seoyeon.lee@hanbit.example"},
		{Name: "Kim Jisoo", Addr: "jisoo@partner.example"}, {Name: "John Smith", Addr: "john.smith@acme.example"}}
	subjects := []string{"주간 업무 보고", "견적서 검토 요청", "Quarterly report", "Re: 납품 일정 확인 부탁드립니다"}
	wantMeeting, wantKim := 0, 0
	err := s.write(b.Context(), func(tx *sql.Tx) error {
		for i := 1; i <= n; i++ {
			env := store.Envelope{Subject: subjects[i%len(subjects)], From: []store.Address{senders[i%len(senders)]},
				To: []store.Address{{Name: "Bob", Addr: "bob@example.test"}}}
			if i%20 == 0 {
				env.Subject = fmt.Sprintf("신제품 출시 회의 안건 %d", i)
				wantMeeting++
			}
			if i%len(senders) == 0 || i%len(senders) == 2 {
				wantKim++
			}
			if _, err := tx.Exec(`INSERT INTO messages (account_id, mailbox_id, uid, modseq, blob_key, size, internal_date) VALUES (?,?,?,?,?,?,?)`,
				accountID, inboxID, i, i, "k", 1, i); err != nil {
				return err
			}
			t := store.EnvelopeMatchTexts(&env)
			if _, err := tx.Exec(`INSERT INTO envelope_match (mailbox_id, uid, subject, from_text, to_text, cc_text, bcc_text) VALUES (?,?,?,?,?,?,?)`,
				inboxID, i, t.Subject, t.From, t.To, t.Cc, t.Bcc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.db.Exec(`PRAGMA main.wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	for _, k := range []struct {
		name string
		key  store.EnvelopeKey
		want int
	}{
		{"Subject회의", store.EnvelopeKey{Field: store.MatchSubject, Value: "회의"}, wantMeeting},
		{"FromKim", store.EnvelopeKey{Field: store.MatchFrom, Value: "kim"}, wantKim},
	} {
		b.Run(k.name, func(b *testing.B) {
			cpu := cpuTime(b)
			defer func() { b.ReportMetric(float64(cpuTime(b)-cpu)/1e6/float64(b.N), "cpu-ms/op") }()
			for b.Loop() {
				got, err := s.EnvelopeMatch(b.Context(), accountID, inboxID, 0, []store.EnvelopeKey{k.key})
				if err != nil {
					b.Fatal(err)
				}
				if len(got) != k.want {
					b.Fatalf("%d matches, want %d", len(got), k.want)
				}
			}
		})
	}
}

// cpuTime is the process's user and system CPU time in nanoseconds: under
// the load of a shared machine a steadier figure than the time elapsed.
func cpuTime(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
