//go:build unix

package imapd

// The benchmarks of issue 17 over one mailbox of 100,000 messages: SELECT,
// FETCH of the newest 50 envelopes, UID FETCH 1:* FLAGS, BODYSTRUCTURE,
// SEARCH, STATUS, SORT and THREAD, through a real IMAP connection on
// loopback. They talk only IMAP (go-imap's client) to the server that
// startBench starts, so that the same file measures the server before and
// after the rewrite of internal/imapd. docs/benchmarks-imap.md says how to
// run them and keeps the figures. The mailbox is built in
// bench_large_fixture_test.go from the messages of
// bench_large_corpus_test.go.
//
// Invariants:
//   - The mailbox is built once per test binary (largeBox, sync.Once) and
//     removed by TestMain; no benchmark changes it (no \Seen is set: only
//     ENVELOPE, FLAGS, BODYSTRUCTURE are fetched), so every benchmark sees
//     the same sequence numbers, flags and counts.
//   - Every benchmark checks its answer against what the corpus generator
//     knows (counts, UIDs, sizes): a server that answers fast and wrong fails.

import (
	"fmt"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// BenchmarkLargeSelect times SELECT INBOX to its tagged OK.
func BenchmarkLargeSelect(b *testing.B) {
	mb := largeBox(b)
	measure(b, func() error {
		data, err := mb.c.Select("INBOX", nil).Wait()
		if err != nil {
			return err
		}
		if data.NumMessages != largeN || data.UIDNext != mb.uids[largeN-1]+1 {
			return fmt.Errorf("SELECT: %d messages, UIDNEXT %d; want %d, %d", data.NumMessages, data.UIDNext, largeN, mb.uids[largeN-1]+1)
		}
		return nil
	})
}

// BenchmarkLargeFetchNewest50 times FETCH N-49:N (ENVELOPE FLAGS
// INTERNALDATE RFC822.SIZE): a client's first screen of a folder.
func BenchmarkLargeFetchNewest50(b *testing.B) {
	mb := largeBox(b)
	opts := &imap.FetchOptions{Envelope: true, Flags: true, InternalDate: true, RFC822Size: true}
	measure(b, func() error {
		msgs, err := mb.c.Fetch(imap.SeqSet{imap.SeqRange{Start: largeN - 49, Stop: largeN}}, opts).Collect()
		if err != nil {
			return err
		}
		if len(msgs) != 50 {
			return fmt.Errorf("FETCH newest 50: %d messages", len(msgs))
		}
		for _, m := range msgs {
			i := int(m.SeqNum) - 1
			want := fmt.Sprintf("large.%d@bench.example", i)
			if m.Envelope == nil || m.Envelope.MessageID != want || m.RFC822Size != mb.sizes[i] || m.InternalDate.IsZero() {
				return fmt.Errorf("FETCH %d: envelope %+v, size %d; want Message-ID %s, size %d", m.SeqNum, m.Envelope, m.RFC822Size, want, mb.sizes[i])
			}
		}
		return nil
	})
}

// BenchmarkLargeUIDFetchAllFlags times UID FETCH 1:* (FLAGS): a client's
// resync of a folder without CONDSTORE.
func BenchmarkLargeUIDFetchAllFlags(b *testing.B) {
	mb := largeBox(b)
	opts := &imap.FetchOptions{Flags: true, UID: true}
	measure(b, func() error {
		// Streamed, not collected: the client's own buffers would
		// weigh on allocs/op.
		cmd := mb.c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, opts)
		n, seen := 0, 0
		for m := cmd.Next(); m != nil; m = cmd.Next() {
			n++
			for item := m.Next(); item != nil; item = m.Next() {
				if f, ok := item.(imapclient.FetchItemDataFlags); ok && slices.Contains(f.Flags, imap.FlagSeen) {
					seen++
				}
			}
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		if n != largeN || seen != largeN-mb.want.unseen {
			return fmt.Errorf("UID FETCH 1:* FLAGS: %d messages, %d seen; want %d, %d", n, seen, largeN, largeN-mb.want.unseen)
		}
		return nil
	})
}

// BenchmarkLargeBodyStructureNewest50 times UID FETCH of BODYSTRUCTURE for
// the newest 50 UIDs (a client deciding what to download).
func BenchmarkLargeBodyStructureNewest50(b *testing.B) {
	mb := largeBox(b)
	var set imap.UIDSet
	set.AddNum(mb.uids[largeN-50:]...)
	opts := &imap.FetchOptions{UID: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}
	measure(b, func() error {
		msgs, err := mb.c.Fetch(set, opts).Collect()
		if err != nil {
			return err
		}
		if len(msgs) != 50 {
			return fmt.Errorf("UID FETCH BODYSTRUCTURE newest 50: %d messages", len(msgs))
		}
		for _, m := range msgs {
			i := int(m.SeqNum) - 1
			_, multi := m.BodyStructure.(*imap.BodyStructureMultiPart)
			if m.BodyStructure == nil || multi != (largeKind(i) != kindPlain) {
				return fmt.Errorf("UID FETCH %d BODYSTRUCTURE: %#v, want multipart %v", m.UID, m.BodyStructure, largeKind(i) != kindPlain)
			}
		}
		return nil
	})
}

// BenchmarkLargeSearch times UID SEARCH over the whole mailbox.
func BenchmarkLargeSearch(b *testing.B) {
	mb := largeBox(b)
	for _, k := range []struct {
		name     string
		c        imap.SearchCriteria
		min, max int
	}{
		{"Subject회의", imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: "회의"}}}, mb.want.meeting, mb.want.meeting},
		{"FromKim", imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: "kim"}}}, mb.want.kim, mb.want.kim},
		{"SinceBefore", imap.SearchCriteria{Since: largeSince, Before: largeBefore}, mb.want.rangeMin, mb.want.rangeMax},
		{"Unseen", imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, mb.want.unseen, mb.want.unseen},
		{"Body내일", imap.SearchCriteria{Body: []string{largeBodyWord}}, mb.want.tomorrow, mb.want.tomorrow},
	} {
		b.Run(k.name, func(b *testing.B) {
			measure(b, func() error {
				data, err := mb.c.UIDSearch(&k.c, nil).Wait()
				if err != nil {
					return err
				}
				if got := len(data.AllUIDs()); got < k.min || got > k.max {
					return fmt.Errorf("SEARCH %s found %d messages, want %d to %d", k.name, got, k.min, k.max)
				}
				return nil
			})
		})
	}
}

