package storetest

import (
	"slices"

	"postroom/internal/store"
)

var copyMoveTests = []test{
	{"copy_returnsMatchingUIDs", testCopyUIDs},
	{"copy_preservesFlagsDateAndContent", testCopyContent},
	{"copy_takesBlobRefsAndUsage", testCopyRefs},
	{"copy_advancesDestinationState", testCopyState},
	{"move_returnsMatchingUIDsAndEmptiesSource", testMoveUIDs},
	{"move_keepsUsageAndRefs", testMoveUsage},
	{"move_recordsExpungeInSource", testMoveExpungeLog},
}

// checkPairs checks that src[i] of srcBox and dst[i] of dstBox hold the same
// message (by blob key, distinct per message in these tests), that src is the
// requested set and that dst are fresh UIDs allocated from dstNext on.
func (e *env) checkPairs(a, srcBox, dstBox int64, want []uint32, src, dst []uint32, dstNext uint32, blobs map[uint32]string) {
	e.Helper()
	if len(src) != len(want) || len(dst) != len(want) {
		e.Fatalf("got src %v dst %v for %v", src, dst, want)
	}
	sorted := slices.Clone(src)
	slices.Sort(sorted)
	if !slices.Equal(sorted, want) {
		e.Errorf("source UIDs %v, want %v", src, want)
	}
	newUIDs := slices.Clone(dst)
	slices.Sort(newUIDs)
	if !slices.Equal(newUIDs, seq(dstNext, dstNext+uint32(len(want))-1)) {
		e.Errorf("destination UIDs %v, want %d..%d", dst, dstNext, dstNext+uint32(len(want))-1)
	}
	for i := range dst {
		got := e.byUID(a, dstBox, dst[i])
		if got.BlobKey != blobs[src[i]] {
			e.Errorf("dst UID %d holds blob %s…, but its pair src UID %d had %s…", dst[i], got.BlobKey[:8], src[i], blobs[src[i]][:8])
		}
		if got.MailboxID != dstBox {
			e.Errorf("dst UID %d reports mailbox %d, want %d", dst[i], got.MailboxID, dstBox)
		}
	}
}

func blobsByUID(ms []*store.Message) map[uint32]string {
	out := map[uint32]string{}
	for _, m := range ms {
		out[m.UID] = m.BlobKey
	}
	return out
}

func testCopyUIDs(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	arch := e.byRole(a.ID, store.RoleArchive)
	ms := e.putN(a.ID, in.ID, 5)
	e.putN(a.ID, arch.ID, 2) // destination already has UIDs 1, 2
	src, dst, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{2, 4, 5})
	e.ok(err, "CopyMessages")
	e.checkPairs(a.ID, in.ID, arch.ID, []uint32{2, 4, 5}, src, dst, 3, blobsByUID(ms))
	if got := e.uids(a.ID, in.ID); !sameUIDs(got, seq(1, 5)) {
		e.Errorf("source after copy = %v, want unchanged 1..5", got)
	}
	if got := e.uids(a.ID, arch.ID); !sameUIDs(got, seq(1, 5)) {
		e.Errorf("destination after copy = %v, want 1..5", got)
	}
}

func testCopyContent(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	work := e.mkdir(a.ID, "Work")
	nm := e.newMsg(a.ID, in.ID)
	nm.Flags = []string{store.FlagSeen, "$Project"}
	nm.Size = 777
	nm.Preview = "미리보기"
	nm.HasAttachment = true
	m := e.add(nm)
	_, dst, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, work.ID, []uint32{m.UID})
	e.ok(err, "CopyMessages")
	if len(dst) != 1 {
		e.Fatalf("CopyMessages returned dst %v", dst)
	}
	c := e.byUID(a.ID, work.ID, dst[0])
	if c.ID == m.ID {
		e.Errorf("copy shares the source's message id %d", m.ID)
	}
	if c.BlobKey != m.BlobKey || c.Size != 777 || !c.InternalDate.Equal(m.InternalDate) ||
		!sameStrings(c.Flags, m.Flags) || !sameEnvelope(c.Envelope, m.Envelope) ||
		c.Preview != "미리보기" || !c.HasAttachment || c.AccountID != a.ID {
		e.Errorf("copy = %+v\nsource %+v", c, m)
	}
	if orig := e.byUID(a.ID, in.ID, m.UID); diffMessage(orig, m) != "" {
		e.Errorf("source changed by copy: %s", diffMessage(orig, m))
	}
}

