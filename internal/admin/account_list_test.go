package admin

import (
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// An account and a mailing list never share an address, whichever comes
// first: an account at a list's address would take its mail (delivery
// finds accounts first) and the list would silently stop receiving.
func TestCreateAccount_refusesAListsAddress(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	b.Account("bob", nil)
	if _, err := s.CreateList(b.Ctx, boss, "", ListInput{Address: "sales@example.test", Members: []string{"bob@example.test"}}); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "Sales@Example.test", Password: "Long-enough-9"})
	wantInvalid(t, err, "email", "address_taken_by_list")
	_, err = s.CreateUser(b.Ctx, boss, NewAccount{Address: "sales@example.test", Password: "Long-enough-9"}, Placement{})
	wantInvalid(t, err, "email", "address_taken_by_list")
	if _, err := b.Store.AccountByAddress(b.Ctx, "sales@example.test"); err == nil {
		t.Fatal("an account was made at the list's address")
	}
	_, err = s.CreateList(b.Ctx, boss, "", ListInput{Address: "bob@example.test"})
	wantInvalid(t, err, "address", "address_is_account")
	if _, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "sales2@example.test", Password: "Long-enough-9"}); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

// New accounts take the domain's default language and time zone, set by
// its administrator (M1).
func TestCreateAccount_takesTheDomainDefaults(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	en, paris := "en", "Europe/Paris"
	if _, err := s.UpdateDomain(b.Ctx, boss, "example.test", DomainChange{Language: &en, TimeZone: &paris}); err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateUser(b.Ctx, boss, NewAccount{Address: "new@example.test", Password: "Long-enough-9"}, Placement{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Language != "en" || a.TimeZone != "Europe/Paris" {
		t.Fatalf("new account %s %s", a.Language, a.TimeZone)
	}
	ko, seoul := "ko", "Asia/Seoul"
	if _, err := s.UpdateDomain(b.Ctx, boss, "example.test", DomainChange{Language: &ko, TimeZone: &seoul}); err != nil {
		t.Fatal(err)
	}
	a, err = s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "next@example.test", Password: "Long-enough-9"})
	if err != nil || a.Language != "ko" || a.TimeZone != "Asia/Seoul" {
		t.Fatalf("next account %+v %v", a, err)
	}
}
