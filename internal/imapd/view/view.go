package view

import (
	"slices"
	"strings"
)

// Message is one message as the store has it when the session selects the
// mailbox (or resynchronises).
type Message struct {
	UID    uint32
	ModSeq uint64
	Flags  []string // stored flags, never \Recent
	Recent bool     // this session is the first to see it (RFC 3501 §2.3.2)
}

// Snapshot is the mailbox as read from the store at SELECT. The session
// subscribes to events before reading it, so an event may repeat what the
// snapshot already holds: the view ignores such repeats.
type Snapshot struct {
	UIDValidity   uint32
	UIDNext       uint32
	HighestModSeq uint64
	Keywords      []string  // keywords in use in the mailbox
	Messages      []Message // ascending UIDs
}

// Options are what the session enabled; they change only between commands.
type Options struct {
	Rev2      bool // IMAP4rev2 enabled: no \Recent, no RECENT (RFC 9051 §E)
	CondStore bool // MODSEQ in unsolicited FETCH (RFC 7162 §3.1)
	QResync   bool // VANISHED replaces EXPUNGE (RFC 7162 §3.2.10)
	ReadOnly  bool // EXAMINE: PERMANENTFLAGS () (RFC 9051 §6.3.3)
}

// change is a flag change not yet reported.
type change struct {
	flags  []string
	modSeq uint64
}

// View is one session's view of its selected mailbox. See the package
// comment for its invariants.
type View struct {
	opts        Options
	uidValidity uint32
	uidNext     uint32 // as the client knows it: past the last EXISTS
	highest     uint64

	// uids is the client's mapping: seq n is uids[n-1], ascending.
	uids []uint32
	// modSeq[i] is the newest MODSEQ of uids[i] the client was told (or
	// that Open saw), so that an old or repeated event is not reported.
	modSeq []uint64

	// gone holds UIDs of uids expunged in the store and not yet reported:
	// they keep their numbers until an EXPUNGE may be sent. A set, not a
	// slice edit, so that an expunge costs O(1) and the O(n) compaction
	// is paid once per Pending.
	gone map[uint32]struct{}
	// added holds new UIDs above uids' last, ascending, not yet in EXISTS.
	added []uint32
	// dropped holds UIDs above uids' last that were expunged before their
	// Added arrived: the late Added must not announce them.
	dropped map[uint32]struct{}
	// changes holds flag changes of messages in uids not yet reported.
	changes map[uint32]change
	// recent holds UIDs (in uids or added) that carry \Recent here.
	recent map[uint32]struct{}

	// announced: keywords already sent in FLAGS, by lowercase name (flags
	// compare case-insensitively, RFC 9051 §2.3.2), in announcement order.
	announced map[string]struct{}
	keywords  []string
}

// systemFlags are the flags of every mailbox (RFC 9051 §2.3.2).
var systemFlags = []string{`\Answered`, `\Flagged`, `\Deleted`, `\Seen`, `\Draft`}

// Open returns the view of a freshly selected mailbox: the client will be
// told len(s.Messages) EXISTS, and FLAGS with every keyword in s.Keywords
// or on a message.
func Open(s Snapshot, opts Options) *View {
	v := &View{
		opts:        opts,
		uidValidity: s.UIDValidity,
		uidNext:     s.UIDNext,
		highest:     s.HighestModSeq,
		uids:        make([]uint32, 0, len(s.Messages)),
		modSeq:      make([]uint64, 0, len(s.Messages)),
		gone:        map[uint32]struct{}{},
		dropped:     map[uint32]struct{}{},
		changes:     map[uint32]change{},
		recent:      map[uint32]struct{}{},
		announced:   map[string]struct{}{},
	}
	for _, k := range s.Keywords {
		v.announce(k)
	}
	for _, m := range s.Messages {
		if n := len(v.uids); n > 0 && m.UID <= v.uids[n-1] {
			continue // not ascending: a caller bug; keep the view sorted
		}
		v.uids = append(v.uids, m.UID)
		v.modSeq = append(v.modSeq, m.ModSeq)
		for _, f := range m.Flags {
			v.announce(f)
		}
		if m.Recent {
			v.recent[m.UID] = struct{}{}
		}
	}
	if n := len(v.uids); n > 0 && v.uids[n-1] >= v.uidNext {
		v.uidNext = v.uids[n-1] + 1 // the mailbox row was read a moment earlier
	}
	return v
}

// Enable records what the session enabled (ENABLE CONDSTORE/QRESYNC/
// IMAP4rev2, or a CONDSTORE-using command, RFC 7162 §3.1).
func (v *View) Enable(opts Options) { v.opts = opts }

// Options reports what the view was told is enabled.
func (v *View) Options() Options { return v.opts }

// UIDValidity is the mailbox's UIDVALIDITY at SELECT.
func (v *View) UIDValidity() uint32 { return v.uidValidity }

// UIDNext is UIDNEXT as the client can know it: past every UID announced.
func (v *View) UIDNext() uint32 { return v.uidNext }

// Len is the number of messages the client knows (its last EXISTS minus
// the EXPUNGEs it was sent since).
func (v *View) Len() int { return len(v.uids) }

// RecentCount is the number of messages in the client's view with \Recent.
func (v *View) RecentCount() int {
	n := 0
	for uid := range v.recent {
		if _, ok := v.find(uid); ok {
			n++
		}
	}
	return n
}

