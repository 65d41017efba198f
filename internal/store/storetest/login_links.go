package storetest

import (
	"sync"
	"time"

	"postroom/internal/store"
)

var loginLinkTests = []test{
	{"loginLinks_usedOnceBeforeExpiry", testLoginLinks},
	{"loginLinks_raceOneWins", testLoginLinksRace},
	{"loginLinks_accountGoneAndCleanup", testLoginLinksGone},
}

func (e *env) loginLink(a *store.Account, hash string, expires time.Time) *store.LoginLink {
	e.Helper()
	l := &store.LoginLink{Hash: hash, AccountID: a.ID, DomainID: a.DomainID, CreatedBy: "token 인사", Expires: expires}
	e.ok(e.s.CreateLoginLink(e.ctx, l), "CreateLoginLink")
	return l
}

func testLoginLinks(e *env) {
	a := e.account("bob@example.com")
	t0 := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	e.loginLink(a, "h1", t0.Add(2*time.Minute))
	e.wantErr(e.s.CreateLoginLink(e.ctx, &store.LoginLink{Hash: "h1", AccountID: a.ID, DomainID: a.DomainID, Expires: t0}), store.ErrExists, "a hash twice")
	_, err := e.s.UseLoginLink(e.ctx, "nope", t0)
	e.wantErr(err, store.ErrNotFound, "an unknown link")
	got, err := e.s.UseLoginLink(e.ctx, "h1", t0.Add(time.Minute))
	e.ok(err, "UseLoginLink")
	if got.AccountID != a.ID || got.DomainID != a.DomainID || got.CreatedBy != "token 인사" || !got.Expires.Equal(t0.Add(2*time.Minute)) ||
		!got.Used.Equal(t0.Add(time.Minute)) {
		e.Errorf("used link: %+v", got)
	}
	_, err = e.s.UseLoginLink(e.ctx, "h1", t0.Add(time.Minute))
	e.wantErr(err, store.ErrNotFound, "a link used twice")

	e.loginLink(a, "h2", t0.Add(2*time.Minute))
	_, err = e.s.UseLoginLink(e.ctx, "h2", t0.Add(2*time.Minute))
	e.wantErr(err, store.ErrNotFound, "a link at its expiry")
	if _, err := e.s.UseLoginLink(e.ctx, "h2", t0.Add(2*time.Minute-time.Nanosecond)); err != nil {
		e.Errorf("the expiry refused a use just before it: %v", err)
	}
}

func testLoginLinksRace(e *env) {
	a := e.account("bob@example.com")
	t0 := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	e.loginLink(a, "race", t0.Add(time.Minute))
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Go(func() {
			if _, err := e.s.UseLoginLink(e.ctx, "race", t0); err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if won != 1 {
		e.Errorf("%d uses of one link succeeded, want 1", won)
	}
}

func testLoginLinksGone(e *env) {
	a, b := e.account("bob@example.com"), e.account("carol@example.com")
	t0 := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	e.loginLink(a, "gone", t0.Add(time.Minute))
	e.loginLink(b, "old", t0.Add(-time.Minute))
	e.loginLink(b, "fresh", t0.Add(time.Minute))
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	_, err := e.s.UseLoginLink(e.ctx, "gone", t0)
	e.wantErr(err, store.ErrNotFound, "the link of a removed account")
	n, err := e.s.DeleteLoginLinks(e.ctx, t0)
	e.ok(err, "DeleteLoginLinks")
	if n != 1 {
		e.Errorf("DeleteLoginLinks removed %d, want 1 (the expired one)", n)
	}
	if _, err := e.s.UseLoginLink(e.ctx, "fresh", t0); err != nil {
		e.Errorf("a live link after the cleanup: %v", err)
	}
}
