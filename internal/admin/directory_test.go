package admin

import (
	"errors"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// The directory is the enabled accounts of the user's own domain, by
// name; another domain's accounts are never in it, and the operator has
// none.
func TestDirectory_ownDomainsEnabledAccountsByName(t *testing.T) {
	s, b := newService(t)
	alice := b.Account("alice", func(a *store.Account) { a.DisplayName = "한지민" })
	b.Account("bob", func(a *store.Account) { a.DisplayName = "김철수"; a.Enabled = false })
	b.Account("carol", func(a *store.Account) { a.DisplayName = "강다은" })
	boss := b.Account("boss", func(a *store.Account) { a.DisplayName = "박부장"; a.Admin = true })
	other, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test")
	if err != nil {
		t.Fatal(err)
	}
	dave := &store.Account{DomainID: other.ID, LocalPart: "dave", DisplayName: "가나다", Enabled: true}
	if err := b.Store.CreateAccount(b.Ctx, dave); err != nil {
		t.Fatal(err)
	}
	dave, _ = b.Store.Account(b.Ctx, dave.ID)

	want := []Entry{{"강다은", "carol@example.test"}, {"박부장", "boss@example.test"}, {"한지민", "alice@example.test"}}
	for _, p := range []actor.Actor{actor.User(alice), actor.User(boss)} {
		got, err := s.Directory(b.Ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %+v, want %+v", p.Name, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: %+v, want %+v", p.Name, got, want)
			}
		}
	}
	if got, err := s.Directory(b.Ctx, actor.User(dave)); err != nil || len(got) != 1 || got[0].Address != "dave@other.test" {
		t.Fatalf("other.test's directory: %+v, %v", got, err)
	}
	for _, p := range []actor.Actor{actor.CommandLine, actor.System(alice.ID, "test"), {Role: actor.RoleUser, AccountID: alice.ID}} {
		if _, err := s.Directory(b.Ctx, p); !errors.Is(err, ErrForbidden) {
			t.Errorf("Directory(%+v): %v, want ErrForbidden", p, err)
		}
	}
}
