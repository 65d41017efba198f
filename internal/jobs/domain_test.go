package jobs

import (
	"context"
	"errors"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// A domain job (an administrator's bulk job) is read by that domain's
// administrators and tokens, by nobody else: not a user of the domain,
// not another domain's administrator or token. A user's own job stays
// his, even for his domain's administrators and tokens.
func TestGet_domainJobsAreTheDomainAdministrators(t *testing.T) {
	r, b, _ := newRunner(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	colleague := actor.User(b.Account("colleague", func(a *store.Account) { a.Admin = true }))
	alice := actor.User(b.Account("alice", nil))
	other := &store.Domain{Name: "other.test"}
	if err := b.Store.CreateDomain(b.Ctx, other); err != nil {
		t.Fatal(err)
	}
	eve := actor.User(b.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true }))
	token, theirToken := actor.Token(boss.DomainID, "erp"), actor.Token(other.ID, "other-erp")
	r.Register("users_delete", noop)
	r.Register("filter_apply", noop)

	for _, starter := range []actor.Actor{boss, token} {
		j, err := r.SubmitDomain(b.Ctx, starter, "users_delete", nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Wait(b.Ctx, j.ID)
		if j.AccountID != 0 || j.DomainID != boss.DomainID {
			t.Errorf("%s's domain job stored as %+v", starter.Name, j)
		}
		for _, c := range []struct {
			who  actor.Actor
			want bool
		}{{boss, true}, {colleague, true}, {token, true}, {alice, false}, {eve, false}, {theirToken, false}} {
			_, err := r.Get(b.Ctx, c.who, j.ID)
			if got := err == nil; got != c.want || (err != nil && !errors.Is(err, store.ErrNotFound)) {
				t.Errorf("%s reads %s's job: %v, want readable %v", c.who.Name, starter.Name, err, c.want)
			}
		}
	}
	if _, err := r.SubmitDomain(b.Ctx, alice, "users_delete", nil); !errors.Is(err, ErrNotAdmin) {
		t.Errorf("a user's domain job: %v", err)
	}

	own, err := r.Submit(b.Ctx, alice, "filter_apply", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Wait(b.Ctx, own.ID)
	for _, who := range []actor.Actor{boss, token} {
		if _, err := r.Get(b.Ctx, who, own.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s reads alice's own job: %v", who.Name, err)
		}
	}
	if _, err := r.Get(b.Ctx, alice, own.ID); err != nil {
		t.Errorf("alice reads her own job: %v", err)
	}
}

// Tokens have no account: the bound on unfinished jobs counts a domain's
// jobs together, and one domain's do not hold up another's.
func TestSubmitDomain_boundPerDomain(t *testing.T) {
	r, b, _ := newRunner(t)
	r.MaxPerAccount = 1
	other := &store.Domain{Name: "other.test"}
	if err := b.Store.CreateDomain(b.Ctx, other); err != nil {
		t.Fatal(err)
	}
	mine := actor.Token(b.Account("boss", func(a *store.Account) { a.Admin = true }).DomainID, "erp")
	theirs := actor.Token(other.ID, "erp")
	hold := make(chan struct{})
	r.Register("wait", func(context.Context, *Progress, actor.Actor, []byte) (any, error) { <-hold; return nil, nil })
	r.Register("k", noop)
	j, err := r.SubmitDomain(b.Ctx, mine, "wait", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.SubmitDomain(b.Ctx, mine, "k", nil); !errors.Is(err, ErrBusy) {
		t.Errorf("a second job of the domain: %v", err)
	}
	j2, err := r.SubmitDomain(b.Ctx, theirs, "k", nil)
	if err != nil {
		t.Errorf("another domain held up: %v", err)
	}
	close(hold)
	r.Wait(b.Ctx, j.ID)
	if j2 != nil {
		r.Wait(b.Ctx, j2.ID)
	}
}
