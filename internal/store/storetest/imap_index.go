package storetest

// store.IMAPIndexStore: the listings IMAP reads whole mailboxes from, and
// CONDSTORE's conditional STORE.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"postroom/internal/store"
)

var imapIndexTests = []test{
	{"imapIndex_stateOfEveryMessageInUIDOrder", testIndexState},
	{"imapIndex_afterUID", testIndexAfter},
	{"imapIndex_changedSince", testIndexChangedSince},
	{"imapIndex_envelopeColumns", testIndexEnvelope},
	{"imapIndex_referencesKeptBounded", testIndexRefsBounded},
	{"imapIndex_saveDateOnCopyAndMove", testIndexSaveDate},
	{"imapIndex_unchangedSince", testUnchangedSince},
	{"imapIndex_unchangedSinceZeroChangesNothing", testUnchangedSinceZero},
	{"imapIndex_otherAccountsMailboxNotFound", testIndexTenancy},
	{"imapIndex_envelopeContainingIsASuperset", testEnvelopeContaining},
	{"imapIndex_filteredIsASuperset", testIndexFiltered},
}

func (e *env) index(accountID, mailboxID int64, after uint32) []store.MessageIndex {
	e.Helper()
	idx, err := e.s.MailboxIndex(e.ctx, accountID, mailboxID, after)
	e.ok(err, "MailboxIndex")
	return idx
}

func diffIndex(got store.MessageIndex, m *store.Message) string {
	want := store.MessageIndex{ID: m.ID, UID: m.UID, ModSeq: m.ModSeq, Flags: m.Flags, Size: m.Size,
		InternalDate: m.InternalDate, SaveDate: m.SaveDate, ThreadID: m.ThreadID, BlobKey: m.BlobKey}
	if got.ID != want.ID || got.UID != want.UID || got.ModSeq != want.ModSeq || !sameStrings(got.Flags, want.Flags) ||
		got.Size != want.Size || !got.InternalDate.Equal(want.InternalDate) || !got.SaveDate.Equal(want.SaveDate) ||
		got.ThreadID != want.ThreadID || got.BlobKey != want.BlobKey {
		return fmt.Sprintf("got %+v, want %+v", got, want)
	}
	return ""
}

func testIndexState(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	saved := baseTime.Add(-48 * time.Hour)
	var want []*store.Message
	for i, flags := range [][]string{nil, {store.FlagSeen, "$Work"}, {store.FlagSeen, "$Work"}, {store.FlagDeleted}} {
		nm := e.newMsg(a.ID, in.ID)
		nm.Flags = flags
		nm.Size = int64(100 * (i + 1))
		if i == 1 {
			nm.SaveDate = saved
		}
		want = append(want, e.add(nm))
	}
	if !want[1].SaveDate.Equal(saved) {
		e.Errorf("AppendMessage with SaveDate %v returned %v", saved, want[1].SaveDate)
	}
	if want[0].SaveDate.IsZero() {
		e.Errorf("AppendMessage without SaveDate left it zero, want the time of the append")
	}
	idx := e.index(a.ID, in.ID, 0)
	if len(idx) != len(want) {
		e.Fatalf("MailboxIndex listed %d messages, want %d", len(idx), len(want))
	}
	state, err := e.s.MailboxState(e.ctx, a.ID, in.ID, want[0].UID)
	e.ok(err, "MailboxState")
	if len(state) != len(want)-1 {
		e.Fatalf("MailboxState after UID %d listed %d messages, want %d", want[0].UID, len(state), len(want)-1)
	}
	for i, st := range state {
		w := want[i+1]
		if st.UID != w.UID || st.ModSeq != w.ModSeq || !sameStrings(st.Flags, w.Flags) {
			e.Errorf("MailboxState entry %d: %+v, want UID %d MODSEQ %d flags %v", i, st, w.UID, w.ModSeq, w.Flags)
		}
	}
	for i := range want {
		if d := diffIndex(idx[i], e.byUID(a.ID, in.ID, want[i].UID)); d != "" {
			e.Errorf("entry %d: %s", i, d)
		}
		if d := diffIndex(idx[i], want[i]); d != "" {
			e.Errorf("entry %d against AppendMessage's answer: %s", i, d)
		}
	}
	if !idx[1].HasFlag(`\SEEN`) || idx[0].HasFlag(store.FlagSeen) {
		e.Errorf("HasFlag: %v %v", idx[1].Flags, idx[0].Flags)
	}
	if got := e.index(a.ID, e.byRole(a.ID, store.RoleSent).ID, 0); len(got) != 0 {
		e.Errorf("empty mailbox listed %+v", got)
	}
}

