package view

import (
	"bytes"
	"slices"
	"strings"

	"postroom/internal/imapd/wire"
)

// Kind says which untagged response a Response is.
type Kind uint8

const (
	KindFlags          Kind = iota + 1 // * FLAGS (...)
	KindPermanentFlags                 // * OK [PERMANENTFLAGS (...)]
	KindExpunge                        // * n EXPUNGE
	KindVanished                       // * VANISHED [(EARLIER)] uids
	KindExists                         // * n EXISTS
	KindRecent                         // * n RECENT (rev1 only)
	KindFetch                          // * n FETCH (FLAGS (...) UID u [MODSEQ (m)])
)

// Response is one untagged response the session must send.
type Response struct {
	Kind    Kind
	Num     uint32   // sequence number (EXPUNGE, FETCH) or count (EXISTS, RECENT)
	UID     uint32   // FETCH
	Flags   []string // FLAGS, PERMANENTFLAGS, FETCH
	ModSeq  uint64   // FETCH; 0: no MODSEQ item
	UIDs    []uint32 // VANISHED, ascending
	Earlier bool     // VANISHED (EARLIER)
}

// Write writes r with the session's wire.Writer (not flushed).
func (r Response) Write(w *wire.Writer) error {
	switch r.Kind {
	case KindFlags:
		return w.Flags(r.Flags)
	case KindPermanentFlags:
		return w.Status("", "OK", wire.CodePermanentFlags(r.Flags), "Flags permitted")
	case KindExpunge:
		return w.Count(r.Num, "EXPUNGE")
	case KindExists:
		return w.Count(r.Num, "EXISTS")
	case KindRecent:
		return w.Count(r.Num, "RECENT")
	case KindVanished:
		return w.Vanished(uidSet(r.UIDs), r.Earlier)
	case KindFetch:
		w.BeginFetch(r.Num).Atom("FLAGS").List(r.Flags)
		if r.UID != 0 {
			w.Atom("UID").Number(uint64(r.UID))
		}
		if r.ModSeq != 0 {
			w.Atom("MODSEQ").Open().Number(r.ModSeq).Close()
		}
		return w.EndFetch()
	}
	return nil
}

// String is the response line without CRLF, as Write sends it.
func (r Response) String() string {
	var b bytes.Buffer
	w := wire.NewWriter(&b)
	r.Write(w)
	w.Flush()
	return strings.TrimSuffix(b.String(), "\r\n")
}

// uidSet compresses ascending UIDs into ranges.
func uidSet(uids []uint32) wire.SeqSet {
	var s wire.SeqSet
	for _, u := range uids {
		if n := len(s.Ranges); n > 0 && s.Ranges[n-1].Stop+1 == u {
			s.Ranges[n-1].Stop = u
			continue
		}
		s.Ranges = append(s.Ranges, wire.SeqRange{Start: u, Stop: u})
	}
	return s
}

// MayExpunge says whether EXPUNGE (or VANISHED) may be sent while the
// session responds to command (its name, upper case, without "UID"):
//
//   - RFC 9051 §7.5.1 (RFC 3501 §7.4.1): not while responding to FETCH,
//     STORE or SEARCH, whose answers carry sequence numbers the client
//     matches against its view; UID FETCH, UID STORE and UID SEARCH are
//     different commands and MAY carry EXPUNGE. SORT and THREAD (RFC 5256)
//     answer sequence numbers like SEARCH and get the same rule.
//   - RFC 9051 §5.5: while another command that uses sequence numbers is
//     already waiting behind this one (pipelined), an EXPUNGE would change
//     what its numbers mean: seqCommandQueued holds it back, UID or not.
//   - Never when no command is in progress: the caller only asks during a
//     command or IDLE (RFC 2177 counts IDLE as in progress).
//
// The EXPUNGE and MOVE commands themselves, NOOP, CHECK, IDLE, UID EXPUNGE
// and the rest may.
func MayExpunge(command string, uid, seqCommandQueued bool) bool {
	if seqCommandQueued {
		return false
	}
	if uid {
		return true
	}
	switch strings.ToUpper(command) {
	case "FETCH", "STORE", "SEARCH", "SORT", "THREAD":
		return false
	}
	return true
}

