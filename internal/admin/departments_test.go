package admin

import (
	"errors"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// A domain's administrators build its department tree and place its
// people; its users read the chart; another domain's administrator
// finds none of it; a user changes nothing.
func TestDepartments_treePlacesAndChart(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true; a.DisplayName = "김대표" }))
	alice := actor.User(b.Account("alice", func(a *store.Account) { a.DisplayName = "이영희" }))
	b.Account("gone", func(a *store.Account) { a.Enabled = false; a.DisplayName = "퇴사자" })
	other, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test")
	if err != nil {
		t.Fatal(err)
	}
	eve, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "eve@other.test", Password: "long-enough-pass-1", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	eveA := actor.User(eve)
	_ = other

	sales, err := s.CreateDepartment(b.Ctx, boss, "", "영업본부", 0)
	if err != nil {
		t.Fatal(err)
	}
	team, err := s.CreateDepartment(b.Ctx, boss, "", " 영업1팀 ", sales.ID)
	if err != nil || team.Name != "영업1팀" {
		t.Fatalf("sub-department: %+v %v", team, err)
	}
	_, err = s.CreateDepartment(b.Ctx, boss, "", "영업1팀", sales.ID)
	wantInvalid(t, err, "name", "department_exists")
	_, err = s.CreateDepartment(b.Ctx, boss, "", "", 0)
	wantInvalid(t, err, "name", "name_required")
	_, err = s.UpdateDepartment(b.Ctx, boss, "", sales.ID, "영업본부", team.ID)
	wantInvalid(t, err, "parent", "invalid_parent")
	if err := s.PlaceAccount(b.Ctx, boss, "alice@example.test", Placement{Department: team.ID, Position: "과장", Phone: "02-123-4567"}); err != nil {
		t.Fatal(err)
	}

	if _, err := s.CreateDepartment(b.Ctx, alice, "", "몰래", 0); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user creates a department: %v", err)
	}
	if err := s.PlaceAccount(b.Ctx, alice, "alice@example.test", Placement{Position: "사장"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user places himself: %v", err)
	}
	if err := s.DeleteDepartment(b.Ctx, eveA, "", team.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's administrator deletes ours: %v", err)
	}
	if _, err := s.UpdateDepartment(b.Ctx, eveA, "", team.ID, "뺏기", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's administrator renames ours: %v", err)
	}
	err = s.PlaceAccount(b.Ctx, eveA, "eve@other.test", Placement{Department: team.ID})
	wantInvalid(t, err, "department", "invalid_department")
	if err := s.PlaceAccount(b.Ctx, eveA, "alice@example.test", Placement{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's administrator places our user: %v", err)
	}

	chart, err := s.Org(b.Ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(chart.Departments) != 2 || chart.Departments[0].Name != "영업본부" || chart.Departments[1].Depth != 1 {
		t.Fatalf("departments: %+v", chart.Departments)
	}
	if ms := chart.Departments[1].Members; len(ms) != 1 || ms[0].Name != "이영희" || ms[0].Position != "과장" || !ms[0].Current {
		t.Errorf("영업1팀: %+v", ms)
	}
	for _, m := range chart.Unassigned {
		if m.Name == "퇴사자" {
			t.Errorf("a user sees a disabled account: %+v", m)
		}
	}
	if theirs, err := s.Org(b.Ctx, eveA); err != nil || len(theirs.Departments) != 0 || len(theirs.Unassigned) != 1 {
		t.Errorf("other.test's chart: %+v %v", theirs, err)
	}
	if err := s.DeleteDepartment(b.Ctx, boss, "", sales.ID); err == nil {
		t.Error("deleted a department with a sub-department")
	}
	if err := s.DeleteDepartment(b.Ctx, boss, "", team.ID); err != nil {
		t.Fatal(err)
	}
	chart, _ = s.Org(b.Ctx, boss)
	found := false
	for _, m := range chart.Unassigned {
		found = found || (m.Name == "이영희" && m.Position == "과장")
	}
	if !found {
		t.Errorf("alice after her department went: %+v", chart.Unassigned)
	}
}