// BenchmarkLargeStatus times STATUS INBOX (MESSAGES UNSEEN UIDNEXT) from a
// session with nothing selected.
func BenchmarkLargeStatus(b *testing.B) {
	mb := largeBox(b)
	opts := &imap.StatusOptions{NumMessages: true, NumUnseen: true, UIDNext: true}
	measure(b, func() error {
		data, err := mb.status.Status("INBOX", opts).Wait()
		if err != nil {
			return err
		}
		if data.NumMessages == nil || *data.NumMessages != largeN || data.NumUnseen == nil ||
			*data.NumUnseen != uint32(mb.want.unseen) || data.UIDNext != mb.uids[largeN-1]+1 {
			return fmt.Errorf("STATUS: %+v; want %d messages, %d unseen, UIDNEXT %d", data, largeN, mb.want.unseen, mb.uids[largeN-1]+1)
		}
		return nil
	})
}

// BenchmarkLargeSort times SORT (RFC 5256), which the server before issue
// 17's rewrite does not offer.
func BenchmarkLargeSort(b *testing.B) {
	mb := largeBox(b)
	if !mb.c.Caps().Has(imap.CapSort) {
		b.Skip("the server does not advertise SORT (RFC 5256): nothing to measure until issue 17's rewrite")
	}
	all := &imap.SearchCriteria{}
	unseen := &imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}
	for _, k := range []struct {
		name   string
		keys   []imapclient.SortCriterion
		search *imap.SearchCriteria
		want   int
		first  uint32 // the sequence number sorted first; 0: not checked
	}{
		// Date order is append order in this corpus: newest first is N.
		{"ReverseDate", []imapclient.SortCriterion{{Key: imapclient.SortKeyDate, Reverse: true}}, all, largeN, largeN},
		{"Subject", []imapclient.SortCriterion{{Key: imapclient.SortKeySubject}}, all, largeN, 0},
		{"FromUnseen", []imapclient.SortCriterion{{Key: imapclient.SortKeyFrom}}, unseen, mb.want.unseen, 0},
	} {
		b.Run(k.name, func(b *testing.B) {
			measure(b, func() error {
				nums, err := mb.c.Sort(&imapclient.SortOptions{SearchCriteria: k.search, SortCriteria: k.keys}).Wait()
				if err != nil {
					return err
				}
				if len(nums) != k.want || k.first != 0 && nums[0] != k.first {
					return fmt.Errorf("SORT %s: %d numbers (first %v), want %d (first %d)", k.name, len(nums), nums[:min(1, len(nums))], k.want, k.first)
				}
				return nil
			})
		})
	}
}

// BenchmarkLargeThread times THREAD (RFC 5256) over the whole mailbox,
// skipped while the server does not offer it.
func BenchmarkLargeThread(b *testing.B) {
	mb := largeBox(b)
	for _, alg := range []imap.ThreadAlgorithm{imap.ThreadReferences, imap.ThreadOrderedSubject} {
		b.Run(string(alg), func(b *testing.B) {
			if !slices.Contains(mb.c.Caps().ThreadAlgorithms(), alg) {
				b.Skipf("the server does not advertise THREAD=%s (RFC 5256): nothing to measure until issue 17's rewrite", alg)
			}
			measure(b, func() error {
				threads, err := mb.c.Thread(&imapclient.ThreadOptions{Algorithm: alg, SearchCriteria: &imap.SearchCriteria{}}).Wait()
				if err != nil {
					return err
				}
				n := 0
				for _, t := range threads {
					n += threadSize(t)
				}
				// Replies make threads: fewer threads than messages.
				if n != largeN || len(threads) >= largeN {
					return fmt.Errorf("THREAD %s: %d messages in %d threads, want %d in fewer", alg, n, len(threads), largeN)
				}
				return nil
			})
		})
	}
}

func threadSize(t imapclient.ThreadData) int {
	n := len(t.Chain)
	for _, s := range t.SubThreads {
		n += threadSize(s)
	}
	return n
}
