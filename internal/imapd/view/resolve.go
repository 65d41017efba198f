package view

import (
	"errors"
	"slices"

	"postroom/internal/imapd/wire"
)

// Ref is one message of a resolved set, as the client numbers it.
type Ref struct {
	Seq uint32
	UID uint32
	// Expunged: the client still sees the message but another session
	// expunged it. RFC 2180 §4.1.1 lets FETCH either send data the server
	// still has or answer NO; Postroom keeps no data of expunged messages,
	// so the session leaves them out of FETCH and completes it with OK
	// (the EXPUNGE follows at the next point it may be sent); STORE and
	// COPY skip them the same way. Nothing fails with BAD: the numbers are
	// valid in the client's view (issue 17 item 11).
	Expunged bool
}

var (
	// ErrBeyond: a sequence number past the client's view, or "*" when it
	// sees no message (RFC 9051 §9 seq-number: "*" is the number of
	// messages in a non-empty mailbox). The session answers
	// BAD [CLIENTBUG]: the client refers to a message it was never told of.
	ErrBeyond = errors.New("view: message sequence number beyond the messages of this mailbox")
	// ErrSaved: "$" (RFC 5182) is the session's to resolve, not the view's.
	ErrSaved = errors.New("view: $ must be resolved by the session")
)

// SeqToUID maps a sequence number of the client's view to its UID.
func (v *View) SeqToUID(seq uint32) (uint32, bool) {
	if seq == 0 || int(seq) > len(v.uids) {
		return 0, false
	}
	return v.uids[seq-1], true
}

// UIDToSeq maps a UID to its sequence number in the client's view.
func (v *View) UIDToSeq(uid uint32) (uint32, bool) {
	i, ok := v.find(uid)
	if !ok {
		return 0, false
	}
	return uint32(i + 1), true
}

// span is a closed interval of sequence numbers or UIDs.
type span struct{ lo, hi uint32 }

// spans resolves "*" to star, orders each range and merges overlaps.
func spans(set wire.SeqSet, star uint32) []span {
	out := make([]span, 0, len(set.Ranges))
	for _, r := range set.Ranges {
		lo, hi := r.Start, r.Stop
		if lo == wire.Star {
			lo = star
		}
		if hi == wire.Star {
			hi = star
		}
		if lo > hi {
			lo, hi = hi, lo
		}
		out = append(out, span{lo, hi})
	}
	slices.SortFunc(out, func(a, b span) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && uint64(s.lo) <= uint64(merged[n-1].hi)+1 {
			merged[n-1].hi = max(merged[n-1].hi, s.hi)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// ResolveSeq resolves a sequence set against the client's view, in
// ascending order without repeats. Any number beyond the view (or 0) is
// ErrBeyond for the whole set: the client names a message it was never
// told of, and a partial answer would hide that it lost synchronisation.
func (v *View) ResolveSeq(set wire.SeqSet) ([]Ref, error) {
	if set.Saved {
		return nil, ErrSaved
	}
	n := uint32(len(v.uids))
	ss := spans(set, n)
	count := 0
	for _, s := range ss {
		if s.lo == 0 || s.hi > n {
			return nil, ErrBeyond
		}
		count += int(s.hi-s.lo) + 1
	}
	out := make([]Ref, 0, count)
	for _, s := range ss {
		for seq := s.lo; seq <= s.hi; seq++ {
			uid := v.uids[seq-1]
			_, gone := v.gone[uid]
			out = append(out, Ref{Seq: seq, UID: uid, Expunged: gone})
		}
	}
	return out, nil
}

// ResolveUID resolves a UID set against the client's view: UIDs it does
// not know (never assigned, expunged and reported, or not yet announced)
// are simply absent, never an error (RFC 9051 §6.4.9). "*" is the last
// UID the client knows, or UIDNEXT-as-known when it knows none (RFC 9051
// §9 seq-number), so "559:*" includes the last message even when 559 is
// higher (RFC 9051 §6.4.9).
func (v *View) ResolveUID(set wire.SeqSet) ([]Ref, error) {
	if set.Saved {
		return nil, ErrSaved
	}
	star := v.last()
	if star == 0 {
		star = v.uidNext
	}
	ss := spans(set, star)
	// Two binary searches per span size the answer first: UID FETCH 1:*
	// of a large mailbox allocates once.
	count := 0
	for _, s := range ss {
		i, _ := slices.BinarySearch(v.uids, s.lo)
		j, found := slices.BinarySearch(v.uids, s.hi)
		if found {
			j++
		}
		count += j - i
	}
	out := make([]Ref, 0, count)
	for _, s := range ss {
		i, _ := slices.BinarySearch(v.uids, s.lo)
		for ; i < len(v.uids) && v.uids[i] <= s.hi; i++ {
			uid := v.uids[i]
			_, gone := v.gone[uid]
			out = append(out, Ref{Seq: uint32(i + 1), UID: uid, Expunged: gone})
		}
	}
	return out, nil
}
