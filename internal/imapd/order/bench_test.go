package order

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func idOf(i int) string { return fmt.Sprintf("<%d.%d@bench.example>", i, i*7919) }

// benchMailbox makes n messages in threads of 1 to 12: each reply carries
// the References of a real client (root first, parent last), a third of
// the replies only In-Reply-To, some none (subject threading); subjects
// mix English and Korean with "Re:"/"RE :"/"[Fwd: ...]" markers.
func benchMailbox(n int) []Msg {
	r := rand.New(rand.NewPCG(17, 5256))
	words := []string{"회의 일정", "견적서 송부", "weekly report", "서버 점검 안내", "invoice", "휴가 신청", "release notes"}
	msgs := make([]Msg, 0, n)
	for len(msgs) < n {
		size := 1 + r.IntN(12)
		subject := fmt.Sprintf("%s %d", words[r.IntN(len(words))], r.IntN(n/4+1))
		var chain []string
		for k := 0; k < size && len(msgs) < n; k++ {
			i := len(msgs)
			m := Msg{
				Seq: uint32(i + 1), UID: uint32(i + 1),
				Arrival: at(i), Date: at(i - r.IntN(30)), Size: int64(1000 + r.IntN(100000)),
				Subject:   subject,
				MessageID: idOf(i),
				From:      AddressOf("김철수", fmt.Sprintf("user%d@example.kr", r.IntN(500))),
			}
			if k > 0 {
				m.Subject = []string{"Re: ", "RE : ", "Fwd: "}[r.IntN(3)] + subject
				if r.IntN(8) == 0 {
					m.Subject = "[Fwd: " + subject + "]"
				}
				parent := r.IntN(len(chain))
				switch r.IntN(6) {
				case 0: // no threading headers
				case 1, 2:
					m.InReplyTo = chain[parent]
				default:
					m.References = append(chain[:1:1], chain[parent])
				}
			}
			chain = append(chain, m.MessageID)
			msgs = append(msgs, m)
		}
	}
	r.Shuffle(len(msgs), func(i, j int) { msgs[i], msgs[j] = msgs[j], msgs[i] })
	return msgs
}

func BenchmarkThread(b *testing.B) {
	msgs := benchMailbox(100000)
	for _, alg := range []struct {
		name string
		alg  Algorithm
	}{{"REFERENCES", References}, {"ORDEREDSUBJECT", OrderedSubject}} {
		b.Run(alg.name+"/100000", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Thread(alg.alg, msgs, true)
			}
		})
	}
}

func BenchmarkSort(b *testing.B) {
	msgs := benchMailbox(100000)
	for _, crit := range []string{"DATE", "SUBJECT", "REVERSE DATE SUBJECT", "DISPLAYFROM"} {
		c, err := ParseCriteria(strings.Fields(crit))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(crit+"/100000", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Sort(msgs, c, true)
			}
		})
	}
}

func BenchmarkBaseSubject(b *testing.B) {
	subjects := []string{"Re: [Fwd: Re: 회의 일정 (fwd)]", "weekly report 12", "=?euc-kr?B?yLjAxyDAz8Gk?="}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		BaseSubject(subjects[i%len(subjects)])
	}
}

func BenchmarkFormatThreads(b *testing.B) {
	threads := Thread(References, benchMailbox(100000), true)
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = AppendThreads(buf[:0], threads)
	}
}
