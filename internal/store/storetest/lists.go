package storetest

import (
	"errors"
	"slices"

	"postroom/internal/store"
)

var listTests = []test{
	{"lists_createReadUpdateDelete", testListsCRUD},
	{"lists_addressTakenByListOrAccount", testListsTaken},
	{"lists_otherDomainIsNotFound", testListsTenancy},
	{"lists_goWithTheDomain", testListsDomainDeleted},
}

func (e *env) list(domain, local string, members ...string) *store.List {
	e.Helper()
	l := &store.List{DomainID: e.domain(domain).ID, LocalPart: local, Name: "List " + local, Members: members}
	e.ok(e.s.CreateList(e.ctx, l), "CreateList")
	if l.ID == 0 || l.Domain != domain {
		e.Fatalf("CreateList left ID %d, domain %q", l.ID, l.Domain)
	}
	return l
}

func testListsCRUD(e *env) {
	l := e.list("example.com", "Sales", "bob@example.com", "x@remote.test")
	got, err := e.s.List(e.ctx, l.DomainID, l.ID)
	e.ok(err, "List")
	if got.LocalPart != "sales" || got.Address() != "sales@example.com" || got.Name != "List Sales" ||
		!slices.Equal(got.Members, []string{"bob@example.com", "x@remote.test"}) || got.MembersOnly || got.CreatedAt.IsZero() {
		e.Errorf("read back: %+v", got)
	}
	byLocal, err := e.s.ListByLocalPart(e.ctx, l.DomainID, "SALES")
	e.ok(err, "ListByLocalPart")
	if byLocal.ID != l.ID {
		e.Errorf("ListByLocalPart found %d, want %d", byLocal.ID, l.ID)
	}
	e.list("example.com", "all")
	got.LocalPart, got.Name, got.Members, got.MembersOnly = "team", "영업팀", []string{"carol@example.com"}, true
	e.ok(e.s.UpdateList(e.ctx, got), "UpdateList")
	ls, err := e.s.Lists(e.ctx, l.DomainID)
	e.ok(err, "Lists")
	if len(ls) != 2 || ls[0].LocalPart != "all" || ls[0].Members == nil || len(ls[0].Members) != 0 ||
		ls[1].LocalPart != "team" || ls[1].Name != "영업팀" || !ls[1].MembersOnly || !slices.Equal(ls[1].Members, []string{"carol@example.com"}) {
		e.Errorf("after update: %+v", ls)
	}
	if _, err := e.s.ListByLocalPart(e.ctx, l.DomainID, "sales"); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("old address after rename: %v", err)
	}
	e.ok(e.s.DeleteList(e.ctx, l.DomainID, l.ID), "DeleteList")
	if _, err := e.s.List(e.ctx, l.DomainID, l.ID); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("List after delete: %v", err)
	}
	if err := e.s.DeleteList(e.ctx, l.DomainID, l.ID); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("DeleteList twice: %v", err)
	}
	if err := e.s.CreateList(e.ctx, &store.List{DomainID: l.DomainID}); !errors.Is(err, store.ErrInvalid) {
		e.Errorf("empty local part: %v", err)
	}
	if err := e.s.CreateList(e.ctx, &store.List{DomainID: 999999, LocalPart: "x"}); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("missing domain: %v", err)
	}
}

// A list's address is one address of the domain: no second list and no
// account may have it, in any case.
func testListsTaken(e *env) {
	e.account("bob@example.com")
	l := e.list("example.com", "sales")
	d := e.domain("example.com")
	for _, local := range []string{"SALES", "bob", "Bob"} {
		if err := e.s.CreateList(e.ctx, &store.List{DomainID: d.ID, LocalPart: local}); !errors.Is(err, store.ErrExists) {
			e.Errorf("CreateList(%q): %v, want ErrExists", local, err)
		}
	}
	e.list("example.com", "other")
	for _, local := range []string{"other", "bob"} {
		u := *l
		u.LocalPart = local
		if err := e.s.UpdateList(e.ctx, &u); !errors.Is(err, store.ErrExists) {
			e.Errorf("UpdateList to %q: %v, want ErrExists", local, err)
		}
	}
	e.list("example.org", "sales") // another domain's address
}

func testListsTenancy(e *env) {
	mine := e.list("example.com", "sales", "bob@example.com")
	other := e.domain("example.org")
	if _, err := e.s.List(e.ctx, other.ID, mine.ID); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("List from another domain: %v", err)
	}
	if _, err := e.s.ListByLocalPart(e.ctx, other.ID, "sales"); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("ListByLocalPart from another domain: %v", err)
	}
	if ls, err := e.s.Lists(e.ctx, other.ID); err != nil || len(ls) != 0 {
		e.Errorf("Lists of another domain: %v, %v", ls, err)
	}
	u := *mine
	u.DomainID, u.Members = other.ID, nil
	if err := e.s.UpdateList(e.ctx, &u); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("UpdateList from another domain: %v", err)
	}
	if err := e.s.DeleteList(e.ctx, other.ID, mine.ID); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("DeleteList from another domain: %v", err)
	}
	got, err := e.s.List(e.ctx, mine.DomainID, mine.ID)
	e.ok(err, "List")
	if !slices.Equal(got.Members, []string{"bob@example.com"}) {
		e.Errorf("changed by another domain: %+v", got)
	}
}

func testListsDomainDeleted(e *env) {
	l := e.list("example.com", "sales", "x@remote.test")
	e.ok(e.s.DeleteDomain(e.ctx, l.DomainID), "DeleteDomain")
	d := e.domain("example.com")
	if ls, err := e.s.Lists(e.ctx, d.ID); err != nil || len(ls) != 0 {
		e.Errorf("lists of a new domain of the same name: %v, %v", ls, err)
	}
	if ls, err := e.s.Lists(e.ctx, l.DomainID); err != nil || len(ls) != 0 {
		e.Errorf("lists of the deleted domain: %v, %v", ls, err)
	}
}
