package storetest

import (
	"fmt"
	"slices"

	"postroom/internal/search"
	"postroom/internal/store"
)

var bodyMatchTests = []test{
	{"bodyMatch_sortsMarkedPhrasesFromTheOnesToRead", testBodyMatch},
	{"bodyMatch_phraseOfSeveralTerms", testBodyMatchPhrase},
	{"bodyMatch_followsMovesAndCopies", testBodyMatchMoves},
	{"bodyMatch_scopedAndChecked", testBodyMatchScope},
}

// markedBody is the body column of a text the indexer marked exact
// (search.ExactTerm) or cut (search.CutTerm), as internal/mail writes it.
func markedBody(text, mark string) store.IndexText {
	idx := indexed("", "", "", text)
	if mark != "" {
		idx.Body += " " + mark
	}
	return idx
}

// putBody appends a message whose indexed body is idx.
func (e *env) putBody(accountID, mailboxID int64, idx store.IndexText) *store.Message {
	nm := e.newMsg(accountID, mailboxID)
	nm.Index = idx
	return e.add(nm)
}

func (e *env) bodyMatch(accountID, mailboxID int64, needle string) store.BodyMatch {
	e.Helper()
	q, ok := search.Substring(needle)
	if !ok {
		e.Fatalf("Substring(%q): no query", needle)
	}
	got, err := e.s.BodyMatch(e.ctx, accountID, mailboxID, q)
	e.ok(err, "BodyMatch "+needle)
	for what, l := range map[string][]uint32{"Sure": got.Sure, "Check": got.Check} {
		if !slices.IsSorted(l) || len(slices.Compact(slices.Clone(l))) != len(l) {
			e.Errorf("BodyMatch(%s).%s = %v, want ascending UIDs", needle, what, l)
		}
	}
	for _, u := range got.Sure {
		if slices.Contains(got.Check, u) {
			e.Errorf("BodyMatch(%s): UID %d both sure and to check", needle, u)
		}
	}
	return got
}

// A phrase of one term (the bigram of a two-syllable word) is answered
// exactly by every backend: marked messages holding it are sure; the
// unmarked ones holding it and every cut one are to be read; the rest
// (marked without it, or unmarked without it) are in neither list.
func testBodyMatch(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	sure := e.putBody(a.ID, in.ID, markedBody("내일 회의는 10시", search.ExactTerm))
	old := e.putBody(a.ID, in.ID, markedBody("내일 보고", ""))               // indexed before the mark
	cut := e.putBody(a.ID, in.ID, markedBody("아주 긴 본문", search.CutTerm)) // the word may be past the cut
	e.putBody(a.ID, in.ID, markedBody("모레 회의", search.ExactTerm))
	e.putBody(a.ID, in.ID, markedBody("일내 내 일", search.ExactTerm)) // the syllables, not the bigram
	e.putBody(a.ID, in.ID, markedBody("다른 내용", ""))
	subj := e.newMsg(a.ID, in.ID) // the word in the subject only
	subj.Index = store.IndexText{Subject: indexed("내일", "", "", "").Subject, Body: " " + search.ExactTerm}
	e.add(subj)
	cutToo := e.putBody(a.ID, in.ID, markedBody("내일 그리고", search.CutTerm))

	got := e.bodyMatch(a.ID, in.ID, "내일")
	if want := []uint32{sure.UID}; fmt.Sprint(got.Sure) != fmt.Sprint(want) {
		e.Errorf("BodyMatch(내일).Sure = %v, want %v", got.Sure, want)
	}
	if want := []uint32{old.UID, cut.UID, cutToo.UID}; fmt.Sprint(got.Check) != fmt.Sprint(want) {
		e.Errorf("BodyMatch(내일).Check = %v, want %v (unmarked with the word, and the cut ones)", got.Check, want)
	}
	// Two needles: both bigrams required.
	q1, _ := search.Substring("내일")
	q2, _ := search.Substring("회의")
	both, err := e.s.BodyMatch(e.ctx, a.ID, in.ID, search.Query{Terms: append(slices.Clone(q1.Terms), q2.Terms...)})
	e.ok(err, "BodyMatch 내일 회의")
	if fmt.Sprint(both.Sure) != fmt.Sprint([]uint32{sure.UID}) || fmt.Sprint(both.Check) != fmt.Sprint([]uint32{cut.UID, cutToo.UID}) {
		e.Errorf("BodyMatch(내일 AND 회의) = %+v, want sure [%d], check [%d %d]", both, sure.UID, cut.UID, cutToo.UID)
	}
}

