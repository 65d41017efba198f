package storetest

import (
	"fmt"

	"postroom/internal/store"
)

var flagTests = []test{
	{"flags_addRemoveReplace", testFlagsOps},
	{"flags_changedMessagesGetANewModSeq", testFlagsModSeq},
	{"flags_unknownUIDsSkipped", testFlagsUnknown},
	{"flags_onlyNamedMessagesChange", testFlagsScope},
}

func testFlagsOps(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	nm := e.newMsg(a.ID, in.ID)
	nm.Flags = []string{store.FlagSeen, "Work"}
	m := e.add(nm)
	cur := store.NormalizeFlags(nm.Flags)
	steps := []struct {
		op    store.FlagOp
		flags []string
	}{
		{store.FlagsAdd, []string{`\flagged`, "$Important"}},
		{store.FlagsAdd, []string{`\Answered`, `\ANSWERED`}},
		{store.FlagsRemove, []string{`\SEEN`, "Work"}},
		{store.FlagsReplace, []string{`\deleted`, "Later"}},
		{store.FlagsReplace, nil},
		{store.FlagsAdd, []string{`\Seen`}},
	}
	for i, st := range steps {
		want := store.ApplyFlags(cur, st.op, st.flags)
		changed, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{m.UID}, st.op, st.flags)
		e.ok(err, fmt.Sprintf("step %d StoreFlags", i))
		if len(changed) != 1 {
			e.Fatalf("step %d: StoreFlags returned %d messages, want 1", i, len(changed))
		}
		if changed[0].UID != m.UID || !sameStrings(changed[0].Flags, want) {
			e.Errorf("step %d (op %d %q): returned UID %d flags %q, want UID %d flags %q", i, st.op, st.flags, changed[0].UID, changed[0].Flags, m.UID, want)
		}
		if got := e.byUID(a.ID, in.ID, m.UID); !sameStrings(got.Flags, want) {
			e.Errorf("step %d (op %d %q): stored flags %q, want %q", i, st.op, st.flags, got.Flags, want)
		}
		cur = want
	}
}

func testFlagsModSeq(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 4)
	before := e.mbox(a.ID, in.ID)
	changed, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[1].UID, ms[3].UID}, store.FlagsAdd, []string{store.FlagSeen})
	e.ok(err, "StoreFlags")
	if len(changed) != 2 {
		e.Fatalf("StoreFlags returned %d messages, want 2", len(changed))
	}
	var top uint64
	got := map[uint32]store.Message{}
	for _, c := range changed {
		got[c.UID] = c
		if c.ModSeq <= before.HighestModSeq {
			e.Errorf("UID %d new MODSEQ %d not above previous HIGHESTMODSEQ %d", c.UID, c.ModSeq, before.HighestModSeq)
		}
		if stored := e.byUID(a.ID, in.ID, c.UID); stored.ModSeq != c.ModSeq {
			e.Errorf("UID %d stored MODSEQ %d, returned %d", c.UID, stored.ModSeq, c.ModSeq)
		}
		top = max(top, c.ModSeq)
	}
	if _, ok := got[ms[1].UID]; !ok {
		e.Errorf("StoreFlags did not return UID %d", ms[1].UID)
	}
	if _, ok := got[ms[3].UID]; !ok {
		e.Errorf("StoreFlags did not return UID %d", ms[3].UID)
	}
	after := e.mbox(a.ID, in.ID)
	if after.HighestModSeq != top {
		e.Errorf("HIGHESTMODSEQ %d after STORE, want the highest returned MODSEQ %d", after.HighestModSeq, top)
	}
	if after.UIDNext != before.UIDNext {
		e.Errorf("STORE changed UIDNEXT %d -> %d", before.UIDNext, after.UIDNext)
	}
	// Untouched messages keep their MODSEQ.
	for _, m := range []*store.Message{ms[0], ms[2]} {
		if got := e.byUID(a.ID, in.ID, m.UID); got.ModSeq != m.ModSeq || len(got.Flags) != 0 {
			e.Errorf("untouched UID %d: MODSEQ %d flags %q, want %d and none", m.UID, got.ModSeq, got.Flags, m.ModSeq)
		}
	}
	// A second change gets a MODSEQ above the first.
	again, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[1].UID}, store.FlagsRemove, []string{store.FlagSeen})
	e.ok(err, "StoreFlags(again)")
	if len(again) != 1 || again[0].ModSeq <= top {
		e.Errorf("second STORE returned %+v, want one message with MODSEQ above %d", again, top)
	}
	// An append after the change gets a MODSEQ above it too.
	if m := e.put(a.ID, in.ID); len(again) == 1 && m.ModSeq <= again[0].ModSeq {
		e.Errorf("append after STORE got MODSEQ %d, not above %d", m.ModSeq, again[0].ModSeq)
	}
}

func testFlagsUnknown(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 3)
	_, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{ms[1].UID})
	e.ok(err, "Expunge")
	changed, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[0].UID, ms[1].UID, 99, 1 << 31}, store.FlagsAdd, []string{store.FlagFlagged})
	e.ok(err, "StoreFlags with unknown UIDs")
	if len(changed) != 1 || changed[0].UID != ms[0].UID {
		e.Errorf("StoreFlags returned %+v, want only UID %d", changed, ms[0].UID)
	}
	changed, err = e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{500}, store.FlagsAdd, []string{store.FlagFlagged})
	e.ok(err, "StoreFlags with only unknown UIDs")
	if len(changed) != 0 {
		e.Errorf("StoreFlags on unknown UIDs returned %+v", changed)
	}
	if got := e.mbox(a.ID, in.ID).UIDNext; got != 4 {
		e.Errorf("UIDNEXT %d after STORE on unknown UIDs, want 4", got)
	}
}

func testFlagsScope(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	sent := e.byRole(a.ID, store.RoleSent)
	e.putN(a.ID, in.ID, 2)
	other := e.putN(a.ID, sent.ID, 2) // same UIDs 1, 2 in another mailbox
	before := e.mbox(a.ID, sent.ID)
	_, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{1, 2}, store.FlagsReplace, []string{store.FlagDeleted})
	e.ok(err, "StoreFlags")
	for _, m := range other {
		if got := e.byUID(a.ID, sent.ID, m.UID); len(got.Flags) != 0 || got.ModSeq != m.ModSeq {
			e.Errorf("STORE in INBOX changed Sent UID %d: flags %q MODSEQ %d", m.UID, got.Flags, got.ModSeq)
		}
	}
	if after := e.mbox(a.ID, sent.ID); after.HighestModSeq != before.HighestModSeq {
		e.Errorf("STORE in INBOX moved Sent's HIGHESTMODSEQ %d -> %d", before.HighestModSeq, after.HighestModSeq)
	}
	if st := e.status(a.ID, in.ID); st.Messages != 2 {
		e.Errorf("\\Deleted alone removed messages: status %+v", st)
	}
}
