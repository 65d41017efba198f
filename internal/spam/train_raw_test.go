package spam_test

import (
	"errors"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/spam"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// TrainRaw counts a message once however often it is given; into the
// account's counts and its domain's, or the domain's alone (once, not
// twice); one domain's training is not another's; only an operator, or
// the domain's administrator for his domain, trains.
func TestTrainRaw_onceByContentAndScoped(t *testing.T) {
	b := testbed.New(t)
	l := &spam.Learner{Store: b.Store, Blobs: b.Blobs}
	kim := b.Account("kim", nil)
	boss := b.Account("boss", func(a *store.Account) { a.Admin = true })
	raw := []byte("From: promo@deals.test\r\nSubject: 무료 대출\r\n\r\n무료 상담\r\n")
	tokens := []string{"s:무료", "무료"}

	for i, want := range []bool{true, false} {
		changed, err := l.TrainRaw(b.Ctx, actor.CommandLine, kim.DomainID, kim.ID, raw, true)
		if err != nil || changed != want {
			t.Fatalf("training %d: changed %v, %v; want %v", i+1, changed, err, want)
		}
	}
	if changed, err := l.TrainRaw(b.Ctx, actor.CommandLine, kim.DomainID, 0, raw, true); err != nil || !changed {
		t.Fatalf("the domain's training: %v %v", changed, err)
	}
	dom, acct, err := b.Store.BayesCounts(b.Ctx, kim.DomainID, kim.ID, tokens)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Spam != 1 || acct.Tokens["무료"] != [2]int{1, 0} || dom.Spam != 2 || dom.Tokens["s:무료"] != [2]int{2, 0} {
		t.Errorf("counts: account %+v, domain %+v; want 1 and 2 (account's + domain's own)", acct, dom)
	}

	other := &store.Domain{Name: "other.test"}
	if err := b.Store.CreateDomain(b.Ctx, other); err != nil {
		t.Fatal(err)
	}
	if changed, err := l.TrainRaw(b.Ctx, actor.CommandLine, other.ID, 0, raw, true); err != nil || !changed {
		t.Errorf("another domain's training of the same message: %v %v", changed, err)
	}
	if _, err := l.TrainRaw(b.Ctx, actor.User(boss), boss.DomainID, 0, raw, false); err != nil {
		t.Errorf("the domain's administrator: %v", err)
	}
	for _, c := range []struct {
		a               actor.Actor
		domain, account int64
	}{
		{actor.User(kim), kim.DomainID, kim.ID},
		{actor.User(boss), boss.DomainID, kim.ID},
		{actor.User(boss), other.ID, 0},
		{actor.System(kim.ID, "test"), kim.DomainID, 0},
	} {
		if _, err := l.TrainRaw(b.Ctx, c.a, c.domain, c.account, raw, true); !errors.Is(err, spam.ErrForbidden) {
			t.Errorf("%s training domain %d account %d: %v, want ErrForbidden", c.a.Name, c.domain, c.account, err)
		}
	}
}
