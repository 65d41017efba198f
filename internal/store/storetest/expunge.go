package storetest

import (
	"slices"

	"postroom/internal/store"
)

var expungeTests = []test{
	{"expunge_returnsRemovedUIDsAscending", testExpungeUIDs},
	{"expunge_releasesUsageAndRefs", testExpungeUsage},
	{"expunge_recordsExpungedSince", testExpungedSince},
	{"expunge_doesNotReuseUIDs", testExpungeNoReuse},
	{"expunge_logIsPerMailbox", testExpungePerMailbox},
}

func testExpungeUIDs(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 5)
	got, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{5, 2, 99, 4})
	e.ok(err, "Expunge")
	if !sameUIDs(got, []uint32{2, 4, 5}) {
		e.Errorf("Expunge returned %v, want [2 4 5]", got)
	}
	if left := e.uids(a.ID, in.ID); !sameUIDs(left, []uint32{1, 3}) {
		e.Errorf("mailbox after expunge = %v, want [1 3]", left)
	}
	for _, m := range []*store.Message{ms[1], ms[3], ms[4]} {
		_, err := e.s.Message(e.ctx, a.ID, m.ID)
		e.wantErr(err, store.ErrNotFound, "Message(expunged)")
		_, err = e.s.MessageByUID(e.ctx, a.ID, in.ID, m.UID)
		e.wantErr(err, store.ErrNotFound, "MessageByUID(expunged)")
	}
	got, err = e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{2, 4})
	e.ok(err, "Expunge(already expunged)")
	if len(got) != 0 {
		e.Errorf("expunging already expunged UIDs returned %v", got)
	}
}

func testExpungeUsage(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	shared := newBlobKey()
	var ms []*store.Message
	for i, sz := range []int64{100, 200, 300} {
		nm := e.newMsg(a.ID, in.ID)
		nm.Size = sz
		if i < 2 {
			nm.BlobKey = shared
		}
		ms = append(ms, e.add(nm))
	}
	e.wantRefs(shared, 2)
	_, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{ms[0].UID, ms[2].UID})
	e.ok(err, "Expunge")
	e.wantUsage(a.ID, 200, 1)
	e.wantRefs(shared, 1)
	e.wantRefs(ms[2].BlobKey, 0)
	_, err = e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{ms[1].UID})
	e.ok(err, "Expunge(last)")
	e.wantUsage(a.ID, 0, 0)
	e.wantRefs(shared, 0)
	e.consistent()
}

func testExpungedSince(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.putN(a.ID, in.ID, 6)
	m0 := e.mbox(a.ID, in.ID).HighestModSeq
	since := func(modseq uint64) []uint32 {
		e.Helper()
		got, err := e.s.ExpungedSince(e.ctx, a.ID, in.ID, modseq)
		e.ok(err, "ExpungedSince")
		if !slices.IsSorted(got) {
			e.Errorf("ExpungedSince(%d) = %v, not ascending", modseq, got)
		}
		return got
	}
	if got := since(0); len(got) != 0 {
		e.Errorf("ExpungedSince(0) before any expunge = %v", got)
	}
	_, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{4, 2})
	e.ok(err, "Expunge(2, 4)")
	m1 := e.mbox(a.ID, in.ID).HighestModSeq
	if m1 <= m0 {
		e.Errorf("HIGHESTMODSEQ %d did not rise from %d on expunge", m1, m0)
	}
	_, err = e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{1}, store.FlagsAdd, []string{store.FlagSeen})
	e.ok(err, "StoreFlags")
	m2 := e.mbox(a.ID, in.ID).HighestModSeq
	_, err = e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{6})
	e.ok(err, "Expunge(6)")
	m3 := e.mbox(a.ID, in.ID).HighestModSeq
	if m3 <= m2 {
		e.Errorf("HIGHESTMODSEQ %d did not rise from %d on expunge", m3, m2)
	}
	for _, c := range []struct {
		modseq uint64
		want   []uint32
	}{
		{0, []uint32{2, 4, 6}},
		{m0, []uint32{2, 4, 6}},
		{m1, []uint32{6}},
		{m2, []uint32{6}},
		{m3, nil},
	} {
		if got := since(c.modseq); !sameUIDs(got, c.want) {
			e.Errorf("ExpungedSince(%d) = %v, want %v (modseqs: before %d, first expunge %d, store %d, second expunge %d)",
				c.modseq, got, c.want, m0, m1, m2, m3)
		}
	}
}

func testExpungeNoReuse(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.putN(a.ID, in.ID, 3)
	_, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{2, 3})
	e.ok(err, "Expunge")
	if got := e.mbox(a.ID, in.ID).UIDNext; got != 4 {
		e.Errorf("UIDNEXT after expunging the last messages = %d, want 4", got)
	}
	if m := e.put(a.ID, in.ID); m.UID != 4 {
		e.Errorf("append after expunge got UID %d, want 4 (UIDs are never reused)", m.UID)
	}
}

func testExpungePerMailbox(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	sent := e.byRole(a.ID, store.RoleSent)
	e.putN(a.ID, in.ID, 2)
	e.putN(a.ID, sent.ID, 2)
	_, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{1})
	e.ok(err, "Expunge")
	got, err := e.s.ExpungedSince(e.ctx, a.ID, sent.ID, 0)
	e.ok(err, "ExpungedSince(Sent)")
	if len(got) != 0 {
		e.Errorf("ExpungedSince(Sent) = %v after expunging in INBOX", got)
	}
	if left := e.uids(a.ID, sent.ID); !sameUIDs(left, []uint32{1, 2}) {
		e.Errorf("Sent after expunging INBOX UID 1 = %v", left)
	}
}
