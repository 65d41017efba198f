package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"postroom/internal/store"
)

var blobTests = []test{
	{"blob_unknownKeyHasNoRefs", testBlobUnknown},
	{"blob_sharedKeyCountsEachMessage", testBlobShared},
	{"blob_queueEntryHoldsRef", testBlobQueue},
	{"blob_keysListsReferencedBlobs", testBlobKeys},
	{"blob_consistentAfterRandomOperations", testBlobRandom},
}

func testBlobUnknown(e *env) {
	e.wantRefs(newBlobKey(), 0)
	e.consistent()
}

func testBlobShared(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	key := newBlobKey()
	var ms []*store.Message
	for _, acc := range []*store.Account{a, b} {
		nm := e.newMsg(acc.ID, e.inbox(acc.ID).ID)
		nm.BlobKey = key
		ms = append(ms, e.add(nm))
	}
	e.wantRefs(key, 2)
	_, err := e.s.Expunge(e.ctx, a.ID, ms[0].MailboxID, []uint32{ms[0].UID})
	e.ok(err, "Expunge")
	e.wantRefs(key, 1)
	e.consistent()
	_, err = e.s.Expunge(e.ctx, b.ID, ms[1].MailboxID, []uint32{ms[1].UID})
	e.ok(err, "Expunge")
	e.wantRefs(key, 0)
	e.consistent()
}

func testBlobQueue(e *env) {
	a := e.account("alice@example.com")
	m := e.put(a.ID, e.byRole(a.ID, store.RoleSent).ID)
	q := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("x@example.net"),
		BlobKey: m.BlobKey, Size: m.Size, CreatedAt: baseTime, SendAt: baseTime}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	e.wantRefs(m.BlobKey, 2)
	_, err := e.s.Expunge(e.ctx, a.ID, m.MailboxID, []uint32{m.UID})
	e.ok(err, "Expunge")
	e.wantRefs(m.BlobKey, 1) // the queue still needs the blob
	e.consistent()
	e.ok(e.s.Dequeue(e.ctx, q.ID), "Dequeue")
	e.wantRefs(m.BlobKey, 0)
	e.consistent()
}

func testBlobKeys(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	m1 := e.put(a.ID, in.ID)
	m2 := e.put(a.ID, in.ID)
	gone := e.put(a.ID, in.ID)
	queued := newBlobKey()
	e.ok(e.s.Enqueue(e.ctx, &store.QueuedMessage{From: "", Recipients: rcpts("x@example.net"),
		BlobKey: queued, Size: 10, CreatedAt: baseTime, SendAt: baseTime}), "Enqueue")
	_, _, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, e.byRole(a.ID, store.RoleArchive).ID, []uint32{m1.UID})
	e.ok(err, "CopyMessages")
	_, err = e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{gone.UID})
	e.ok(err, "Expunge")
	var keys []string
	e.ok(e.s.BlobKeys(e.ctx, func(k string) error { keys = append(keys, k); return nil }), "BlobKeys")
	slices.Sort(keys)
	want := []string{m1.BlobKey, m2.BlobKey, queued}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		e.Errorf("BlobKeys = %q, want %q (each referenced key once, none released)", keys, want)
	}
	stop := errors.New("stop")
	calls := 0
	err = e.s.BlobKeys(e.ctx, func(string) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		e.Errorf("BlobKeys with a failing fn: err %v after %d calls, want the fn's error after 1", err, calls)
	}
}