func testIndexAfter(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 5)
	idx := e.index(a.ID, in.ID, ms[2].UID)
	var got []uint32
	for _, x := range idx {
		got = append(got, x.UID)
	}
	if !slices.Equal(got, []uint32{ms[3].UID, ms[4].UID}) {
		e.Errorf("MailboxIndex after UID %d: %v, want %v", ms[2].UID, got, []uint32{ms[3].UID, ms[4].UID})
	}
	env, err := e.s.EnvelopeIndex(e.ctx, a.ID, in.ID, ms[3].UID)
	e.ok(err, "EnvelopeIndex")
	if len(env) != 1 || env[0].UID != ms[4].UID {
		e.Errorf("EnvelopeIndex after UID %d: %+v", ms[3].UID, env)
	}
}

func testIndexChangedSince(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 4)
	mark := e.mbox(a.ID, in.ID).HighestModSeq
	_, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[2].UID, ms[0].UID}, store.FlagsAdd, []string{store.FlagFlagged})
	e.ok(err, "StoreFlags")
	nm := e.newMsg(a.ID, in.ID)
	added := e.add(nm)
	got, err := e.s.ChangedSince(e.ctx, a.ID, in.ID, mark)
	e.ok(err, "ChangedSince")
	var uids []uint32
	for _, x := range got {
		uids = append(uids, x.UID)
		if x.ModSeq <= mark {
			e.Errorf("ChangedSince(%d) listed UID %d with MODSEQ %d", mark, x.UID, x.ModSeq)
		}
	}
	if want := []uint32{ms[0].UID, ms[2].UID, added.UID}; !slices.Equal(uids, want) {
		e.Errorf("ChangedSince(%d) = %v, want %v", mark, uids, want)
	}
	if !got[0].HasFlag(store.FlagFlagged) {
		e.Errorf("ChangedSince entry lacks the new flag: %v", got[0].Flags)
	}
	none, err := e.s.ChangedSince(e.ctx, a.ID, in.ID, e.mbox(a.ID, in.ID).HighestModSeq)
	e.ok(err, "ChangedSince(highest)")
	if len(none) != 0 {
		e.Errorf("ChangedSince(HIGHESTMODSEQ) listed %d", len(none))
	}
}

func testIndexEnvelope(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	date := time.Date(2007, 3, 24, 22, 0, 0, 0, time.UTC)
	nm := e.newMsg(a.ID, in.ID)
	nm.Envelope = store.Envelope{
		Date:      date,
		DateText:  "Sun, 25 Mar 2007 00:00:00 +0200",
		Subject:   "견적서 송부 – \"quoted\"",
		From:      []store.Address{{Name: "김민수", Addr: "minsu@example.kr"}},
		To:        []store.Address{{Addr: "a@x.kr"}, {Name: "Lee, J", Addr: "b@x.kr"}},
		Cc:        []store.Address{{Name: "undisclosed-recipients"}},
		Bcc:       []store.Address{{Addr: "hidden@x.kr"}},
		MessageID: "root.2@example.kr",
		InReplyTo: "parent@x.kr",
	}
	nm.SentDay = 20070325
	nm.References = []string{"root@x.kr", "parent@x.kr"}
	m := e.add(nm)
	plain := e.newMsg(a.ID, in.ID)
	plain.Envelope = store.Envelope{}
	p := e.add(plain)
	got, err := e.s.EnvelopeIndex(e.ctx, a.ID, in.ID, 0)
	e.ok(err, "EnvelopeIndex")
	if len(got) != 2 {
		e.Fatalf("EnvelopeIndex listed %d, want 2", len(got))
	}
	g := got[0]
	if d := diffIndex(g.MessageIndex, m); d != "" {
		e.Errorf("state: %s", d)
	}
	if !g.Date.Equal(date) || g.SentDay != 20070325 || g.DateText != nm.Envelope.DateText || g.Subject != nm.Envelope.Subject ||
		g.MessageID != "root.2@example.kr" || g.InReplyTo != "parent@x.kr" || !sameStrings(g.References, nm.References) {
		e.Errorf("EnvelopeIndex entry %+v", g)
	}
	for name, pair := range map[string][2][]store.Address{"From": {g.From, nm.Envelope.From}, "To": {g.To, nm.Envelope.To},
		"Cc": {g.Cc, nm.Envelope.Cc}, "Bcc": {g.Bcc, nm.Envelope.Bcc}} {
		if !slices.Equal(pair[0], pair[1]) {
			e.Errorf("%s = %+v, want %+v", name, pair[0], pair[1])
		}
	}
	if !g.SortDate().Equal(date) {
		e.Errorf("SortDate = %v, want the Date header %v", g.SortDate(), date)
	}
	q := got[1]
	if q.UID != p.UID || !q.Date.IsZero() || q.SentDay != 0 || q.Subject != "" || q.From != nil || q.References != nil {
		e.Errorf("entry of an empty envelope: %+v", q)
	}
	if !q.SortDate().Equal(p.InternalDate) {
		e.Errorf("SortDate without a Date header = %v, want the internal date %v", q.SortDate(), p.InternalDate)
	}
}

