package storetest

// store.EnvelopeMatchStore: SEARCH SUBJECT/FROM/TO/CC/BCC answered by the
// backend must be exactly what Go's comparison answers (a substring of
// the lower-cased decoded text; an address key compares "Name <addr>"
// or the bare address, one address at a time), on inputs where SQL's
// notions of case, wildcards, escapes or character boundaries could
// differ from Go's.

import (
	"fmt"
	"slices"
	"strings"

	"postroom/internal/store"
)

var envelopeMatchTests = []test{
	{"envelopeMatch_exactOnTrickyTexts", testEnvelopeMatchExact},
	{"envelopeMatch_everyKeyMustHold", testEnvelopeMatchAllKeys},
	{"envelopeMatch_followsCopyMoveExpunge", testEnvelopeMatchCopyMove},
	{"envelopeMatch_refusesWhatItCannotAnswer", testEnvelopeMatchRefuses},
}

// matchEnvelopes are the tricky envelopes: Korean (as decoded from UTF-8
// or EUC-KR mail: the store only sees the decoded text), letters that
// strings.ToLower folds across scripts or into ASCII (U+0130 into "i̇",
// the Kelvin sign into k, ẞ into ß), LIKE's wildcards, JSON's escaped
// characters, NUL and the separator's own byte, invalid UTF-8, and
// addresses whose "Name <addr>" form is what a key must match. NUL and
// invalid UTF-8 are in names only: PostgreSQL's AppendMessage refuses
// them in a subject (its base_subject column is text).
var matchEnvelopes = []store.Envelope{
	{Subject: "주간 회의 안내", From: []store.Address{{Name: "Kim Minsu", Addr: "kim@example.org"}}},
	{Subject: "Re: 월간 전략회의 자료", From: []store.Address{{Name: "김민수", Addr: "minsu@example.org"}},
		To: []store.Address{{Addr: "ab@x.example"}, {Addr: "cd@y.example"}}},
	{Subject: "100% done_now", To: []store.Address{{Addr: "lee@example.org"}}},
	{Subject: "R&D <draft> \"quoted\" back\\slash", Cc: []store.Address{{Name: "\u212aELVIN", Addr: "k@example.org"}}},
	{Subject: "\u0130stanbul trip", Bcc: []store.Address{{Addr: "park@example.org"}}},
	{Subject: "GROSSE \u1e9e STRASSE, Σίσυφος ΣΑΣ",
		From: []store.Address{{Name: "O'Brien \"Bob\"", Addr: "bob@ex.org"}, {Name: "Ünal", Addr: "UNAL@EX.ORG"}}},
	{Subject: "nul inside and \x01 ctl", From: []store.Address{{Name: "a\x00b", Addr: "nul@example.org"}}},
	{Subject: "bad utf-8 below", To: []store.Address{{Name: "", Addr: ""}, {Name: "<>", Addr: "angle@example.org"}, {Name: "bad \xff\xfe", Addr: "bad@example.org"}}},
	{Subject: "", Cc: []store.Address{{Name: "이서연", Addr: "seoyeon.lee@hanbit.example"}, {Name: "Hana Kimura", Addr: "hkimura@tokyo.example"}}},
	{Subject: "nothing here"},
}