// testBlobRandom runs a seeded random mix of every changing operation, then
// recomputes what the store should hold by walking it and compares it with
// the store's own counters.
func testBlobRandom(e *env) {
	rng := rand.New(rand.NewPCG(20260314, 1))
	pool := make([]string, 6)
	for i := range pool {
		pool[i] = newBlobKey()
	}
	accts := []*store.Account{
		e.account("a@one.example"), e.account("b@one.example"), e.account("c@two.example"),
	}
	folders := []string{"Work", "Work/2026", "Bills", "프로젝트/견적서"}
	flagSet := []string{store.FlagSeen, store.FlagFlagged, store.FlagAnswered, "$Work"}
	pickFlags := func() []string {
		var out []string
		for _, f := range flagSet {
			if rng.IntN(2) == 0 {
				out = append(out, f)
			}
		}
		return out
	}
	pickUIDs := func(a *store.Account, mb int64) []uint32 {
		var out []uint32
		for _, u := range e.uids(a.ID, mb) {
			if rng.IntN(3) == 0 {
				out = append(out, u)
			}
		}
		return out
	}
	var queued []int64
	for i := range 400 {
		a := accts[rng.IntN(len(accts))]
		boxes := e.mailboxes(a.ID)
		mb := boxes[rng.IntN(len(boxes))]
		dst := boxes[rng.IntN(len(boxes))]
		what := fmt.Sprintf("op %d", i)
		switch rng.IntN(10) {
		case 0, 1, 2:
			nm := e.newMsg(a.ID, mb.ID)
			nm.BlobKey = pool[rng.IntN(len(pool))]
			nm.Size = int64(1 + rng.IntN(5000))
			nm.Flags = pickFlags()
			e.add(nm)
		case 3:
			if uids := pickUIDs(a, mb.ID); len(uids) > 0 {
				_, _, err := e.s.CopyMessages(e.ctx, a.ID, mb.ID, dst.ID, uids)
				e.ok(err, what+" CopyMessages")
			}
		case 4:
			if uids := pickUIDs(a, mb.ID); len(uids) > 0 && dst.ID != mb.ID {
				_, _, err := e.s.MoveMessages(e.ctx, a.ID, mb.ID, dst.ID, uids)
				e.ok(err, what+" MoveMessages")
			}
		case 5:
			uids := append(pickUIDs(a, mb.ID), mb.UIDNext+3)
			_, err := e.s.Expunge(e.ctx, a.ID, mb.ID, uids)
			e.ok(err, what+" Expunge")
		case 6:
			uids := append(pickUIDs(a, mb.ID), mb.UIDNext+3)
			_, err := e.s.StoreFlags(e.ctx, a.ID, mb.ID, uids, store.FlagOp(rng.IntN(3)), pickFlags())
			e.ok(err, what+" StoreFlags")
		case 7:
			_, err := e.s.CreateMailbox(e.ctx, a.ID, folders[rng.IntN(len(folders))])
			if err != nil && !errors.Is(err, store.ErrExists) {
				e.Fatalf("%s CreateMailbox: %v", what, err)
			}
		case 8:
			if mb.Role == store.RoleNone {
				err := e.s.DeleteMailbox(e.ctx, a.ID, mb.ID)
				if err != nil && !errors.Is(err, store.ErrHasChildren) {
					e.Fatalf("%s DeleteMailbox(%q): %v", what, mb.Name, err)
				}
			}
		case 9:
			if len(queued) == 0 || rng.IntN(2) == 0 {
				q := &store.QueuedMessage{AccountID: a.ID, From: a.Address(), Recipients: rcpts("r@example.net"),
					BlobKey: pool[rng.IntN(len(pool))], Size: 100, CreatedAt: baseTime, SendAt: baseTime}
				e.ok(e.s.Enqueue(e.ctx, q), what+" Enqueue")
				queued = append(queued, q.ID)
			} else {
				j := rng.IntN(len(queued))
				e.ok(e.s.Dequeue(e.ctx, queued[j]), what+" Dequeue")
				queued = slices.Delete(queued, j, j+1)
			}
		}
	}
	e.consistent()
	e.verifyByWalking(pool, accts)

	e.ok(e.s.DeleteAccount(e.ctx, accts[0].ID), "DeleteAccount")
	e.consistent()
	e.verifyByWalking(pool, accts[1:])

	e.ok(e.s.DeleteDomain(e.ctx, accts[2].DomainID), "DeleteDomain")
	e.consistent()
	e.verifyByWalking(pool, accts[1:2])
}

// verifyByWalking recomputes blob references, usage and mailbox counters from
// the rows the store lists and compares them with its counters.
func (e *env) verifyByWalking(pool []string, accts []*store.Account) {
	e.Helper()
	want := map[string]int64{}
	for _, a := range accts {
		var usage store.Usage
		for _, mb := range e.mailboxes(a.ID) {
			var st store.MailboxStatus
			var last uint32
			for _, m := range e.msgs(a.ID, mb.ID) {
				want[m.BlobKey]++
				usage.Bytes += m.Size
				usage.Messages++
				st.Messages++
				st.Size += m.Size
				if !m.HasFlag(store.FlagSeen) {
					st.Unseen++
					if st.FirstUnseen == 0 {
						st.FirstUnseen = m.UID
					}
				}
				if m.HasFlag(store.FlagDeleted) {
					st.Deleted++
				}
				if m.UID <= last {
					e.Errorf("%s %q: UID %d after %d in walk", a.Address(), mb.Name, m.UID, last)
				}
				last = m.UID
				if m.ModSeq > mb.HighestModSeq {
					e.Errorf("%s %q: UID %d MODSEQ %d above HIGHESTMODSEQ %d", a.Address(), mb.Name, m.UID, m.ModSeq, mb.HighestModSeq)
				}
			}
			if mb.UIDNext <= last {
				e.Errorf("%s %q: UIDNEXT %d not above UID %d", a.Address(), mb.Name, mb.UIDNext, last)
			}
			if got := e.status(a.ID, mb.ID); got != st {
				e.Errorf("%s %q: MailboxStatus %+v, walk counts %+v", a.Address(), mb.Name, got, st)
			}
		}
		if got := e.usage(a.ID); got != usage {
			e.Errorf("%s: Usage %+v, walk sums %+v", a.Address(), got, usage)
		}
	}
	qs, err := e.s.Queue(e.ctx)
	e.ok(err, "Queue")
	for _, q := range qs {
		want[q.BlobKey]++
	}
	for _, k := range pool {
		e.wantRefs(k, want[k])
	}
}