// A phrase of several terms (a three-syllable word): a backend with
// positions answers it exactly; one without may only check. Either way a
// marked message is sure only if it holds the phrase, and every message
// holding it is in one of the lists.
func testBodyMatchPhrase(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	holds := e.putBody(a.ID, in.ID, markedBody("회의실 예약", search.ExactTerm))
	apart := e.putBody(a.ID, in.ID, markedBody("의실 그리고 회의", search.ExactTerm)) // both bigrams, not adjacent
	unmarked := e.putBody(a.ID, in.ID, markedBody("대회의실", ""))
	none := e.putBody(a.ID, in.ID, markedBody("회의 예약", search.ExactTerm)) // one of the two bigrams

	got := e.bodyMatch(a.ID, in.ID, "회의실")
	if slices.Contains(got.Sure, apart.UID) || slices.Contains(got.Sure, unmarked.UID) || slices.Contains(got.Sure, none.UID) {
		e.Errorf("BodyMatch(회의실).Sure = %v: only UID %d holds the phrase and is marked", got.Sure, holds.UID)
	}
	if !slices.Contains(got.Sure, holds.UID) && !slices.Contains(got.Check, holds.UID) {
		e.Errorf("BodyMatch(회의실) = %+v misses UID %d, which holds the phrase", got, holds.UID)
	}
	if !slices.Contains(got.Check, unmarked.UID) {
		e.Errorf("BodyMatch(회의실).Check = %v misses unmarked UID %d", got.Check, unmarked.UID)
	}
	if slices.Contains(got.Check, none.UID) {
		e.Errorf("BodyMatch(회의실).Check = %v holds UID %d, which lacks a bigram", got.Check, none.UID)
	}
}

// The lists are of the mailbox asked about, by the UIDs the messages have
// there now: after a move (a new UID, the message id kept, so that the
// index's order is not the UIDs'), and for a copy, whose index is the
// original's, mark included.
func testBodyMatchMoves(e *env) {
	a := e.account("alice@example.com")
	in, arch := e.inbox(a.ID), e.byRole(a.ID, store.RoleArchive)
	first := e.putBody(a.ID, in.ID, markedBody("내일 출장", search.ExactTerm))
	later := e.putBody(a.ID, arch.ID, markedBody("내일 휴가", search.ExactTerm))
	unmarked := e.putBody(a.ID, arch.ID, markedBody("내일 휴가", ""))
	_, moved, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{first.UID})
	e.ok(err, "MoveMessages")
	got := e.bodyMatch(a.ID, arch.ID, "내일")
	if want := []uint32{later.UID, moved[0]}; fmt.Sprint(got.Sure) != fmt.Sprint(want) {
		e.Errorf("Archive after the move: Sure %v, want %v", got.Sure, want)
	}
	if got := e.bodyMatch(a.ID, in.ID, "내일"); len(got.Sure)+len(got.Check) != 0 {
		e.Errorf("INBOX after the move: %+v, want nothing", got)
	}
	_, copies, err := e.s.CopyMessages(e.ctx, a.ID, arch.ID, in.ID, []uint32{later.UID, unmarked.UID})
	e.ok(err, "CopyMessages")
	got = e.bodyMatch(a.ID, in.ID, "내일")
	if fmt.Sprint(got.Sure) != fmt.Sprint(copies[:1]) || fmt.Sprint(got.Check) != fmt.Sprint(copies[1:]) {
		e.Errorf("INBOX after the copy: %+v, want sure %v and check %v", got, copies[:1], copies[1:])
	}
	_, err = e.s.Expunge(e.ctx, a.ID, in.ID, copies[:1])
	e.ok(err, "Expunge")
	if got := e.bodyMatch(a.ID, in.ID, "내일"); len(got.Sure) != 0 {
		e.Errorf("INBOX after the expunge: Sure %v, want none", got.Sure)
	}
}

// Another account's mailbox is not found, its messages never listed; a
// query BodyMatch does not take is refused.
func testBodyMatchScope(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	in := e.inbox(a.ID)
	mine := e.putBody(a.ID, in.ID, markedBody("내일", search.ExactTerm))
	e.putBody(b.ID, e.inbox(b.ID).ID, markedBody("내일", search.ExactTerm))
	e.putBody(b.ID, e.inbox(b.ID).ID, markedBody("길다", search.CutTerm))
	if got := e.bodyMatch(a.ID, in.ID, "내일"); fmt.Sprint(got.Sure) != fmt.Sprint([]uint32{mine.UID}) || len(got.Check) != 0 {
		e.Errorf("alice's INBOX: %+v, want sure [%d] alone", got, mine.UID)
	}
	q, _ := search.Substring("내일")
	_, err := e.s.BodyMatch(e.ctx, b.ID, in.ID, q)
	e.wantErr(err, store.ErrNotFound, "BodyMatch in another account's mailbox")
	for what, bad := range map[string]search.Query{
		"empty":    {},
		"prefix":   {Terms: []search.Term{{Text: "내일", Prefix: true}}},
		"excluded": {Terms: q.Terms, Exclude: []search.Term{{Text: "회의"}}},
	} {
		_, err := e.s.BodyMatch(e.ctx, a.ID, in.ID, bad)
		e.wantErr(err, store.ErrInvalid, "BodyMatch of an "+what+" query")
	}
}
