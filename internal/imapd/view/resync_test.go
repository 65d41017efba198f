package view

import (
	"slices"
	"strings"
	"testing"
)

// A mailbox in the manner of RFC 7162 §3.2.5.1's example: the client last
// synchronised at modseq 100; since then 3:5 and 8 were expunged, 2 and 9
// changed flags, and 11 arrived.
func resyncMailbox() (Snapshot, []uint32) {
	s := Snapshot{UIDValidity: 67890007, UIDNext: 12, HighestModSeq: 200, Messages: []Message{
		{UID: 1, ModSeq: 50, Flags: []string{`\Seen`}},
		{UID: 2, ModSeq: 150, Flags: []string{`\Seen`, `\Answered`}},
		{UID: 6, ModSeq: 90},
		{UID: 7, ModSeq: 100},
		{UID: 9, ModSeq: 180, Flags: []string{`\Draft`, "$MDNSent"}},
		{UID: 10, ModSeq: 20},
		{UID: 11, ModSeq: 190},
	}}
	// The expunge log since 100 (unordered, as a store may give it), with
	// one UID the client never knew of.
	return s, []uint32{8, 3, 4, 5}
}

func TestResync(t *testing.T) {
	known := set(1, 10)
	tests := []struct {
		name string
		req  ResyncRequest
		want []string
	}{
		{"all_since_modseq", ResyncRequest{UIDValidity: 67890007, ModSeq: 100}, []string{
			"* VANISHED (EARLIER) 3:5,8",
			`* 2 FETCH (FLAGS (\Seen \Answered) UID 2 MODSEQ (150))`,
			`* 5 FETCH (FLAGS (\Draft $MDNSent) UID 9 MODSEQ (180))`,
			`* 7 FETCH (FLAGS () UID 11 MODSEQ (190))`,
		}},
		{"known_uids_limit_both", ResyncRequest{UIDValidity: 67890007, ModSeq: 100, KnownUIDs: &known}, []string{
			"* VANISHED (EARLIER) 3:5,8",
			`* 2 FETCH (FLAGS (\Seen \Answered) UID 2 MODSEQ (150))`,
			`* 5 FETCH (FLAGS (\Draft $MDNSent) UID 9 MODSEQ (180))`,
		}},
		{"uidvalidity_changed_reports_nothing", ResyncRequest{UIDValidity: 1, ModSeq: 100}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, log := resyncMailbox()
			v := Open(s, Options{QResync: true, Rev2: true})
			rs, err := v.Resync(tt.req, s.Messages, log)
			if err != nil {
				t.Fatal(err)
			}
			if got := lines(rs); !slices.Equal(got, tt.want) {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// RFC 7162 §3.2.5.2: seq-match-data pairs that still hold prove nothing
// below them was expunged, so the expunges below need no VANISHED.
func TestResync_seqMatchData(t *testing.T) {
	s, log := resyncMailbox()
	v := Open(s, Options{QResync: true, Rev2: true})
	// The client had 1→1, 2→2 (still true), then 5→6 (now 3: mismatch).
	seqs, uids := set(1, 2, 5, 5), set(1, 2, 6, 6)
	rs, err := v.Resync(ResyncRequest{UIDValidity: 67890007, ModSeq: 100, MatchSeqs: &seqs, MatchUIDs: &uids}, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(rs); !slices.Equal(got, []string{"* VANISHED (EARLIER) 3:5,8"}) {
		t.Fatalf("got %q", got)
	}
	// Log with an expunge below uid 2 the match data proves is stale.
	seqs, uids = set(1, 2), set(1, 2)
	rs, _ = v.Resync(ResyncRequest{UIDValidity: 67890007, ModSeq: 100, MatchSeqs: &seqs, MatchUIDs: &uids}, nil, []uint32{2, 8})
	if got := lines(rs); !slices.Equal(got, []string{"* VANISHED (EARLIER) 8"}) {
		t.Fatalf("got %q", got)
	}
	seqs, uids = set(1, 3), set(1, 2)
	if _, err := v.Resync(ResyncRequest{UIDValidity: 67890007, ModSeq: 1, MatchSeqs: &seqs, MatchUIDs: &uids}, nil, nil); err != ErrMatchData {
		t.Fatalf("mismatched match data: err = %v", err)
	}
}

// A UID still in the view is never reported vanished, whatever the log says
// (an expunge committed between the snapshot and the log read).
func TestResync_neverVanishesWhatTheViewHolds(t *testing.T) {
	s, _ := resyncMailbox()
	v := Open(s, Options{QResync: true})
	rs, _ := v.Resync(ResyncRequest{UIDValidity: 67890007, ModSeq: 200}, s.Messages, []uint32{9, 8})
	if got := lines(rs); !slices.Equal(got, []string{"* VANISHED (EARLIER) 8"}) {
		t.Fatalf("got %q", got)
	}
}
