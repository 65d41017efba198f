package storetest

import (
	"errors"
	"slices"
	"time"

	"postroom/internal/store"
)

var externalAccountTests = []test{
	{"external_createReadUpdateDelete", testExternalCRUD},
	{"external_limitPerAccount", testExternalLimit},
	{"external_otherAccountIsNotFound", testExternalTenancy},
	{"external_claimDueTakesOnlyDueEnabledUnleased", testExternalClaimDue},
	{"external_claimRespectsAnotherOwnersLease", testExternalClaimLease},
	{"external_finishNeedsTheLease", testExternalFinish},
	{"external_uidlsKeptAndPruned", testExternalUIDLs},
	{"external_goWithTheAccount", testExternalAccountDeleted},
}

func (e *env) external(accountID int64, name string, next time.Time) *store.ExternalAccount {
	e.Helper()
	x := &store.ExternalAccount{AccountID: accountID, Name: name, Protocol: "pop3", Host: "pop.example.net", Port: 995,
		Security: "tls", User: "kim", Password: []byte{1, 2, 3}, Folder: "INBOX", Leave: true, EveryMinutes: 10,
		Enabled: true, NextRun: next}
	e.ok(e.s.CreateExternalAccount(e.ctx, x, 5), "CreateExternalAccount")
	if x.ID == 0 {
		e.Fatalf("CreateExternalAccount left ID 0")
	}
	return x
}

func testExternalCRUD(e *env) {
	a := e.account("alice@example.com")
	x := e.external(a.ID, "old mail", baseTime)
	got, err := e.s.ExternalAccount(e.ctx, a.ID, x.ID)
	e.ok(err, "ExternalAccount")
	if got.Name != "old mail" || got.Host != "pop.example.net" || got.Port != 995 || !got.Leave || !got.Enabled ||
		!slices.Equal(got.Password, []byte{1, 2, 3}) || !got.NextRun.Equal(baseTime) || !got.LastRun.IsZero() {
		e.Errorf("read back %+v", got)
	}
	x.Name, x.Protocol, x.AllFolders, x.Leave, x.NextRun, x.Password = "imap", "imap", true, false, time.Time{}, []byte{9}
	e.ok(e.s.UpdateExternalAccount(e.ctx, x), "UpdateExternalAccount")
	list, err := e.s.ExternalAccounts(e.ctx, a.ID)
	e.ok(err, "ExternalAccounts")
	if len(list) != 1 || list[0].Name != "imap" || !list[0].AllFolders || list[0].Leave || !list[0].NextRun.IsZero() ||
		!slices.Equal(list[0].Password, []byte{9}) {
		e.Errorf("after update: %+v", list)
	}
	e.ok(e.s.DeleteExternalAccount(e.ctx, a.ID, x.ID), "DeleteExternalAccount")
	if _, err := e.s.ExternalAccount(e.ctx, a.ID, x.ID); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("deleted external account: %v, want ErrNotFound", err)
	}
}

func testExternalLimit(e *env) {
	a := e.account("alice@example.com")
	for range 5 {
		e.external(a.ID, "x", time.Time{})
	}
	err := e.s.CreateExternalAccount(e.ctx, &store.ExternalAccount{AccountID: a.ID, Name: "sixth", Password: []byte{}}, 5)
	if !errors.Is(err, store.ErrTooMany) {
		e.Errorf("sixth external account: %v, want ErrTooMany", err)
	}
}

func testExternalTenancy(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.org")
	x := e.external(a.ID, "alice's", baseTime)
	if _, err := e.s.ExternalAccount(e.ctx, b.ID, x.ID); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("another's ExternalAccount: %v", err)
	}
	y := *x
	y.AccountID, y.Name = b.ID, "stolen"
	if err := e.s.UpdateExternalAccount(e.ctx, &y); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("another's UpdateExternalAccount: %v", err)
	}
	if err := e.s.DeleteExternalAccount(e.ctx, b.ID, x.ID); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("another's DeleteExternalAccount: %v", err)
	}
	if _, err := e.s.ClaimExternalAccount(e.ctx, b.ID, x.ID, "n1", baseTime, time.Minute); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("another's ClaimExternalAccount: %v", err)
	}
	if list, _ := e.s.ExternalAccounts(e.ctx, b.ID); len(list) != 0 {
		e.Errorf("bob lists alice's: %+v", list)
	}
}

func externalIDs(xs []store.ExternalAccount) []int64 {
	var out []int64
	for _, x := range xs {
		out = append(out, x.ID)
	}
	slices.Sort(out)
	return out
}