// matchNeedles are the values looked for; the empty one and those with
// NUL or the separator are refused (testEnvelopeMatchRefuses).
var matchNeedles = []string{
	"회의", "의 안", "전략회의", "김민수", "KIM", "kim <", "<kim@", "> ", "kim@example.org>", "minsu <minsu@",
	"kelvin", "K", "\u212a", "i̇stanbul", "\u0130", "istanbul", "i", "%", "_", "100%", "e_n", "%d", `"`, `\`, `\s`,
	"'", "<", ">", "&", "r&d <draft>", "\"quoted\"", "σίσυφος", "σας", "ß", "\u1e9e", "grosse ẞ", "ünal <unal@",
	"@x.example", "x.examplecd", "example", "zzz", "\xff", "\ufffd", "\ufffd\ufffd", "<>", "<> <angle", " ", "@",
	"inside and", "nul", "seoyeon.lee@hanbit.example>", "kimura", "hkimura@tokyo.example>",
}

// goMatch is the definition EnvelopeMatch answers by, written out here
// on its own so that a change to the stored texts cannot redefine it.
func goMatch(env *store.Envelope, field, value string) bool {
	has := func(text string) bool { return strings.Contains(strings.ToLower(text), strings.ToLower(value)) }
	var list []store.Address
	switch field {
	case store.MatchSubject:
		return has(env.Subject)
	case store.MatchFrom:
		list = env.From
	case store.MatchTo:
		list = env.To
	case store.MatchCc:
		list = env.Cc
	case store.MatchBcc:
		list = env.Bcc
	}
	for _, a := range list {
		text := a.Addr
		if a.Name != "" {
			text = a.Name + " <" + a.Addr + ">"
		}
		if has(text) {
			return true
		}
	}
	return false
}

var matchFields = []string{store.MatchSubject, store.MatchFrom, store.MatchTo, store.MatchCc, store.MatchBcc}

// addEnvelopes appends one message per envelope and returns their UIDs.
func (e *env) addEnvelopes(accountID, mailboxID int64, envs []store.Envelope) []uint32 {
	e.Helper()
	var uids []uint32
	for _, env := range envs {
		nm := e.newMsg(accountID, mailboxID)
		nm.Envelope = env
		uids = append(uids, e.add(nm).UID)
	}
	return uids
}

// wantMatch checks EnvelopeMatch(keys) against want.
func (e *env) wantMatch(accountID, mailboxID int64, after uint32, keys []store.EnvelopeKey, want []uint32) {
	e.Helper()
	got, err := e.s.EnvelopeMatch(e.ctx, accountID, mailboxID, after, keys)
	e.ok(err, fmt.Sprintf("EnvelopeMatch(%q)", keys))
	if !slices.Equal(got, want) {
		e.Errorf("EnvelopeMatch(after %d, %q) = %v, want %v", after, keys, got, want)
	}
}

func testEnvelopeMatchExact(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	uids := e.addEnvelopes(a.ID, in.ID, matchEnvelopes)
	checked := 0
	for _, field := range matchFields {
		for _, n := range matchNeedles {
			if _, ok := store.MatchNeedle(n); !ok {
				continue
			}
			var want []uint32
			for i := range matchEnvelopes {
				if goMatch(&matchEnvelopes[i], field, n) {
					want = append(want, uids[i])
				}
			}
			e.wantMatch(a.ID, in.ID, 0, []store.EnvelopeKey{{Field: field, Value: n}}, want)
			checked += len(want)
		}
	}
	if checked < 40 {
		e.Errorf("only %d matches checked: the inputs do not exercise the matcher", checked)
	}
	// after: the UIDs above it only
	e.wantMatch(a.ID, in.ID, uids[1], []store.EnvelopeKey{{Field: store.MatchSubject, Value: "회의"}}, nil)
	e.wantMatch(a.ID, in.ID, uids[0], []store.EnvelopeKey{{Field: store.MatchSubject, Value: "회의"}}, uids[1:2])
}

func testEnvelopeMatchAllKeys(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	uids := e.addEnvelopes(a.ID, in.ID, matchEnvelopes)
	e.wantMatch(a.ID, in.ID, 0, []store.EnvelopeKey{{Field: store.MatchSubject, Value: "회의"}, {Field: store.MatchFrom, Value: "KIM"}}, uids[:1])
	e.wantMatch(a.ID, in.ID, 0, []store.EnvelopeKey{{Field: store.MatchSubject, Value: "회의"}, {Field: store.MatchTo, Value: "cd@y"}}, uids[1:2])
	e.wantMatch(a.ID, in.ID, 0, []store.EnvelopeKey{{Field: store.MatchSubject, Value: "회의"}, {Field: store.MatchCc, Value: "kim"}}, nil)
	// no key: every message
	e.wantMatch(a.ID, in.ID, 0, nil, uids)
}

func testEnvelopeMatchCopyMove(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	work := e.mkdir(a.ID, "Work")
	old := e.mkdir(a.ID, "Old")
	uids := e.addEnvelopes(a.ID, in.ID, matchEnvelopes[:3])
	meeting := []store.EnvelopeKey{{Field: store.MatchSubject, Value: "회의"}}
	_, copied, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, work.ID, uids)
	e.ok(err, "CopyMessages")
	e.wantMatch(a.ID, work.ID, 0, meeting, copied[:2])
	_, moved, err := e.s.MoveMessages(e.ctx, a.ID, work.ID, old.ID, copied[1:2])
	e.ok(err, "MoveMessages")
	e.wantMatch(a.ID, work.ID, 0, meeting, copied[:1])
	e.wantMatch(a.ID, old.ID, 0, meeting, moved)
	e.wantMatch(a.ID, old.ID, 0, []store.EnvelopeKey{{Field: store.MatchTo, Value: "cd@y.example"}}, moved)
	_, err = e.s.Expunge(e.ctx, a.ID, in.ID, uids[:1])
	e.ok(err, "Expunge")
	e.wantMatch(a.ID, in.ID, 0, meeting, uids[1:2])
	e.wantMatch(a.ID, work.ID, 0, meeting, copied[:1]) // the copy stays
	// a message delivered after all this has its texts too
	later := e.addEnvelopes(a.ID, old.ID, matchEnvelopes[:1])
	e.wantMatch(a.ID, old.ID, 0, meeting, append(moved, later...))
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, old.ID), "DeleteMailbox")
	_, err = e.s.EnvelopeMatch(e.ctx, a.ID, old.ID, 0, meeting)
	e.wantErr(err, store.ErrNotFound, "EnvelopeMatch of a deleted mailbox")
	e.consistent()
}

func testEnvelopeMatchRefuses(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.addEnvelopes(a.ID, in.ID, matchEnvelopes)
	for _, k := range []store.EnvelopeKey{
		{Field: store.MatchSubject, Value: ""},
		{Field: store.MatchSubject, Value: "nul\x00inside"},
		{Field: store.MatchSubject, Value: "\x01"},
		{Field: store.MatchFrom, Value: "a\x00b"},
		{Field: "message-id", Value: "x"},
	} {
		_, err := e.s.EnvelopeMatch(e.ctx, a.ID, in.ID, 0, []store.EnvelopeKey{k})
		e.wantErr(err, store.ErrInvalid, fmt.Sprintf("EnvelopeMatch(%q)", k))
	}
	bob := e.account("bob@example.com")
	_, err := e.s.EnvelopeMatch(e.ctx, a.ID, e.inbox(bob.ID).ID, 0, []store.EnvelopeKey{{Field: store.MatchSubject, Value: "x"}})
	e.wantErr(err, store.ErrNotFound, "EnvelopeMatch of another account's mailbox")
}
