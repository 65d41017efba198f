package view

import (
	"math/rand/v2"
	"testing"

	"postroom/internal/imapd/wire"
)

const benchSize = 100_000

func benchSnapshot() Snapshot {
	s := Snapshot{UIDValidity: 1, UIDNext: 2*benchSize + 1, HighestModSeq: benchSize}
	s.Messages = make([]Message, benchSize)
	for i := range s.Messages {
		// Gaps, as a mailbox that lived has them.
		s.Messages[i] = Message{UID: uint32(2*i + 1), ModSeq: uint64(i + 1), Flags: []string{`\Seen`}}
	}
	return s
}

func BenchmarkOpen100k(b *testing.B) {
	s := benchSnapshot()
	b.ReportAllocs()
	for b.Loop() {
		Open(s, Options{})
	}
}

// 1,000 random changes (a third each appends, expunges, flag changes with
// a new keyword now and then), then one Pending that reports them all.
func BenchmarkPending1000Changes(b *testing.B) {
	s := benchSnapshot()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		v := Open(s, Options{CondStore: true})
		r := rand.New(rand.NewPCG(1, 2))
		next := uint32(2*benchSize + 1)
		b.StartTimer()
		for j := range 1000 {
			switch r.IntN(3) {
			case 0:
				v.Added(next)
				next++
			case 1:
				v.Expunged(uint32(2*r.IntN(benchSize) + 1))
			default:
				flags := []string{`\Seen`}
				if j%50 == 0 {
					flags = append(flags, "$k"+string(rune('a'+j/50)))
				}
				v.FlagsChanged(uint32(2*r.IntN(benchSize)+1), flags, uint64(benchSize+j+1))
			}
		}
		if len(v.Pending(true)) == 0 {
			b.Fatal("nothing pending")
		}
	}
}

func BenchmarkSeqToUID(b *testing.B) {
	v := Open(benchSnapshot(), Options{})
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		v.SeqToUID(uint32(r.IntN(benchSize) + 1))
	}
}

func BenchmarkUIDToSeq(b *testing.B) {
	v := Open(benchSnapshot(), Options{})
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		v.UIDToSeq(uint32(2*r.IntN(benchSize) + 1))
	}
}

// FETCH of the newest 50, the phone's first request.
func BenchmarkResolveSeqNewest50(b *testing.B) {
	v := Open(benchSnapshot(), Options{})
	set := wire.SeqSet{Ranges: []wire.SeqRange{{Start: benchSize - 49, Stop: wire.Star}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.ResolveSeq(set); err != nil {
			b.Fatal(err)
		}
	}
}

// UID FETCH 1:* FLAGS on 100,000 messages.
func BenchmarkResolveUIDAll(b *testing.B) {
	v := Open(benchSnapshot(), Options{})
	set := wire.SeqSet{Ranges: []wire.SeqRange{{Start: 1, Stop: wire.Star}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.ResolveUID(set); err != nil {
			b.Fatal(err)
		}
	}
}
