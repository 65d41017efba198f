package view

import (
	"errors"
	"slices"

	"postroom/internal/imapd/wire"
)

// ResyncRequest is the QRESYNC parameter of SELECT/EXAMINE (RFC 7162
// §3.2.5): what the client remembers of its last session.
type ResyncRequest struct {
	UIDValidity uint32
	ModSeq      uint64
	// KnownUIDs limits what is reported; nil stands for every UID.
	KnownUIDs *wire.SeqSet
	// MatchSeqs and MatchUIDs are the seq-match-data (RFC 7162 §3.2.5.2):
	// pairs of a sequence number and the UID it had for the client. Both
	// nil, or both set with as many numbers each.
	MatchSeqs, MatchUIDs *wire.SeqSet
}

// ErrMatchData: the two sets of seq-match-data differ in size (RFC 7162
// §3.2.5.2); the session answers BAD.
var ErrMatchData = errors.New("view: seq-match-data sets differ in size")

// Resync returns what SELECT (QRESYNC ...) reports after the usual SELECT
// responses and before its tagged OK (RFC 7162 §3.2.5): one
// "* VANISHED (EARLIER) uids" for the messages expunged since req.ModSeq,
// then a FETCH (FLAGS, UID, MODSEQ) per message changed since. msgs is the
// Snapshot the view was opened with; expunged is the store's expunge log
// since req.ModSeq (store.ExpungedSince), in any order. A UIDVALIDITY the
// mailbox no longer has makes the parameter void: nothing is reported and
// the client resynchronises in full.
//
// Choices: KnownUIDs limits the FETCHes as well as VANISHED (the client
// named what it caches; it fetches the rest itself); a UID the view still
// holds is never reported vanished, whatever the log says, since the
// client was just told it exists.
func (v *View) Resync(req ResyncRequest, msgs []Message, expunged []uint32) ([]Response, error) {
	if req.UIDValidity != v.uidValidity {
		return nil, nil
	}
	known := func(uint32) bool { return true }
	if req.KnownUIDs != nil {
		ks := spans(*req.KnownUIDs, v.uidNext)
		known = func(uid uint32) bool { return inSpans(ks, uid) }
	}
	floor, err := v.matchFloor(req)
	if err != nil {
		return nil, err
	}

	var out []Response
	var vanished []uint32
	for _, uid := range expunged {
		if uid <= floor || !known(uid) {
			continue
		}
		if _, in := v.find(uid); in {
			continue
		}
		vanished = append(vanished, uid)
	}
	if len(vanished) > 0 {
		slices.Sort(vanished)
		vanished = slices.Compact(vanished)
		out = append(out, Response{Kind: KindVanished, UIDs: vanished, Earlier: true})
	}
	for _, m := range msgs {
		if m.ModSeq <= req.ModSeq || !known(m.UID) {
			continue
		}
		seq, ok := v.UIDToSeq(m.UID)
		if !ok {
			continue
		}
		flags := m.Flags
		if v.IsRecent(m.UID) {
			flags = append(slices.Clone(flags), `\Recent`)
		}
		out = append(out, Response{Kind: KindFetch, Num: seq, UID: m.UID, Flags: flags, ModSeq: m.ModSeq})
		v.Reported(m.UID, m.ModSeq)
	}
	return out, nil
}

func inSpans(ss []span, n uint32) bool {
	_, found := slices.BinarySearchFunc(ss, n, func(s span, n uint32) int {
		switch {
		case s.hi < n:
			return -1
		case s.lo > n:
			return 1
		}
		return 0
	})
	return found
}

// matchFloor reads the seq-match-data: walking the pairs in ascending
// order, each pair whose UID still has the client's sequence number shows
// that nothing below that UID was expunged (new messages only ever come
// after it). The UID of the last pair that matches before the first that
// does not is a floor: expunges at or below it need no report. 0 when there
// is no match data.
func (v *View) matchFloor(req ResyncRequest) (uint32, error) {
	if req.MatchSeqs == nil || req.MatchUIDs == nil {
		return 0, nil
	}
	seqs := spans(*req.MatchSeqs, uint32(len(v.uids)))
	uids := spans(*req.MatchUIDs, v.uidNext)
	if size(seqs) != size(uids) {
		return 0, ErrMatchData
	}
	var floor uint32
	si, ui := 0, 0
	var s, u uint32
	if len(seqs) > 0 {
		s, u = seqs[0].lo, uids[0].lo
	}
	for si < len(seqs) && ui < len(uids) {
		seq, ok := v.UIDToSeq(u)
		if !ok || seq != s {
			break
		}
		floor = u
		if s == seqs[si].hi {
			si++
			if si < len(seqs) {
				s = seqs[si].lo
			}
		} else {
			s++
		}
		if u == uids[ui].hi {
			ui++
			if ui < len(uids) {
				u = uids[ui].lo
			}
		} else {
			u++
		}
	}
	return floor, nil
}

func size(ss []span) uint64 {
	var n uint64
	for _, s := range ss {
		n += uint64(s.hi-s.lo) + 1
	}
	return n
}
