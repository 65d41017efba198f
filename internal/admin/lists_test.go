package admin

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

func TestLists_administratorOfTheDomainOrOperator(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	user := actor.User(b.Account("user", nil))
	b.Account("bob", nil)
	in := ListInput{Address: "Sales@Example.test", Name: " 영업팀 ", Members: []string{"bob@example.test", "x@remote.test"}}

	if _, err := s.CreateList(b.Ctx, user, "", in); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a user created a list: %v", err)
	}
	if _, err := s.Lists(b.Ctx, user, "example.test"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a user listed lists: %v", err)
	}
	l, err := s.CreateList(b.Ctx, boss, "", in)
	if err != nil {
		t.Fatal(err)
	}
	if l.Address() != "sales@example.test" || l.Name != "영업팀" || !slices.Equal(l.Members, []string{"bob@example.test", "x@remote.test"}) {
		t.Fatalf("list %+v", l)
	}
	in.Address, in.MembersOnly = "team@example.test", true
	if _, err := s.CreateList(b.Ctx, actor.CommandLine, "example.test", in); err != nil {
		t.Fatalf("the operator: %v", err)
	}
	ls, err := s.Lists(b.Ctx, boss, "")
	if err != nil || len(ls) != 2 || ls[0].LocalPart != "sales" || ls[1].LocalPart != "team" || !ls[1].MembersOnly {
		t.Fatalf("lists %+v, %v", ls, err)
	}
	in.Address, in.Members = "sales@example.test", []string{"bob@example.test"}
	u, err := s.UpdateList(b.Ctx, boss, "", l.ID, in)
	if err != nil || !u.MembersOnly || !slices.Equal(u.Members, []string{"bob@example.test"}) {
		t.Fatalf("updated %+v, %v", u, err)
	}
	if err := s.DeleteList(b.Ctx, user, "", l.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a user deleted a list: %v", err)
	}
	if err := s.DeleteList(b.Ctx, boss, "", l.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MailingList(b.Ctx, boss, "", l.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a deleted list: %v", err)
	}
}

// Another domain's lists do not exist for an administrator: not by id,
// not by name, not in the listing.
func TestLists_anotherDomainIsNotFound(t *testing.T) {
	s, b := newService(t)
	if _, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test"); err != nil {
		t.Fatal(err)
	}
	theirs, err := s.CreateList(b.Ctx, actor.CommandLine, "other.test", ListInput{Address: "sales@other.test", Members: []string{"x@remote.test"}})
	if err != nil {
		t.Fatal(err)
	}
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	in := ListInput{Address: "sales@other.test", Members: []string{"me@remote.test"}}
	if _, err := s.MailingList(b.Ctx, boss, "", theirs.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("read: %v", err)
	}
	if _, err := s.UpdateList(b.Ctx, boss, "", theirs.ID, in); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update: %v", err)
	}
	if err := s.DeleteList(b.Ctx, boss, "", theirs.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete: %v", err)
	}
	if _, err := s.Lists(b.Ctx, boss, "other.test"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("listing by name: %v", err)
	}
	if _, err := s.CreateList(b.Ctx, boss, "", in); err == nil {
		t.Fatal("created a list in another domain")
	} else {
		wantInvalid(t, err, "address", "wrong_domain")
	}
	got, err := s.MailingList(b.Ctx, actor.CommandLine, "other.test", theirs.ID)
	if err != nil || !slices.Equal(got.Members, []string{"x@remote.test"}) {
		t.Fatalf("their list changed: %+v, %v", got, err)
	}
}

func TestLists_validation(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	b.Account("bob", nil)
	if _, err := s.CreateList(b.Ctx, boss, "", ListInput{Address: "sales@example.test"}); err != nil {
		t.Fatal(err)
	}
	many := make([]string, MaxListMembers+1)
	for i := range many {
		many[i] = fmt.Sprintf("m%d@remote.test", i)
	}
	cases := []struct {
		in          ListInput
		field, code string
	}{
		{ListInput{Address: "no-at-sign"}, "address", "invalid_address"},
		{ListInput{Address: "a..b@example.test"}, "address", "invalid_address"},
		{ListInput{Address: "x@remote.test"}, "address", "wrong_domain"},
		{ListInput{Address: "Bob@example.test"}, "address", "address_is_account"},
		{ListInput{Address: "SALES@example.test"}, "address", "list_exists"},
		{ListInput{Address: "new@example.test", Members: []string{"not an address"}}, "members", "invalid_member"},
		{ListInput{Address: "new@example.test", Members: []string{"x@localhost"}}, "members", "invalid_member"},
		{ListInput{Address: "new@example.test", Members: []string{"nobody@example.test"}}, "members", "unknown_member"},
		{ListInput{Address: "new@example.test", Members: []string{"New@example.test"}}, "members", "list_is_member"},
		{ListInput{Address: "new@example.test", Members: many}, "members", "too_many_members"},
		{ListInput{Address: "new@example.test", Name: string(make([]rune, maxNameLength+1))}, "name", "name_too_long"},
	}
	for _, c := range cases {
		_, err := s.CreateList(b.Ctx, boss, "", c.in)
		var ie *InvalidError
		if !errors.As(err, &ie) || ie.Field != c.field || ie.Code != c.code {
			t.Errorf("%+.60v: %v, want %s/%s", c.in, err, c.field, c.code)
		}
	}
	if ls, _ := s.Lists(b.Ctx, boss, ""); len(ls) != 1 {
		t.Fatalf("a refused list was stored: %+v", ls)
	}
	l, err := s.CreateList(b.Ctx, boss, "", ListInput{Address: "team@example.test",
		Members: []string{" Bob@Example.test", "bob@example.test", "", "X@Remote.test", "x@remote.TEST"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Members, []string{"bob@example.test", "x@remote.test"}) {
		t.Fatalf("members not deduplicated case-insensitively: %v", l.Members)
	}
	if _, err := s.UpdateList(b.Ctx, boss, "", l.ID, ListInput{Address: "sales@example.test"}); err == nil {
		t.Fatal("renamed onto another list")
	} else {
		wantInvalid(t, err, "address", "list_exists")
	}
}