func testCopyRefs(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	arch := e.byRole(a.ID, store.RoleArchive)
	ms := e.putN(a.ID, in.ID, 3)
	e.wantUsage(a.ID, 3000, 3)
	_, _, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{1, 3})
	e.ok(err, "CopyMessages")
	e.wantUsage(a.ID, 5000, 5)
	e.wantRefs(ms[0].BlobKey, 2)
	e.wantRefs(ms[1].BlobKey, 1)
	e.wantRefs(ms[2].BlobKey, 2)
	_, _, err = e.s.CopyMessages(e.ctx, a.ID, arch.ID, e.byRole(a.ID, store.RoleTrash).ID, []uint32{1})
	e.ok(err, "CopyMessages(again)")
	e.wantRefs(ms[0].BlobKey, 3)
	e.wantUsage(a.ID, 6000, 6)
	e.consistent()
}

func testCopyState(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	arch := e.byRole(a.ID, store.RoleArchive)
	e.putN(a.ID, in.ID, 3)
	srcBefore := e.mbox(a.ID, in.ID)
	dstBefore := e.mbox(a.ID, arch.ID)
	_, dst, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{1, 2, 3})
	e.ok(err, "CopyMessages")
	dstAfter := e.mbox(a.ID, arch.ID)
	if dstAfter.UIDNext != dstBefore.UIDNext+3 {
		e.Errorf("destination UIDNEXT %d, want %d", dstAfter.UIDNext, dstBefore.UIDNext+3)
	}
	if dstAfter.HighestModSeq <= dstBefore.HighestModSeq {
		e.Errorf("destination HIGHESTMODSEQ %d did not rise from %d", dstAfter.HighestModSeq, dstBefore.HighestModSeq)
	}
	for _, u := range dst {
		if m := e.byUID(a.ID, arch.ID, u); m.ModSeq > dstAfter.HighestModSeq || m.ModSeq <= dstBefore.HighestModSeq {
			e.Errorf("copied UID %d MODSEQ %d outside (%d, %d]", u, m.ModSeq, dstBefore.HighestModSeq, dstAfter.HighestModSeq)
		}
	}
	if srcAfter := e.mbox(a.ID, in.ID); srcAfter.UIDNext != srcBefore.UIDNext {
		e.Errorf("copy changed the source's UIDNEXT %d -> %d", srcBefore.UIDNext, srcAfter.UIDNext)
	}
	if st := e.status(a.ID, arch.ID); st != (store.MailboxStatus{Messages: 3, Unseen: 3, Size: 3000, FirstUnseen: 1}) {
		e.Errorf("destination status %+v, want {3 3 3000}", st)
	}
}

