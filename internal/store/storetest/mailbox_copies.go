package storetest

import (
	"time"

	"postroom/internal/store"
)

var mailboxCopyTests = []test{
	{"mailboxCopy_recordedPerTargetKeptThroughMovesGoneWithSourceOrTarget", testMailboxCopies},
}

// A record names a source message and a target account: another target
// has not had it; a move in the source keeps it; expunging the source
// message or deleting the target account removes it; deleting the copy
// in the target does not (the store does not know the copy).
func testMailboxCopies(e *env) {
	src := e.account("kim@example.com")
	dst := e.account("lee@example.com")
	other := e.account("park@example.com")
	ms := e.putN(src.ID, e.inbox(src.ID).ID, 3)
	at := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	copied := func(target int64) map[int64]bool {
		e.Helper()
		got, err := e.s.CopiedMessages(e.ctx, target, []int64{ms[0].ID, ms[1].ID, ms[2].ID})
		e.ok(err, "CopiedMessages")
		return got
	}
	if got := copied(dst.ID); len(got) != 0 {
		e.Fatalf("nothing recorded yet: %v", got)
	}
	e.ok(e.s.RecordCopied(e.ctx, dst.ID, ms[0].ID, at), "RecordCopied")
	e.ok(e.s.RecordCopied(e.ctx, dst.ID, ms[1].ID, at), "RecordCopied")
	e.ok(e.s.RecordCopied(e.ctx, dst.ID, ms[1].ID, at.Add(time.Hour)), "RecordCopied again")
	if got := copied(dst.ID); len(got) != 2 || !got[ms[0].ID] || !got[ms[1].ID] {
		e.Fatalf("copied into the target: %v, want %d and %d", got, ms[0].ID, ms[1].ID)
	}
	if got := copied(other.ID); len(got) != 0 {
		e.Fatalf("another target: %v, want none", got)
	}
	if got, err := e.s.CopiedMessages(e.ctx, dst.ID, nil); err != nil || len(got) != 0 {
		e.Fatalf("no ids: %v, %v", got, err)
	}

	archive := e.mkdir(src.ID, "Projects")
	_, _, err := e.s.MoveMessages(e.ctx, src.ID, e.inbox(src.ID).ID, archive.ID, []uint32{ms[0].UID})
	e.ok(err, "MoveMessages")
	if got := copied(dst.ID); !got[ms[0].ID] {
		e.Fatalf("a moved source message lost its record: %v", got)
	}
	_, err = e.s.Expunge(e.ctx, src.ID, e.inbox(src.ID).ID, []uint32{ms[1].UID})
	e.ok(err, "Expunge")
	if got := copied(dst.ID); got[ms[1].ID] || !got[ms[0].ID] {
		e.Fatalf("after expunging the source message: %v, want only %d", got, ms[0].ID)
	}

	e.ok(e.s.RecordCopied(e.ctx, other.ID, ms[2].ID, at), "RecordCopied other")
	e.ok(e.s.DeleteAccount(e.ctx, dst.ID), "DeleteAccount")
	if got := copied(dst.ID); len(got) != 0 {
		e.Fatalf("after deleting the target: %v", got)
	}
	if got := copied(other.ID); !got[ms[2].ID] {
		e.Fatalf("another target's record went with the first: %v", got)
	}
	var _ store.MailboxCopyStore = e.s
}
