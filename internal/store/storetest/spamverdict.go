package storetest

import (
	"errors"
	"reflect"

	"postroom/internal/store"
)

var spamVerdictTests = []test{
	{"spamVerdict_perAccountReplacedAndGoneWithAccount", testSpamVerdict},
	{"spamVerdict_storedWithTheNewMessage", testSpamVerdictWithMessage},
}

// A delivery's verdict is stored in the transaction of its message: there
// with it, and not there when the message is refused (over quota).
func testSpamVerdictWithMessage(e *env) {
	kim := e.account("kim@example.com")
	inbox := e.inbox(kim.ID)
	v := store.SpamVerdict{Verdict: "spam", Score: 0.91, Reasons: []string{"SPF fail", "광고"}}
	nm := e.newMsg(kim.ID, inbox.ID)
	nm.SpamVerdict = &v
	m := e.add(nm)
	got, err := e.s.SpamVerdict(e.ctx, kim.ID, m.BlobKey)
	e.ok(err, "SpamVerdict of the new message")
	if !reflect.DeepEqual(got, v) {
		e.Errorf("verdict %+v, want %+v", got, v)
	}
	plain := e.newMsg(kim.ID, inbox.ID)
	plain.BlobKey = "blob-without-verdict"
	e.add(plain)
	if _, err := e.s.SpamVerdict(e.ctx, kim.ID, plain.BlobKey); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("a message stored without a verdict has one: err %v", err)
	}
	kim.QuotaBytes = 1
	e.ok(e.s.UpdateAccount(e.ctx, kim), "UpdateAccount")
	refused := e.newMsg(kim.ID, inbox.ID)
	refused.BlobKey, refused.SpamVerdict = "blob-refused", &v
	if _, err := e.s.AppendMessage(e.ctx, refused); !errors.Is(err, store.ErrOverQuota) {
		e.Fatalf("append over quota: %v", err)
	}
	if _, err := e.s.SpamVerdict(e.ctx, kim.ID, refused.BlobKey); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("a refused message left its verdict: err %v", err)
	}
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
