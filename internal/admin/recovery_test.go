package admin

import (
	"errors"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/settings"
	"postroom/internal/store"
)

// The administrator gives a recovery e-mail when creating a user and
// changes it later; it is checked as the user's own setting, kept where
// the user's settings are (his password reset reads it there), refused
// values create and change nothing, and another domain's administrator
// finds no such user.
func TestRecoveryEmail_givenByTheAdministrator(t *testing.T) {
	s, b := newService(t)
	set := &settings.Service{Store: b.Store}
	s.Recovery = set
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))

	_, err := s.CreateUser(b.Ctx, boss, NewAccount{Address: "kim@example.test", Password: "Long-enough-9", RecoveryEmail: "not an address"}, Placement{})
	wantInvalid(t, err, "recovery_email", "invalid_recovery_email")
	_, err = s.CreateUser(b.Ctx, boss, NewAccount{Address: "kim@example.test", Password: "Long-enough-9", RecoveryEmail: "Kim@Example.test"}, Placement{})
	wantInvalid(t, err, "recovery_email", "recovery_is_own_address")
	if _, err := b.Store.AccountByAddress(b.Ctx, "kim@example.test"); err == nil {
		t.Fatal("a refused recovery e-mail created the account")
	}
	kim, err := s.CreateUser(b.Ctx, boss, NewAccount{Address: "kim@example.test", Password: "Long-enough-9", RecoveryEmail: "kim.home@Remote.example"}, Placement{})
	if err != nil {
		t.Fatal(err)
	}
	if own, err := set.ForAccount(b.Ctx, kim.ID); err != nil || own.RecoveryEmail != "kim.home@remote.example" {
		t.Fatalf("the user's setting: %q %v", own.RecoveryEmail, err)
	}
	if v, err := s.RecoveryEmail(b.Ctx, boss, "kim@example.test"); err != nil || v != "kim.home@remote.example" {
		t.Fatalf("read back: %q %v", v, err)
	}

	if v, err := s.SetRecoveryEmail(b.Ctx, boss, "kim@example.test", "kim2@remote.example"); err != nil || v != "kim2@remote.example" {
		t.Fatalf("change: %q %v", v, err)
	}
	_, err = s.SetRecoveryEmail(b.Ctx, boss, "kim@example.test", "kim@example.test")
	wantInvalid(t, err, "recovery_email", "recovery_is_own_address")
	if v, _ := s.RecoveryEmail(b.Ctx, boss, "kim@example.test"); v != "kim2@remote.example" {
		t.Fatalf("a refused change changed it to %q", v)
	}
	if v, err := s.SetRecoveryEmail(b.Ctx, boss, "kim@example.test", ""); err != nil || v != "" {
		t.Fatalf("remove: %q %v", v, err)
	}
	entries, err := b.Store.AuditEntries(b.Ctx, b.Domain.ID, 0, 20)
	if err != nil {
		t.Fatal(err)
	}
	changes := 0
	for _, e := range entries {
		if e.Action == "user.update" && e.Target == "kim@example.test" {
			changes++
		}
	}
	if changes != 2 {
		t.Errorf("%d user.update entries for the two changes: %+v", changes, entries)
	}

	other := &store.Domain{Name: "other.test"}
	if err := b.Store.CreateDomain(b.Ctx, other); err != nil {
		t.Fatal(err)
	}
	eve := actor.User(b.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true }))
	if _, err := s.SetRecoveryEmail(b.Ctx, eve, "kim@example.test", "x@remote.example"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's administrator: %v", err)
	}
	if _, err := s.RecoveryEmail(b.Ctx, eve, "kim@example.test"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's administrator reads: %v", err)
	}
}
