package storetest

import (
	"fmt"
	"maps"
	"slices"

	"postroom/internal/store"
)

// flagBatchTests: one flag-changing call is one operation with one
// mod-sequence (RFC 7162 §3.1: each STORE gets a mod-sequence different
// from every other STORE on the mailbox and above the ones before it;
// the messages one STORE changes may share it). Backends allocate one
// MODSEQ per call, whatever the number of messages it changes.
var flagBatchTests = []test{
	{"flags_oneCallSharesOneModSeq", testFlagBatchShared},
	{"flags_successiveCallsDistinctModSeqs", testFlagBatchSuccessive},
	{"flags_unchangedSinceBatch", testFlagBatchUnchangedSince},
}

// flaggedMsgs appends one message per entry of flags, with those flags.
func (e *env) flaggedMsgs(accountID, mailboxID int64, flags ...[]string) []*store.Message {
	e.Helper()
	out := make([]*store.Message, len(flags))
	for i, f := range flags {
		nm := e.newMsg(accountID, mailboxID)
		nm.Flags = f
		out[i] = e.add(nm)
	}
	return out
}

// wantOneModSeq checks that changed holds exactly the UIDs want, each
// with the flags that op with flags gives its old flags in old, all with
// one MODSEQ above floor that is also the stored MODSEQ and the
// mailbox's HIGHESTMODSEQ; it returns that MODSEQ.
func (e *env) wantOneModSeq(what string, accountID, mailboxID int64, changed []store.Message, want []uint32,
	old map[uint32]*store.Message, op store.FlagOp, flags []string, floor uint64) uint64 {
	e.Helper()
	var got []uint32
	for _, c := range changed {
		got = append(got, c.UID)
	}
	if !slices.Equal(got, want) {
		e.Fatalf("%s: changed UIDs %v, want %v", what, got, want)
	}
	modseq := changed[0].ModSeq
	if modseq <= floor {
		e.Errorf("%s: MODSEQ %d not above the previous HIGHESTMODSEQ %d", what, modseq, floor)
	}
	for _, c := range changed {
		if c.ModSeq != modseq {
			e.Errorf("%s: UID %d got MODSEQ %d, UID %d got %d: one call, want one MODSEQ", what, c.UID, c.ModSeq, changed[0].UID, modseq)
		}
		wantFlags := store.ApplyFlags(old[c.UID].Flags, op, flags)
		if !sameStrings(c.Flags, wantFlags) {
			e.Errorf("%s: UID %d returned flags %q, want %q", what, c.UID, c.Flags, wantFlags)
		}
		stored := e.byUID(accountID, mailboxID, c.UID)
		if stored.ModSeq != modseq || !sameStrings(stored.Flags, wantFlags) {
			e.Errorf("%s: UID %d stored MODSEQ %d flags %q, want %d %q", what, c.UID, stored.ModSeq, stored.Flags, modseq, wantFlags)
		}
	}
	if h := e.mbox(accountID, mailboxID).HighestModSeq; h != modseq {
		e.Errorf("%s: HIGHESTMODSEQ %d, want the call's MODSEQ %d", what, h, modseq)
	}
	return modseq
}

// wantUntouched checks that the messages kept their flags and MODSEQ.
func (e *env) wantUntouched(what string, accountID, mailboxID int64, ms ...*store.Message) {
	e.Helper()
	for _, m := range ms {
		got := e.byUID(accountID, mailboxID, m.UID)
		if got.ModSeq != m.ModSeq || !sameStrings(got.Flags, m.Flags) {
			e.Errorf("%s: untouched UID %d now MODSEQ %d flags %q, was %d %q", what, m.UID, got.ModSeq, got.Flags, m.ModSeq, m.Flags)
		}
	}
}

func byUIDs(ms []*store.Message) map[uint32]*store.Message {
	out := map[uint32]*store.Message{}
	for _, m := range ms {
		out[m.UID] = m
	}
	return out
}

// testFlagBatchShared: one StoreFlags over messages with different flags
// (so different resulting flag sets) gives every changed message one
// MODSEQ above the mailbox's HIGHESTMODSEQ; a message the call does not
// change keeps its MODSEQ, and a call that changes nothing moves
// nothing.
func testFlagBatchShared(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.flaggedMsgs(a.ID, in.ID, nil, []string{store.FlagFlagged}, []string{store.FlagSeen}, nil, []string{"Work", store.FlagAnswered}, nil)
	before := e.mbox(a.ID, in.ID)
	all := []uint32{ms[0].UID, ms[1].UID, ms[2].UID, ms[3].UID, ms[4].UID, ms[5].UID}
	add := []string{store.FlagSeen}
	changed, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, all, store.FlagsAdd, add)
	e.ok(err, "StoreFlags +\\Seen")
	// ms[2] already had \Seen
	modseq := e.wantOneModSeq("StoreFlags +\\Seen", a.ID, in.ID, changed, []uint32{ms[0].UID, ms[1].UID, ms[3].UID, ms[4].UID, ms[5].UID},
		byUIDs(ms), store.FlagsAdd, add, before.HighestModSeq)
	e.wantUntouched("StoreFlags +\\Seen", a.ID, in.ID, ms[2])

	// nothing left to change: no MODSEQ taken
	h := e.mbox(a.ID, in.ID).HighestModSeq
	changed, err = e.s.StoreFlags(e.ctx, a.ID, in.ID, all, store.FlagsAdd, add)
	e.ok(err, "StoreFlags +\\Seen again")
	if len(changed) != 0 {
		e.Errorf("StoreFlags that changes nothing returned %d messages", len(changed))
	}
	if got := e.mbox(a.ID, in.ID).HighestModSeq; got != h {
		e.Errorf("StoreFlags that changes nothing moved HIGHESTMODSEQ %d -> %d", h, got)
	}
	// an append afterwards still gets a MODSEQ of its own above the call's
	if m := e.put(a.ID, in.ID); m.ModSeq <= modseq {
		e.Errorf("append after the call got MODSEQ %d, not above %d", m.ModSeq, modseq)
	}
}

