package storetest

import "postroom/internal/store"

var loginEpochTests = []test{
	{"loginEpoch_movesWithWhatALoginDependsOn", testLoginEpochMoves},
	{"loginEpoch_staysForOtherChanges", testLoginEpochStays},
}

// epoch reads the store's login epoch.
func (e *env) epoch() int64 {
	e.Helper()
	n, err := e.s.LoginEpoch(e.ctx)
	e.ok(err, "LoginEpoch")
	return n
}

// moved runs change and fails unless the login epoch moved.
func (e *env) moved(what string, change func()) {
	e.Helper()
	before := e.epoch()
	change()
	if after := e.epoch(); after == before {
		e.Errorf("%s: the login epoch stayed at %d", what, before)
	}
}

func testLoginEpochMoves(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	update := func(edit func(a *store.Account)) func() {
		return func() {
			got, err := e.s.Account(e.ctx, a.ID)
			e.ok(err, "Account")
			edit(got)
			e.ok(e.s.UpdateAccount(e.ctx, got), "UpdateAccount")
		}
	}
	e.moved("password changed", update(func(a *store.Account) { a.PasswordHash = "$argon2id$new" }))
	e.moved("suspended", update(func(a *store.Account) { a.Enabled = false }))
	e.moved("enabled again", update(func(a *store.Account) { a.Enabled = true }))
	e.moved("mail clients off", update(func(a *store.Account) { a.ClientAccess = false }))
	e.moved("account removed", func() { e.ok(e.s.DeleteAccount(e.ctx, b.ID), "DeleteAccount") })
	d, err := e.s.DomainByID(e.ctx, a.DomainID)
	e.ok(err, "DomainByID")
	e.moved("domain on hold", func() {
		d.Suspended = true
		e.ok(e.s.UpdateDomain(e.ctx, d), "UpdateDomain")
	})
	e.moved("domain removed", func() { e.ok(e.s.DeleteDomain(e.ctx, d.ID), "DeleteDomain") })
}

// Deliveries, flags and an account's other settings change all day; they
// must not send every session back to a full check.
func testLoginEpochStays(e *env) {
	a := e.account("alice@example.com")
	before := e.epoch()
	got, err := e.s.Account(e.ctx, a.ID)
	e.ok(err, "Account")
	got.DisplayName, got.QuotaBytes, got.Language = "앨리스", 1<<30, "en"
	e.ok(e.s.UpdateAccount(e.ctx, got), "UpdateAccount")
	e.ok(e.s.SetAccountLocale(e.ctx, a.ID, "ko", "Asia/Seoul"), "SetAccountLocale")
	e.put(a.ID, e.inbox(a.ID).ID)
	d, err := e.s.DomainByID(e.ctx, a.DomainID)
	e.ok(err, "DomainByID")
	d.QuotaBytes = 1 << 40
	e.ok(e.s.UpdateDomain(e.ctx, d), "UpdateDomain")
	e.ok(e.s.UpdateAccount(e.ctx, got), "UpdateAccount unchanged")
	if after := e.epoch(); after != before {
		e.Errorf("the login epoch moved from %d to %d with no change a login depends on", before, after)
	}
}