func testIndexRefsBounded(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	nm := e.newMsg(a.ID, in.ID)
	var refs []string
	for i := range store.MaxStoredReferences + 30 {
		refs = append(refs, fmt.Sprintf("r%d@x.kr", i))
	}
	nm.References = refs
	e.add(nm)
	got, err := e.s.EnvelopeIndex(e.ctx, a.ID, in.ID, 0)
	e.ok(err, "EnvelopeIndex")
	if want := refs[len(refs)-store.MaxStoredReferences:]; len(got) != 1 || !slices.Equal(got[0].References, want) {
		e.Errorf("References kept: %v, want the last %d", got[0].References, store.MaxStoredReferences)
	}
}

func testIndexSaveDate(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	box := e.mkdir(a.ID, "Box")
	old := baseTime.Add(-365 * 24 * time.Hour)
	var ms []*store.Message
	for range 2 {
		nm := e.newMsg(a.ID, in.ID)
		nm.SaveDate = old
		nm.SentDay = 20260314
		nm.References = []string{"root@x.kr"}
		ms = append(ms, e.add(nm))
	}
	_, cp, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, box.ID, []uint32{ms[0].UID})
	e.ok(err, "CopyMessages")
	_, mv, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, box.ID, []uint32{ms[1].UID})
	e.ok(err, "MoveMessages")
	if got := e.byUID(a.ID, in.ID, ms[0].UID); !got.SaveDate.Equal(old) {
		e.Errorf("copy changed the source's save date to %v", got.SaveDate)
	}
	env, err := e.s.EnvelopeIndex(e.ctx, a.ID, box.ID, 0)
	e.ok(err, "EnvelopeIndex")
	if len(env) != 2 || env[0].UID != cp[0] || env[1].UID != mv[0] {
		e.Fatalf("Box lists %+v, want the copy %d and the moved %d", env, cp, mv)
	}
	for i, x := range env {
		if x.SaveDate.Equal(old) || x.SaveDate.IsZero() {
			e.Errorf("message %d put into Box keeps save date %v, want the time it was put there", i, x.SaveDate)
		}
		if x.SentDay != 20260314 || !slices.Equal(x.References, []string{"root@x.kr"}) {
			e.Errorf("message %d put into Box: sent day %d references %v", i, x.SentDay, x.References)
		}
	}
	if env[1].ID != ms[1].ID || env[0].ID == ms[0].ID {
		e.Errorf("ids: moved %d (was %d), copy %d (source %d): a move keeps its id, a copy gets its own", env[1].ID, ms[1].ID, env[0].ID, ms[0].ID)
	}
}