func testMoveUIDs(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	trash := e.byRole(a.ID, store.RoleTrash)
	ms := e.putN(a.ID, in.ID, 4)
	e.put(a.ID, trash.ID)
	flagged, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{3}, store.FlagsAdd, []string{store.FlagFlagged})
	e.ok(err, "StoreFlags")
	if len(flagged) != 1 {
		e.Fatalf("StoreFlags returned %d", len(flagged))
	}
	src, dst, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, trash.ID, []uint32{1, 3})
	e.ok(err, "MoveMessages")
	e.checkPairs(a.ID, in.ID, trash.ID, []uint32{1, 3}, src, dst, 2, blobsByUID(ms))
	if got := e.uids(a.ID, in.ID); !sameUIDs(got, []uint32{2, 4}) {
		e.Errorf("source after move = %v, want [2 4]", got)
	}
	for _, u := range []uint32{1, 3} {
		_, err := e.s.MessageByUID(e.ctx, a.ID, in.ID, u)
		e.wantErr(err, store.ErrNotFound, "MessageByUID(moved-away UID)")
	}
	for i := range src {
		var want []string
		if src[i] == 3 {
			want = []string{store.FlagFlagged}
		}
		if got := e.byUID(a.ID, trash.ID, dst[i]); !sameStrings(got.Flags, want) {
			e.Errorf("UID %d moved to %d has flags %q, want %q", src[i], dst[i], got.Flags, want)
		}
	}
	if st := e.status(a.ID, trash.ID); st.Messages != 3 {
		e.Errorf("Trash holds %d messages after move, want 3", st.Messages)
	}
}

func testMoveUsage(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	arch := e.byRole(a.ID, store.RoleArchive)
	ms := e.putN(a.ID, in.ID, 3)
	_, _, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{1, 2, 3})
	e.ok(err, "MoveMessages")
	e.wantUsage(a.ID, 3000, 3)
	for _, m := range ms {
		e.wantRefs(m.BlobKey, 1)
	}
	if st := e.status(a.ID, in.ID); st != (store.MailboxStatus{}) {
		e.Errorf("source status after moving everything: %+v", st)
	}
	if st := e.status(a.ID, arch.ID); st != (store.MailboxStatus{Messages: 3, Unseen: 3, Size: 3000, FirstUnseen: 1}) {
		e.Errorf("destination status %+v, want {3 3 3000}", st)
	}
	e.consistent()
}

func testMoveExpungeLog(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	arch := e.byRole(a.ID, store.RoleArchive)
	e.putN(a.ID, in.ID, 4)
	srcBefore := e.mbox(a.ID, in.ID)
	dstBefore := e.mbox(a.ID, arch.ID)
	_, _, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{4, 2})
	e.ok(err, "MoveMessages")
	exp, err := e.s.ExpungedSince(e.ctx, a.ID, in.ID, srcBefore.HighestModSeq)
	e.ok(err, "ExpungedSince(src)")
	if !sameUIDs(exp, []uint32{2, 4}) {
		e.Errorf("ExpungedSince(src, before move) = %v, want [2 4]", exp)
	}
	srcAfter := e.mbox(a.ID, in.ID)
	if srcAfter.HighestModSeq <= srcBefore.HighestModSeq {
		e.Errorf("source HIGHESTMODSEQ %d did not rise from %d", srcAfter.HighestModSeq, srcBefore.HighestModSeq)
	}
	if srcAfter.UIDNext != srcBefore.UIDNext {
		e.Errorf("move changed the source's UIDNEXT %d -> %d", srcBefore.UIDNext, srcAfter.UIDNext)
	}
	exp, err = e.s.ExpungedSince(e.ctx, a.ID, in.ID, srcAfter.HighestModSeq)
	e.ok(err, "ExpungedSince(src, now)")
	if len(exp) != 0 {
		e.Errorf("ExpungedSince(src, current HIGHESTMODSEQ) = %v, want none", exp)
	}
	exp, err = e.s.ExpungedSince(e.ctx, a.ID, arch.ID, 0)
	e.ok(err, "ExpungedSince(dst)")
	if len(exp) != 0 {
		e.Errorf("ExpungedSince(dst) = %v: a move expunges nothing in the destination", exp)
	}
	if dstAfter := e.mbox(a.ID, arch.ID); dstAfter.HighestModSeq <= dstBefore.HighestModSeq || dstAfter.UIDNext != 3 {
		e.Errorf("destination after move: %+v, want HIGHESTMODSEQ above %d and UIDNEXT 3", dstAfter, dstBefore.HighestModSeq)
	}
}