// Pending returns the untagged responses to send now, in order, and
// applies them to the view as sent: the caller must send them all, in
// this order, before anything that uses the new numbers. allowExpunge
// comes from MayExpunge.
//
// The order: FLAGS and PERMANENTFLAGS when a FETCH below uses a new
// keyword; the EXPUNGEs (or one VANISHED) if allowed, each numbered
// against the view the ones before it left; EXISTS (and RECENT for rev1)
// for new messages; then a FETCH per flag change of a message the client
// knows and that is not expunged, numbered after the EXPUNGEs.
func (v *View) Pending(allowExpunge bool) []Response {
	var out []Response

	// Changes of messages expunged meanwhile are dropped by Expunged; the
	// rest all go out below, so their keywords are announced first.
	grew := false
	for _, c := range v.changes {
		for _, f := range c.flags {
			if v.announce(f) {
				grew = true
			}
		}
	}
	if grew {
		out = v.flagsResponses(out)
	}

	if allowExpunge && len(v.gone) > 0 {
		out = v.expunge(out)
	}

	if len(v.added) > 0 {
		for _, uid := range v.added {
			v.uids = append(v.uids, uid)
			v.modSeq = append(v.modSeq, 0)
		}
		v.added = v.added[:0]
		last := v.last()
		if last >= v.uidNext {
			v.uidNext = last + 1
		}
		for uid := range v.dropped {
			if uid <= last {
				delete(v.dropped, uid) // a late Added is ignored anyway
			}
		}
		out = append(out, Response{Kind: KindExists, Num: uint32(len(v.uids))})
		if !v.opts.Rev2 {
			out = append(out, Response{Kind: KindRecent, Num: uint32(v.RecentCount())})
		}
	}

	if len(v.changes) > 0 {
		start := len(out)
		for uid, c := range v.changes {
			i, ok := v.find(uid)
			if !ok {
				continue
			}
			flags := c.flags
			if v.IsRecent(uid) {
				flags = append(slices.Clone(flags), `\Recent`)
			}
			r := Response{Kind: KindFetch, Num: uint32(i + 1), UID: uid, Flags: flags}
			if v.opts.CondStore || v.opts.QResync {
				r.ModSeq = c.modSeq // RFC 7162 §3.1: once CONDSTORE is on, every FETCH with FLAGS has MODSEQ
			}
			if c.modSeq > v.modSeq[i] {
				v.modSeq[i] = c.modSeq
			}
			out = append(out, r)
		}
		clear(v.changes)
		slices.SortFunc(out[start:], func(a, b Response) int { return int(a.Num) - int(b.Num) })
	}
	return out
}

// expunge reports every message in gone and removes them from the view in
// one pass.
func (v *View) expunge(out []Response) []Response {
	removed := make([]uint32, 0, len(v.gone))
	for uid := range v.gone {
		removed = append(removed, uid)
	}
	slices.Sort(removed)
	if v.opts.QResync {
		// RFC 7162 §3.2.10: once QRESYNC is enabled, VANISHED replaces
		// EXPUNGE; one response for the lot.
		out = append(out, Response{Kind: KindVanished, UIDs: removed})
	} else {
		// RFC 9051 §7.5.1: each EXPUNGE decrements the numbers after it,
		// so the k-th removal (ascending) is numbered index+1-k.
		for k, uid := range removed {
			i, _ := v.find(uid)
			out = append(out, Response{Kind: KindExpunge, Num: uint32(i + 1 - k)})
		}
	}
	j := 0
	for i, uid := range v.uids {
		if _, ok := v.gone[uid]; ok {
			delete(v.recent, uid)
			continue
		}
		v.uids[j], v.modSeq[j] = uid, v.modSeq[i]
		j++
	}
	v.uids, v.modSeq = v.uids[:j], v.modSeq[:j]
	clear(v.gone)
	return out
}
