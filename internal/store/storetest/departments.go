package storetest

import (
	"postroom/internal/store"
)

var departmentTests = []test{
	{"departments_treeCountsAndPlaces", testDepartmentsTree},
	{"departments_noCyclesNoTwinsNoOrphans", testDepartmentsRules},
	{"departments_otherDomainIsNotFound", testDepartmentsTenancy},
	{"departments_goWithAccountAndDomain", testDepartmentsGone},
}

func (e *env) department(domainID, parent int64, name string) *store.Department {
	e.Helper()
	d := &store.Department{DomainID: domainID, ParentID: parent, Name: name}
	e.ok(e.s.CreateDepartment(e.ctx, d), "CreateDepartment "+name)
	if d.ID == 0 {
		e.Fatalf("CreateDepartment %s left ID 0", name)
	}
	return d
}

func (e *env) departmentMembers(domainID int64) map[string]int {
	e.Helper()
	ds, err := e.s.Departments(e.ctx, domainID)
	e.ok(err, "Departments")
	out := map[string]int{}
	for _, d := range ds {
		out[d.Name] = d.Members
	}
	return out
}

func testDepartmentsTree(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	dom := a.DomainID
	sales := e.department(dom, 0, "영업본부")
	team := e.department(dom, sales.ID, "영업1팀")
	e.ok(e.s.SetAccountOrg(e.ctx, dom, store.AccountOrg{AccountID: a.ID, DepartmentID: team.ID, Position: "과장", Phone: "02-123-4567"}), "place alice")
	e.ok(e.s.SetAccountOrg(e.ctx, dom, store.AccountOrg{AccountID: b.ID, DepartmentID: team.ID}), "place bob")
	e.ok(e.s.SetAccountOrg(e.ctx, dom, store.AccountOrg{AccountID: b.ID, DepartmentID: sales.ID, Position: "본부장"}), "move bob")
	if got := e.departmentMembers(dom); got["영업본부"] != 1 || got["영업1팀"] != 1 {
		e.Errorf("members: %v", got)
	}
	orgs, err := e.s.AccountOrgs(e.ctx, dom)
	e.ok(err, "AccountOrgs")
	if o := orgs[a.ID]; o.DepartmentID != team.ID || o.Position != "과장" || o.Phone != "02-123-4567" {
		e.Errorf("alice's place: %+v", o)
	}
	if o := orgs[b.ID]; o.DepartmentID != sales.ID || o.Position != "본부장" {
		e.Errorf("bob's place: %+v", o)
	}
	team.Name = "영업2팀"
	e.ok(e.s.UpdateDepartment(e.ctx, team), "rename")
	e.wantErr(e.s.DeleteDepartment(e.ctx, dom, sales.ID), store.ErrHasChildren, "delete a parent")
	e.ok(e.s.DeleteDepartment(e.ctx, dom, team.ID), "delete a leaf")
	orgs, _ = e.s.AccountOrgs(e.ctx, dom)
	if o := orgs[a.ID]; o.DepartmentID != 0 || o.Position != "과장" {
		e.Errorf("alice after her department went: %+v", o)
	}
}

func testDepartmentsRules(e *env) {
	a := e.account("alice@example.com")
	dom := a.DomainID
	top := e.department(dom, 0, "본사")
	mid := e.department(dom, top.ID, "개발")
	low := e.department(dom, mid.ID, "플랫폼")
	top.ParentID = low.ID
	e.wantErr(e.s.UpdateDepartment(e.ctx, top), store.ErrInvalid, "a cycle")
	top.ParentID = top.ID
	e.wantErr(e.s.UpdateDepartment(e.ctx, top), store.ErrInvalid, "its own parent")
	e.wantErr(e.s.CreateDepartment(e.ctx, &store.Department{DomainID: dom, ParentID: top.ID, Name: "개발"}), store.ErrExists, "a twin")
	e.department(dom, 0, "개발") // the same name elsewhere in the tree is fine
	e.wantErr(e.s.CreateDepartment(e.ctx, &store.Department{DomainID: dom, ParentID: 999999, Name: "고아"}), store.ErrInvalid, "no such parent")
	e.wantErr(e.s.SetAccountOrg(e.ctx, dom, store.AccountOrg{AccountID: a.ID, DepartmentID: 999999}), store.ErrInvalid, "no such department")
}

func testDepartmentsTenancy(e *env) {
	a, x := e.account("alice@example.com"), e.account("xavier@other.org")
	mine := e.department(a.DomainID, 0, "영업")
	theirs := e.department(x.DomainID, 0, "영업")
	e.wantErr(e.s.CreateDepartment(e.ctx, &store.Department{DomainID: a.DomainID, ParentID: theirs.ID, Name: "하위"}), store.ErrInvalid, "a parent of another domain")
	e.wantErr(e.s.UpdateDepartment(e.ctx, &store.Department{ID: theirs.ID, DomainID: a.DomainID, Name: "뺏기"}), store.ErrNotFound, "rename another domain's")
	e.wantErr(e.s.DeleteDepartment(e.ctx, a.DomainID, theirs.ID), store.ErrNotFound, "delete another domain's")
	e.wantErr(e.s.SetAccountOrg(e.ctx, a.DomainID, store.AccountOrg{AccountID: x.ID, DepartmentID: mine.ID}), store.ErrNotFound, "place another domain's account")
	e.wantErr(e.s.SetAccountOrg(e.ctx, a.DomainID, store.AccountOrg{AccountID: a.ID, DepartmentID: theirs.ID}), store.ErrInvalid, "into another domain's department")
	if ds, _ := e.s.Departments(e.ctx, a.DomainID); len(ds) != 1 || ds[0].ID != mine.ID {
		e.Errorf("alice's domain lists %+v", ds)
	}
}

func testDepartmentsGone(e *env) {
	a := e.account("alice@example.com")
	d := e.department(a.DomainID, 0, "영업")
	e.ok(e.s.SetAccountOrg(e.ctx, a.DomainID, store.AccountOrg{AccountID: a.ID, DepartmentID: d.ID}), "place")
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	if got := e.departmentMembers(a.DomainID); got["영업"] != 0 {
		e.Errorf("a removed account still counts: %v", got)
	}
	if orgs, _ := e.s.AccountOrgs(e.ctx, a.DomainID); len(orgs) != 0 {
		e.Errorf("a removed account keeps its place: %v", orgs)
	}
}
