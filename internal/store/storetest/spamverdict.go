package storetest

import (
	"errors"
	"reflect"

	"postroom/internal/store"
)

var spamVerdictTests = []test{
	{"spamVerdict_perAccountReplacedAndGoneWithAccount", testSpamVerdict},
}

func testSpamVerdict(e *env) {
	kim := e.account("kim@example.com")
	lee := e.account("lee@example.com")
	if _, err := e.s.SpamVerdict(e.ctx, kim.ID, "blob-a"); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("a message without a verdict: err %v, want ErrNotFound", err)
	}
	spamV := store.SpamVerdict{Verdict: "spam", Score: 0.97, Reasons: []string{"learned 0.97", "무료", "대출"}}
	e.ok(e.s.SetSpamVerdict(e.ctx, kim.ID, "blob-a", spamV), "SetSpamVerdict")
	got, err := e.s.SpamVerdict(e.ctx, kim.ID, "blob-a")
	e.ok(err, "SpamVerdict")
	if !reflect.DeepEqual(got, spamV) {
		e.Errorf("verdict %+v, want %+v", got, spamV)
	}
	// another account's copy of the same blob has its own (none here)
	if _, err := e.s.SpamVerdict(e.ctx, lee.ID, "blob-a"); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("lee reads kim's verdict: err %v", err)
	}
	ham := store.SpamVerdict{Verdict: "ham", Score: 0, Reasons: []string{}}
	e.ok(e.s.SetSpamVerdict(e.ctx, kim.ID, "blob-a", store.SpamVerdict{Verdict: "ham"}), "SetSpamVerdict again")
	got, err = e.s.SpamVerdict(e.ctx, kim.ID, "blob-a")
	e.ok(err, "SpamVerdict after replacing")
	if !reflect.DeepEqual(got, ham) {
		e.Errorf("replaced verdict %+v, want %+v", got, ham)
	}
	e.ok(e.s.DeleteAccount(e.ctx, kim.ID), "DeleteAccount")
	if _, err := e.s.SpamVerdict(e.ctx, kim.ID, "blob-a"); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("a deleted account's verdict: err %v", err)
	}
}
