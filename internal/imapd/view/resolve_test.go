package view

import (
	"errors"
	"slices"
	"testing"

	"postroom/internal/imapd/wire"
)

func set(ranges ...uint32) wire.SeqSet {
	var s wire.SeqSet
	for i := 0; i+1 < len(ranges); i += 2 {
		s.Ranges = append(s.Ranges, wire.SeqRange{Start: ranges[i], Stop: ranges[i+1]})
	}
	return s
}

func uidsOf(refs []Ref) []uint32 {
	var out []uint32
	for _, r := range refs {
		out = append(out, r.UID)
	}
	return out
}

func TestResolve(t *testing.T) {
	const star = wire.Star
	// The client sees 10 20 30 40 50; 30 was expunged by another session
	// and not yet reported.
	v := open(Options{}, 10, 20, 30, 40, 50)
	v.Expunged(30)
	v.Added(60) // not announced: no number yet
	tests := []struct {
		name    string
		uid     bool
		set     wire.SeqSet
		want    []uint32
		wantErr error
	}{
		{"seq_all", false, set(1, star), []uint32{10, 20, 30, 40, 50}, nil},
		{"seq_expunged_still_numbered", false, set(3, 3), []uint32{30}, nil},
		{"seq_reversed_range", false, set(star, 4), []uint32{40, 50}, nil},
		{"seq_overlaps_merged", false, set(1, 2, 2, 3, 1, 1), []uint32{10, 20, 30}, nil},
		{"seq_beyond_view_is_error", false, set(6, 6), nil, ErrBeyond},
		{"seq_range_beyond_view_is_error", false, set(4, 9), nil, ErrBeyond},
		{"seq_saved_is_sessions", false, wire.SeqSet{Saved: true}, nil, ErrSaved},
		{"uid_range", true, set(25, 45), []uint32{30, 40}, nil},
		// RFC 9051 §6.4.9: "559:*" includes the last message.
		{"uid_above_last_with_star", true, set(559, star), []uint32{50}, nil},
		{"uid_unknown_absent", true, set(1, 5, 11, 19), nil, nil},
		{"uid_not_yet_announced_absent", true, set(60, 60), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var refs []Ref
			var err error
			if tt.uid {
				refs, err = v.ResolveUID(tt.set)
			} else {
				refs, err = v.ResolveSeq(tt.set)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got := uidsOf(refs); !slices.Equal(got, tt.want) {
				t.Fatalf("uids = %v, want %v", got, tt.want)
			}
			for _, r := range refs {
				if r.Expunged != (r.UID == 30) {
					t.Fatalf("ref %+v: Expunged wrong", r)
				}
				if s, _ := v.UIDToSeq(r.UID); s != r.Seq {
					t.Fatalf("ref %+v: seq should be %d", r, s)
				}
			}
		})
	}
}

func TestResolve_emptyMailbox(t *testing.T) {
	v := Open(Snapshot{UIDValidity: 1, UIDNext: 33}, Options{})
	if _, err := v.ResolveSeq(set(wire.Star, wire.Star)); !errors.Is(err, ErrBeyond) {
		t.Fatalf("FETCH * on empty mailbox: err = %v", err)
	}
	refs, err := v.ResolveUID(set(1, wire.Star))
	if err != nil || len(refs) != 0 {
		t.Fatalf("UID FETCH 1:* on empty mailbox = %v, %v", refs, err)
	}
}

func TestSeqToUID(t *testing.T) {
	v := open(Options{}, 4, 8, 15)
	for _, tt := range []struct {
		seq, uid uint32
		ok       bool
	}{{0, 0, false}, {1, 4, true}, {3, 15, true}, {4, 0, false}} {
		if uid, ok := v.SeqToUID(tt.seq); uid != tt.uid || ok != tt.ok {
			t.Errorf("SeqToUID(%d) = %d, %v", tt.seq, uid, ok)
		}
	}
	if _, ok := v.UIDToSeq(5); ok {
		t.Error("UIDToSeq(5) found")
	}
}

// RFC 9051 §7.5.1: no EXPUNGE while responding to FETCH, STORE or SEARCH;
// a UID command is a different command and may carry one; RFC 9051 §5.5:
// not while a sequence-number command is queued behind.
func TestMayExpunge(t *testing.T) {
	tests := []struct {
		cmd         string
		uid, queued bool
		want        bool
	}{
		{"FETCH", false, false, false},
		{"STORE", false, false, false},
		{"SEARCH", false, false, false},
		{"SORT", false, false, false},
		{"THREAD", false, false, false},
		{"fetch", false, false, false},
		{"FETCH", true, false, true},
		{"STORE", true, false, true},
		{"SEARCH", true, false, true},
		{"EXPUNGE", true, false, true},
		{"NOOP", false, false, true},
		{"CHECK", false, false, true},
		{"IDLE", false, false, true},
		{"EXPUNGE", false, false, true},
		{"COPY", false, false, true},
		{"NOOP", false, true, false},
		{"FETCH", true, true, false},
	}
	for _, tt := range tests {
		if got := MayExpunge(tt.cmd, tt.uid, tt.queued); got != tt.want {
			t.Errorf("MayExpunge(%s, uid=%v, queued=%v) = %v", tt.cmd, tt.uid, tt.queued, got)
		}
	}
}
