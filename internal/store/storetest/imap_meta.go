package storetest

// store.IMAPMetaStore: each message's ENVELOPE and BODYSTRUCTURE kept with
// it through append, copy, move and expunge.

import (
	"bytes"
	"fmt"

	"postroom/internal/store"
)

var imapMetaTests = []test{
	{"imapMeta_keptByAppend", testMetaAppend},
	{"imapMeta_copyGetsTheOriginalsMoveKeepsIt", testMetaCopyMove},
	{"imapMeta_goesWithExpunge", testMetaExpunge},
	{"imapMeta_setReplacesAndBackfills", testMetaSet},
	{"imapMeta_manyIDsInOneCall", testMetaMany},
	{"imapMeta_otherAccountsNotSeenNorSet", testMetaTenancy},
}

// metaOf is a distinct meta value for n.
func metaOf(n int) store.IMAPMeta {
	return store.IMAPMeta{Envelope: []byte(fmt.Sprintf("env\x00%d", n)), Structure: []byte(fmt.Sprintf("bs\x00\xff%d", n))}
}

func (e *env) putWithMeta(accountID, mailboxID int64, meta store.IMAPMeta) *store.Message {
	e.Helper()
	nm := e.newMsg(accountID, mailboxID)
	nm.IMAPMeta = &meta
	return e.add(nm)
}

func (e *env) metas(accountID int64, ids ...int64) map[int64]store.IMAPMeta {
	e.Helper()
	got, err := e.s.IMAPMeta(e.ctx, accountID, ids)
	e.ok(err, "IMAPMeta")
	return got
}

// wantMeta checks that got holds exactly want (by message id).
func (e *env) wantMeta(got map[int64]store.IMAPMeta, want map[int64]store.IMAPMeta) {
	e.Helper()
	if len(got) != len(want) {
		e.Errorf("IMAPMeta returned %d messages, want %d: %v", len(got), len(want), got)
	}
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			e.Errorf("message %d: no meta, want %q", id, w)
			continue
		}
		if !bytes.Equal(g.Envelope, w.Envelope) || !bytes.Equal(g.Structure, w.Structure) {
			e.Errorf("message %d: meta %q, want %q", id, g, w)
		}
	}
}

func testMetaAppend(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	with := e.putWithMeta(a.ID, in.ID, metaOf(1))
	without := e.put(a.ID, in.ID)
	e.wantMeta(e.metas(a.ID, with.ID, without.ID, 999999), map[int64]store.IMAPMeta{with.ID: metaOf(1)})
	e.wantMeta(e.metas(a.ID), map[int64]store.IMAPMeta{})
	e.consistent()
}

func testMetaCopyMove(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	arch := e.byRole(a.ID, store.RoleArchive)
	m1 := e.putWithMeta(a.ID, in.ID, metaOf(1))
	m2 := e.put(a.ID, in.ID) // stored without: its copy has none either
	_, dst, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{m1.UID, m2.UID})
	e.ok(err, "CopyMessages")
	c1, c2 := e.byUID(a.ID, arch.ID, dst[0]), e.byUID(a.ID, arch.ID, dst[1])
	e.wantMeta(e.metas(a.ID, m1.ID, m2.ID, c1.ID, c2.ID), map[int64]store.IMAPMeta{m1.ID: metaOf(1), c1.ID: metaOf(1)})

	// The copy's meta is its own: replacing the original's leaves it.
	e.ok(e.s.SetIMAPMeta(e.ctx, a.ID, map[int64]store.IMAPMeta{m1.ID: metaOf(2)}), "SetIMAPMeta")
	e.wantMeta(e.metas(a.ID, m1.ID, c1.ID), map[int64]store.IMAPMeta{m1.ID: metaOf(2), c1.ID: metaOf(1)})

	_, moved, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{m1.UID})
	e.ok(err, "MoveMessages")
	mv := e.byUID(a.ID, arch.ID, moved[0])
	e.wantMeta(e.metas(a.ID, mv.ID), map[int64]store.IMAPMeta{mv.ID: metaOf(2)})
	e.consistent()
}

func testMetaExpunge(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	m1 := e.putWithMeta(a.ID, in.ID, metaOf(1))
	m2 := e.putWithMeta(a.ID, in.ID, metaOf(2))
	_, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{m1.UID})
	e.ok(err, "Expunge")
	e.wantMeta(e.metas(a.ID, m1.ID, m2.ID), map[int64]store.IMAPMeta{m2.ID: metaOf(2)})
	e.ok(e.s.SetIMAPMeta(e.ctx, a.ID, map[int64]store.IMAPMeta{m1.ID: metaOf(3)}), "SetIMAPMeta of an expunged message")
	// A new message never inherits the meta of one expunged before it.
	m3 := e.put(a.ID, in.ID)
	e.wantMeta(e.metas(a.ID, m1.ID, m3.ID), map[int64]store.IMAPMeta{})
	e.consistent()
}

func testMetaSet(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	old1, old2 := e.put(a.ID, in.ID), e.put(a.ID, in.ID) // as stored before meta was kept
	e.ok(e.s.SetIMAPMeta(e.ctx, a.ID, map[int64]store.IMAPMeta{old1.ID: metaOf(1), old2.ID: metaOf(2), 999999: metaOf(9)}),
		"SetIMAPMeta (backfill, one id of no message)")
	e.wantMeta(e.metas(a.ID, old1.ID, old2.ID, 999999), map[int64]store.IMAPMeta{old1.ID: metaOf(1), old2.ID: metaOf(2)})
	e.ok(e.s.SetIMAPMeta(e.ctx, a.ID, map[int64]store.IMAPMeta{old1.ID: metaOf(3)}), "SetIMAPMeta (replace)")
	e.wantMeta(e.metas(a.ID, old1.ID, old2.ID), map[int64]store.IMAPMeta{old1.ID: metaOf(3), old2.ID: metaOf(2)})
	// Setting meta is not a change IMAP clients see: no new MODSEQ.
	if got := e.byUID(a.ID, in.ID, old1.UID); got.ModSeq != old1.ModSeq {
		e.Errorf("SetIMAPMeta changed MODSEQ %d to %d", old1.ModSeq, got.ModSeq)
	}
	e.ok(e.s.SetIMAPMeta(e.ctx, a.ID, nil), "SetIMAPMeta of nothing")
}

// More ids than one query of a backend may name still come back whole.
func testMetaMany(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	want := map[int64]store.IMAPMeta{}
	var ids []int64
	for i := range 2500 {
		if i%200 == 0 {
			m := e.putWithMeta(a.ID, in.ID, metaOf(i))
			want[m.ID] = metaOf(i)
			ids = append(ids, m.ID)
			continue
		}
		ids = append(ids, int64(1_000_000+i)) // no such message
	}
	e.wantMeta(e.metas(a.ID, ids...), want)
}

func testMetaTenancy(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	m := e.putWithMeta(a.ID, e.inbox(a.ID).ID, metaOf(1))
	e.wantMeta(e.metas(b.ID, m.ID), map[int64]store.IMAPMeta{})
	e.ok(e.s.SetIMAPMeta(e.ctx, b.ID, map[int64]store.IMAPMeta{m.ID: metaOf(2)}), "SetIMAPMeta of another account's message")
	e.wantMeta(e.metas(a.ID, m.ID), map[int64]store.IMAPMeta{m.ID: metaOf(1)})
}