func testUnchangedSince(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 3)
	mark := e.mbox(a.ID, in.ID).HighestModSeq
	// another session changes the middle message after the client's mark
	_, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[1].UID}, store.FlagsAdd, []string{"$Other"})
	e.ok(err, "StoreFlags")
	uids := []uint32{ms[0].UID, ms[1].UID, ms[2].UID, 9999}
	changed, modified, err := e.s.StoreFlagsUnchangedSince(e.ctx, a.ID, in.ID, uids, store.FlagsAdd, []string{store.FlagSeen}, mark)
	e.ok(err, "StoreFlagsUnchangedSince")
	if !slices.Equal(modified, []uint32{ms[1].UID}) {
		e.Errorf("modified = %v, want [%d]", modified, ms[1].UID)
	}
	if len(changed) != 2 || changed[0].UID != ms[0].UID || changed[1].UID != ms[2].UID {
		e.Fatalf("changed = %+v, want UIDs %d and %d", changed, ms[0].UID, ms[2].UID)
	}
	high := e.mbox(a.ID, in.ID).HighestModSeq
	for _, c := range changed {
		got := e.byUID(a.ID, in.ID, c.UID)
		if !got.HasFlag(store.FlagSeen) || got.ModSeq != c.ModSeq || c.ModSeq <= mark || c.ModSeq > high {
			e.Errorf("UID %d: stored flags %v MODSEQ %d, returned MODSEQ %d (mark %d, highest %d)", c.UID, got.Flags, got.ModSeq, c.ModSeq, mark, high)
		}
	}
	// one operation, one MODSEQ for the messages it changed (RFC 7162 §3.1)
	if changed[0].ModSeq != changed[1].ModSeq {
		e.Errorf("one conditional STORE gave MODSEQs %d and %d, want one", changed[0].ModSeq, changed[1].ModSeq)
	}
	if got := e.byUID(a.ID, in.ID, ms[1].UID); got.HasFlag(store.FlagSeen) {
		e.Errorf("the modified message was changed: %v", got.Flags)
	}
	// a message whose MODSEQ equals UNCHANGEDSINCE changes
	cur := e.byUID(a.ID, in.ID, ms[1].UID)
	changed, modified, err = e.s.StoreFlagsUnchangedSince(e.ctx, a.ID, in.ID, []uint32{ms[1].UID}, store.FlagsRemove, []string{"$Other"}, cur.ModSeq)
	e.ok(err, "StoreFlagsUnchangedSince at its MODSEQ")
	if len(modified) != 0 || len(changed) != 1 || changed[0].HasFlag("$Other") {
		e.Errorf("at its own MODSEQ: changed %+v modified %v", changed, modified)
	}
	e.consistent()
}

func testUnchangedSinceZero(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 2)
	before := e.mbox(a.ID, in.ID).HighestModSeq
	changed, modified, err := e.s.StoreFlagsUnchangedSince(e.ctx, a.ID, in.ID, []uint32{ms[0].UID, ms[1].UID}, store.FlagsAdd, []string{store.FlagSeen}, 0)
	e.ok(err, "StoreFlagsUnchangedSince(0)")
	if len(changed) != 0 || !slices.Equal(modified, []uint32{ms[0].UID, ms[1].UID}) {
		e.Errorf("UNCHANGEDSINCE 0: changed %d, modified %v; want every message modified (RFC 7162 §3.1.3)", len(changed), modified)
	}
	if after := e.mbox(a.ID, in.ID).HighestModSeq; after != before {
		e.Errorf("HIGHESTMODSEQ moved from %d to %d with nothing changed", before, after)
	}
}

func testIndexTenancy(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	bin := e.inbox(b.ID)
	m := e.put(b.ID, bin.ID)
	_, err := e.s.MailboxIndex(e.ctx, a.ID, bin.ID, 0)
	e.wantErr(err, store.ErrNotFound, "MailboxIndex of another account's mailbox")
	_, err = e.s.MailboxState(e.ctx, a.ID, bin.ID, 0)
	e.wantErr(err, store.ErrNotFound, "MailboxState of another account's mailbox")
	_, err = e.s.ChangedSince(e.ctx, a.ID, bin.ID, 0)
	e.wantErr(err, store.ErrNotFound, "ChangedSince of another account's mailbox")
	_, err = e.s.EnvelopeIndex(e.ctx, a.ID, bin.ID, 0)
	e.wantErr(err, store.ErrNotFound, "EnvelopeIndex of another account's mailbox")
	_, _, err = e.s.StoreFlagsUnchangedSince(e.ctx, a.ID, bin.ID, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagSeen}, 1<<40)
	e.wantErr(err, store.ErrNotFound, "StoreFlagsUnchangedSince in another account's mailbox")
	if got := e.byUID(b.ID, bin.ID, m.UID); got.HasFlag(store.FlagSeen) {
		e.Errorf("bob's message changed by alice: %v", got.Flags)
	}
}