// testFlagBatchSuccessive: two calls get two MODSEQs, the second above
// the first, and CHANGEDSINCE between them lists exactly the messages of
// the second call.
func testFlagBatchSuccessive(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 6)
	old := byUIDs(ms)
	start := e.mbox(a.ID, in.ID).HighestModSeq
	first, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[0].UID, ms[1].UID, ms[2].UID}, store.FlagsAdd, []string{store.FlagFlagged})
	e.ok(err, "first StoreFlags")
	m1 := e.wantOneModSeq("first StoreFlags", a.ID, in.ID, first, []uint32{ms[0].UID, ms[1].UID, ms[2].UID}, old,
		store.FlagsAdd, []string{store.FlagFlagged}, start)
	second, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[2].UID, ms[4].UID, ms[5].UID}, store.FlagsReplace, []string{store.FlagDeleted})
	e.ok(err, "second StoreFlags")
	old[ms[2].UID] = &first[2]
	m2 := e.wantOneModSeq("second StoreFlags", a.ID, in.ID, second, []uint32{ms[2].UID, ms[4].UID, ms[5].UID}, old,
		store.FlagsReplace, []string{store.FlagDeleted}, m1)
	e.wantUntouched("two calls", a.ID, in.ID, ms[3])

	for _, c := range []struct {
		since uint64
		want  map[uint32]uint64 // UID -> MODSEQ
	}{
		{start, map[uint32]uint64{ms[0].UID: m1, ms[1].UID: m1, ms[2].UID: m2, ms[4].UID: m2, ms[5].UID: m2}},
		{m1, map[uint32]uint64{ms[2].UID: m2, ms[4].UID: m2, ms[5].UID: m2}},
		{m2, map[uint32]uint64{}},
	} {
		got, err := e.s.ChangedSince(e.ctx, a.ID, in.ID, c.since)
		e.ok(err, fmt.Sprintf("ChangedSince(%d)", c.since))
		gotMap := map[uint32]uint64{}
		for _, g := range got {
			gotMap[g.UID] = g.ModSeq
		}
		if len(gotMap) != len(got) || !maps.Equal(gotMap, c.want) {
			e.Errorf("ChangedSince(%d) = %v (UID: MODSEQ), want %v", c.since, gotMap, c.want)
		}
	}
}

// testFlagBatchUnchangedSince: StoreFlagsUnchangedSince leaves and
// reports the messages changed after unchangedSince and gives all the
// others one MODSEQ; when every message fails the test, nothing moves.
func testFlagBatchUnchangedSince(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 5)
	base := e.mbox(a.ID, in.ID).HighestModSeq
	// a later change to UIDs 2 and 4
	later, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[1].UID, ms[3].UID}, store.FlagsAdd, []string{"Later"})
	e.ok(err, "StoreFlags Later")
	lm := e.wantOneModSeq("StoreFlags Later", a.ID, in.ID, later, []uint32{ms[1].UID, ms[3].UID}, byUIDs(ms),
		store.FlagsAdd, []string{"Later"}, base)
	laterMsgs := []*store.Message{e.byUID(a.ID, in.ID, ms[1].UID), e.byUID(a.ID, in.ID, ms[3].UID)}

	all := []uint32{ms[0].UID, ms[1].UID, ms[2].UID, ms[3].UID, ms[4].UID}
	add := []string{store.FlagSeen, store.FlagAnswered}
	changed, modified, err := e.s.StoreFlagsUnchangedSince(e.ctx, a.ID, in.ID, all, store.FlagsAdd, add, base)
	e.ok(err, "StoreFlagsUnchangedSince")
	if !slices.Equal(modified, []uint32{ms[1].UID, ms[3].UID}) {
		e.Errorf("modified %v, want %v", modified, []uint32{ms[1].UID, ms[3].UID})
	}
	e.wantOneModSeq("StoreFlagsUnchangedSince", a.ID, in.ID, changed, []uint32{ms[0].UID, ms[2].UID, ms[4].UID}, byUIDs(ms),
		store.FlagsAdd, add, lm)
	e.wantUntouched("StoreFlagsUnchangedSince", a.ID, in.ID, laterMsgs...)

	// every message changed since base: none changes, nothing allocated
	h := e.mbox(a.ID, in.ID).HighestModSeq
	changed, modified, err = e.s.StoreFlagsUnchangedSince(e.ctx, a.ID, in.ID, all, store.FlagsRemove, add, base)
	e.ok(err, "StoreFlagsUnchangedSince (all modified)")
	if len(changed) != 0 || !slices.Equal(modified, all) {
		e.Errorf("all modified: changed %d, modified %v, want none and %v", len(changed), modified, all)
	}
	if got := e.mbox(a.ID, in.ID).HighestModSeq; got != h {
		e.Errorf("a STORE that changed nothing moved HIGHESTMODSEQ %d -> %d", h, got)
	}
}