// IsRecent reports whether FETCH FLAGS of uid include \Recent: only for
// rev1 sessions (RFC 9051 removed it).
func (v *View) IsRecent(uid uint32) bool {
	_, ok := v.recent[uid]
	return ok && !v.opts.Rev2
}

// find returns uid's index in the client's view.
func (v *View) find(uid uint32) (int, bool) {
	return slices.BinarySearch(v.uids, uid)
}

func (v *View) last() uint32 {
	if n := len(v.uids); n > 0 {
		return v.uids[n-1]
	}
	return 0
}

// Added records messages appended to the mailbox. A UID the view already
// holds, or at or below its last UID, is a repeat of the snapshot (UIDs
// grow in commit order, DESIGN.md) and is ignored.
func (v *View) Added(uids ...uint32) {
	for _, uid := range uids {
		if uid == 0 || uid <= v.last() {
			continue
		}
		if _, ok := v.dropped[uid]; ok {
			delete(v.dropped, uid)
			continue
		}
		i, ok := slices.BinarySearch(v.added, uid)
		if !ok {
			v.added = slices.Insert(v.added, i, uid)
		}
	}
}

// MarkRecent gives uids \Recent in this session: the caller (the hub,
// which alone knows which session saw a message first) calls it on one
// view per new message, before or after Added.
func (v *View) MarkRecent(uids ...uint32) {
	for _, uid := range uids {
		v.recent[uid] = struct{}{}
	}
}

// Expunged records messages removed from the mailbox, by whichever
// session. A message the client knows keeps its number until Pending may
// report it; one it was never told of is forgotten at once.
func (v *View) Expunged(uids ...uint32) {
	for _, uid := range uids {
		if i, ok := v.find(uid); ok {
			v.gone[v.uids[i]] = struct{}{}
			delete(v.changes, uid)
			continue
		}
		if i, ok := slices.BinarySearch(v.added, uid); ok {
			v.added = slices.Delete(v.added, i, i+1)
			delete(v.recent, uid)
			continue
		}
		if uid > v.last() {
			v.dropped[uid] = struct{}{}
			delete(v.recent, uid)
		}
	}
}

// IsExpunged reports whether uid is in the client's view but expunged in
// the store (the client still sees it; RFC 2180 §4.1).
func (v *View) IsExpunged(uid uint32) bool {
	_, ok := v.gone[uid]
	return ok
}

// FlagsChanged records that uid now has flags, as of modSeq (0 when the
// caller does not know it: always reported). Changes to messages the
// client does not know yet are ignored (it fetches their flags after the
// EXISTS), as are changes it was already told of (modSeq not newer).
func (v *View) FlagsChanged(uid uint32, flags []string, modSeq uint64) {
	i, ok := v.find(uid)
	if !ok {
		return
	}
	if _, ok := v.gone[uid]; ok {
		return
	}
	if modSeq != 0 && modSeq <= v.modSeq[i] {
		return
	}
	if c, ok := v.changes[uid]; ok && modSeq != 0 && c.modSeq > modSeq {
		return // an older event arriving after a newer one
	}
	v.changes[uid] = change{flags: slices.Clone(flags), modSeq: modSeq}
	if modSeq > v.highest {
		v.highest = modSeq
	}
}

// Reported records that the session itself sent uid's flags as of modSeq
// (a FETCH or STORE response): a pending change no newer is dropped, so
// the client is not told twice.
func (v *View) Reported(uid uint32, modSeq uint64) {
	i, ok := v.find(uid)
	if !ok {
		return
	}
	if modSeq > v.modSeq[i] {
		v.modSeq[i] = modSeq
	}
	if c, ok := v.changes[uid]; ok && (modSeq == 0 || c.modSeq <= modSeq) {
		delete(v.changes, uid)
	}
}

// Flags is the FLAGS list: the system flags and every keyword announced.
func (v *View) Flags() []string {
	return append(slices.Clone(systemFlags), v.keywords...)
}

// PermanentFlags is the PERMANENTFLAGS list: none for a read-only
// session, else Flags and \* (keywords may be created, RFC 9051 §7.1).
func (v *View) PermanentFlags() []string {
	if v.opts.ReadOnly {
		return []string{}
	}
	return append(v.Flags(), `\*`)
}

// announce adds a keyword to the announced set; it reports whether it
// was new. System flags (and \Recent) are always known.
func (v *View) announce(flag string) bool {
	if flag == "" || strings.HasPrefix(flag, `\`) {
		return false
	}
	k := strings.ToLower(flag)
	if _, ok := v.announced[k]; ok {
		return false
	}
	v.announced[k] = struct{}{}
	v.keywords = append(v.keywords, flag)
	return true
}

// Announced reports whether a FETCH may use flag now.
func (v *View) Announced(flag string) bool {
	if strings.HasPrefix(flag, `\`) {
		return true
	}
	_, ok := v.announced[strings.ToLower(flag)]
	return ok
}

// Announce returns the FLAGS and PERMANENTFLAGS responses to send before a
// FETCH (solicited, e.g. of a new message) that uses flags, or nothing if
// every keyword among them was announced already (RFC 3501 §7.2.6).
func (v *View) Announce(flags []string) []Response {
	grew := false
	for _, f := range flags {
		if v.announce(f) {
			grew = true
		}
	}
	if !grew {
		return nil
	}
	return v.flagsResponses(nil)
}

func (v *View) flagsResponses(out []Response) []Response {
	return append(out,
		Response{Kind: KindFlags, Flags: v.Flags()},
		Response{Kind: KindPermanentFlags, Flags: v.PermanentFlags()})
}