// testEnvelopeContaining: EnvelopeIndexContaining lists at least every
// message whose subject, or an address's name or addr, holds each text
// in lower case, including texts with LIKE's wildcards, HTML characters
// the JSON encoder escapes, and the two non-ASCII letters that fold into
// ASCII ones; a backend may list more.
func testEnvelopeContaining(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	envs := []store.Envelope{
		{Subject: "주간 회의 안내", From: []store.Address{{Name: "Kim Minsu", Addr: "kim@example.org"}}},
		{Subject: "Lunch", From: []store.Address{{Name: "김민수", Addr: "minsu@example.org"}}},
		{Subject: "100% done_now", To: []store.Address{{Addr: "lee@example.org"}}},
		{Subject: "R&D <draft>", Cc: []store.Address{{Name: "\u212aELVIN", Addr: "k@example.org"}}},
		{Subject: "\u0130stanbul trip", Bcc: []store.Address{{Addr: "park@example.org"}}},
		{Subject: "nothing here"},
	}
	var uids []uint32
	for _, env := range envs {
		nm := e.newMsg(a.ID, in.ID)
		nm.Envelope = env
		uids = append(uids, e.add(nm).UID)
	}
	holds := func(env store.Envelope, t string) bool {
		t = strings.ToLower(t)
		if strings.Contains(strings.ToLower(env.Subject), t) {
			return true
		}
		for _, list := range [][]store.Address{env.From, env.To, env.Cc, env.Bcc} {
			for _, ad := range list {
				if strings.Contains(strings.ToLower(ad.Name), t) || strings.Contains(strings.ToLower(ad.Addr), t) {
					return true
				}
			}
		}
		return false
	}
	for _, texts := range [][]string{{"회의"}, {"KIM"}, {"kelvin"}, {"istanbul"}, {"100%"}, {"e_n"}, {"r&d"}, {"<draft>"},
		{"minsu", "lunch"}, {"민수"}, {"zzz"}} {
		got, err := e.s.EnvelopeIndexContaining(e.ctx, a.ID, in.ID, 0, texts)
		e.ok(err, "EnvelopeIndexContaining")
		listed := map[uint32]bool{}
		for _, r := range got {
			listed[r.UID] = true
			if r.Subject == "" && r.UID != uids[5] {
				e.Errorf("%q: row UID %d without its envelope", texts, r.UID)
			}
		}
		for i, env := range envs {
			all := true
			for _, t := range texts {
				all = all && holds(env, t)
			}
			if all && !listed[uids[i]] {
				e.Errorf("EnvelopeIndexContaining(%q) left out UID %d (%q), which holds it", texts, uids[i], env.Subject)
			}
		}
	}
	_, err := e.s.EnvelopeIndexContaining(e.ctx, a.ID, e.byRole(e.account("bob@example.com").ID, store.RoleInbox).ID, 0, []string{"x"})
	e.wantErr(err, store.ErrNotFound, "EnvelopeIndexContaining of another account's mailbox")
}

// testIndexFiltered: MailboxIndexFiltered lists at least every message
// with (or without) \Seen and an internal date in the bounds; the zero
// filter lists what MailboxIndex does.
func testIndexFiltered(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	type msg struct {
		seen bool
		date time.Time
		uid  uint32
	}
	msgs := []*msg{
		{false, baseTime.Add(-72 * time.Hour), 0},
		{true, baseTime.Add(-48 * time.Hour), 0},
		{false, baseTime.Add(-24 * time.Hour), 0},
		{true, baseTime, 0},
	}
	for _, m := range msgs {
		nm := e.newMsg(a.ID, in.ID)
		nm.InternalDate = m.date
		if m.seen {
			nm.Flags = []string{store.FlagSeen}
		}
		m.uid = e.add(nm).UID
	}
	for _, f := range []store.IndexFilter{
		{},
		{Unseen: true},
		{Seen: true},
		{Since: baseTime.Add(-48 * time.Hour)},
		{Before: baseTime.Add(-24 * time.Hour)},
		{Unseen: true, Since: baseTime.Add(-30 * time.Hour), Before: baseTime},
	} {
		got, err := e.s.MailboxIndexFiltered(e.ctx, a.ID, in.ID, 0, f)
		e.ok(err, "MailboxIndexFiltered")
		listed := map[uint32]bool{}
		for _, r := range got {
			listed[r.UID] = true
		}
		for _, m := range msgs {
			want := (!f.Seen || m.seen) && (!f.Unseen || !m.seen) &&
				(f.Since.IsZero() || !m.date.Before(f.Since)) && (f.Before.IsZero() || m.date.Before(f.Before))
			if want && !listed[m.uid] {
				e.Errorf("MailboxIndexFiltered(%+v) left out UID %d (seen %v, %v)", f, m.uid, m.seen, m.date)
			}
		}
		if f == (store.IndexFilter{}) && len(got) != len(msgs) {
			e.Errorf("MailboxIndexFiltered with no filter listed %d messages, want %d", len(got), len(msgs))
		}
	}
}