func testExternalClaimDue(e *env) {
	a := e.account("alice@example.com")
	due := e.external(a.ID, "due", baseTime.Add(-time.Minute))
	e.external(a.ID, "later", baseTime.Add(time.Minute))
	e.external(a.ID, "manual", time.Time{})
	off := e.external(a.ID, "off", baseTime.Add(-time.Minute))
	off.Enabled = false
	e.ok(e.s.UpdateExternalAccount(e.ctx, off), "UpdateExternalAccount")
	got, err := e.s.ClaimDueExternalAccounts(e.ctx, "n1", baseTime, time.Minute, 10)
	e.ok(err, "ClaimDueExternalAccounts")
	if !slices.Equal(externalIDs(got), []int64{due.ID}) || got[0].LeaseOwner != "n1" {
		e.Fatalf("claimed %+v, want only %d", got, due.ID)
	}
	again, err := e.s.ClaimDueExternalAccounts(e.ctx, "n2", baseTime.Add(30*time.Second), time.Minute, 10)
	e.ok(err, "ClaimDueExternalAccounts")
	if len(again) != 0 {
		e.Errorf("a leased account was claimed again: %+v", again)
	}
	after, err := e.s.ClaimDueExternalAccounts(e.ctx, "n2", baseTime.Add(2*time.Minute), time.Minute, 10)
	e.ok(err, "ClaimDueExternalAccounts")
	if len(after) != 2 { // the expired lease and "later"
		e.Errorf("after the lease ended: %v, want 2 accounts", externalIDs(after))
	}
}

func testExternalClaimLease(e *env) {
	a := e.account("alice@example.com")
	x := e.external(a.ID, "x", time.Time{})
	_, err := e.s.ClaimExternalAccount(e.ctx, a.ID, x.ID, "n1", baseTime, time.Minute)
	e.ok(err, "ClaimExternalAccount")
	if _, err := e.s.ClaimExternalAccount(e.ctx, a.ID, x.ID, "n2", baseTime.Add(time.Second), time.Minute); !errors.Is(err, store.ErrConflict) {
		e.Errorf("claim of a leased account: %v, want ErrConflict", err)
	}
	if _, err := e.s.ClaimExternalAccount(e.ctx, a.ID, x.ID, "n2", baseTime.Add(2*time.Minute), time.Minute); err != nil {
		e.Errorf("claim after the lease ended: %v", err)
	}
}

func testExternalFinish(e *env) {
	a := e.account("alice@example.com")
	x := e.external(a.ID, "x", baseTime)
	_, err := e.s.ClaimExternalAccount(e.ctx, a.ID, x.ID, "n1", baseTime, time.Minute)
	e.ok(err, "ClaimExternalAccount")
	x.LastRun, x.LastImported, x.LastSkipped, x.LastError, x.LastErrorKind, x.Failures = baseTime, 3, 1, "refused", "login", 2
	x.NextRun = baseTime.Add(time.Hour)
	if err := e.s.FinishExternalFetch(e.ctx, x, "n2"); !errors.Is(err, store.ErrConflict) {
		e.Errorf("finish by another owner: %v, want ErrConflict", err)
	}
	e.ok(e.s.FinishExternalFetch(e.ctx, x, "n1"), "FinishExternalFetch")
	got, err := e.s.ExternalAccount(e.ctx, a.ID, x.ID)
	e.ok(err, "ExternalAccount")
	if !got.LastRun.Equal(baseTime) || got.LastImported != 3 || got.LastSkipped != 1 || got.LastErrorKind != "login" ||
		got.Failures != 2 || !got.NextRun.Equal(baseTime.Add(time.Hour)) || got.LeaseOwner != "" || !got.LeaseUntil.IsZero() {
		e.Errorf("after finish: %+v", got)
	}
	if _, err := e.s.ClaimExternalAccount(e.ctx, a.ID, x.ID, "n2", baseTime, time.Minute); err != nil {
		e.Errorf("claim after finish: %v", err)
	}
}

func testExternalUIDLs(e *env) {
	a := e.account("alice@example.com")
	x, y := e.external(a.ID, "x", time.Time{}), e.external(a.ID, "y", time.Time{})
	for _, u := range []string{"a", "b", "c", "a"} {
		e.ok(e.s.AddExternalUIDL(e.ctx, x.ID, u, baseTime), "AddExternalUIDL")
	}
	e.ok(e.s.AddExternalUIDL(e.ctx, y.ID, "z", baseTime), "AddExternalUIDL")
	e.ok(e.s.KeepExternalUIDLs(e.ctx, x.ID, []string{"b", "c", "d"}), "KeepExternalUIDLs")
	got, err := e.s.ExternalUIDLs(e.ctx, x.ID)
	e.ok(err, "ExternalUIDLs")
	if len(got) != 2 || !got["b"] || !got["c"] {
		e.Errorf("uidls of x: %v, want b c", got)
	}
	e.ok(e.s.DeleteExternalAccount(e.ctx, a.ID, y.ID), "DeleteExternalAccount")
	if got, _ := e.s.ExternalUIDLs(e.ctx, y.ID); len(got) != 0 {
		e.Errorf("uidls of a deleted external account: %v", got)
	}
}

func testExternalAccountDeleted(e *env) {
	a := e.account("alice@example.com")
	x := e.external(a.ID, "x", baseTime)
	e.ok(e.s.AddExternalUIDL(e.ctx, x.ID, "u", baseTime), "AddExternalUIDL")
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	if got, _ := e.s.ClaimDueExternalAccounts(e.ctx, "n", baseTime.Add(time.Hour), time.Minute, 10); len(got) != 0 {
		e.Errorf("a deleted account's external accounts are still due: %+v", got)
	}
	if got, _ := e.s.ExternalUIDLs(e.ctx, x.ID); len(got) != 0 {
		e.Errorf("uidls of a deleted account: %v", got)
	}
}
