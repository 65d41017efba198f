package admin

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// The organisation of a domain (M6): departments as a tree, each account
// placed in one with its position and phone. Its administrators change
// it; every user of the domain reads it as the org chart (조직도), which
// the compose screen's picker also offers.

// MaxDepartmentName bounds a department's name, in characters.
const MaxDepartmentName = 100

// Placement is where an administrator puts an account.
type Placement struct {
	Department int64 // 0: none
	Position   string
	Phone      string
}

// OrgChart is a domain's organisation as its users see it: the
// departments in tree order (parents before children, siblings by name)
// with their members, then the enabled accounts placed in none.
type OrgChart struct {
	Departments []OrgUnit
	Unassigned  []OrgMember
}

// OrgUnit is one department of the chart.
type OrgUnit struct {
	ID, ParentID int64
	Name         string
	Depth        int // 0 for a top-level department
	Members      []OrgMember
}

// OrgMember is one person of the chart.
type OrgMember struct {
	AccountID               int64
	Name, Address           string
	Position, Phone         string
	DepartmentID            int64
	Admin, Enabled, Current bool // Current: the reader himself
}

// managedDomain is the domain the actor manages by name; a domain
// administrator may leave the name empty for his own.
func (s *Service) managedDomain(ctx context.Context, p actor.Actor, name string) (*store.Domain, error) {
	if name == "" && p.Role == actor.RoleDomainAdmin {
		d, err := s.Store.DomainByID(ctx, p.DomainID)
		if err != nil {
			return nil, fmt.Errorf("domain %d: %w", p.DomainID, err)
		}
		return d, nil
	}
	return s.domainFor(ctx, p, name)
}

// Departments lists a domain's departments (parents before children).
func (s *Service) Departments(ctx context.Context, p actor.Actor, domain string) ([]store.Department, error) {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	ds, err := s.Store.Departments(ctx, d.ID)
	if err != nil {
		return nil, fmt.Errorf("departments of %s: %w", d.Name, err)
	}
	return treeOrder(ds), nil
}

func checkDepartmentName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", invalid("name", "name_required", "")
	case utf8.RuneCountInString(name) > MaxDepartmentName:
		return "", invalid("name", "name_too_long", "")
	case strings.ContainsAny(name, "\r\n\t"):
		return "", invalid("name", "invalid_characters", name)
	}
	return name, nil
}

// departmentErr names what the store refused.
func departmentErr(err error, name string) error {
	switch {
	case errors.Is(err, store.ErrExists):
		return invalid("name", "department_exists", name)
	case errors.Is(err, store.ErrInvalid):
		return invalid("parent", "invalid_parent", "")
	case errors.Is(err, store.ErrHasChildren):
		return invalid("id", "department_has_children", "")
	}
	return err
}

// CreateDepartment adds a department under parent (0: top level).
func (s *Service) CreateDepartment(ctx context.Context, p actor.Actor, domain, name string, parent int64) (*store.Department, error) {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	if name, err = checkDepartmentName(name); err != nil {
		return nil, err
	}
	dep := &store.Department{DomainID: d.ID, ParentID: parent, Name: name}
	if err := s.Store.CreateDepartment(ctx, dep); err != nil {
		return nil, departmentErr(err, name)
	}
	s.audit(ctx, p, d.ID, "department.create", name, nil)
	return dep, nil
}

// UpdateDepartment renames a department and moves it under parent.
func (s *Service) UpdateDepartment(ctx context.Context, p actor.Actor, domain string, id int64, name string, parent int64) (*store.Department, error) {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	if name, err = checkDepartmentName(name); err != nil {
		return nil, err
	}
	old := s.departmentName(ctx, d.ID, id)
	dep := &store.Department{ID: id, DomainID: d.ID, ParentID: parent, Name: name}
	if err := s.Store.UpdateDepartment(ctx, dep); err != nil {
		return nil, departmentErr(err, name)
	}
	s.audit(ctx, p, d.ID, "department.update", name, map[string]any{"was": old})
	return dep, nil
}

// DeleteDepartment removes a department without sub-departments; its
// people stay, in none.
func (s *Service) DeleteDepartment(ctx context.Context, p actor.Actor, domain string, id int64) error {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return err
	}
	name := s.departmentName(ctx, d.ID, id)
	if err := s.Store.DeleteDepartment(ctx, d.ID, id); err != nil {
		return departmentErr(err, "")
	}
	s.audit(ctx, p, d.ID, "department.delete", name, nil)
	return nil
}

// departmentName is the name of a department of the domain, for the
// audit log ("" when it cannot be read: the change is refused later).
func (s *Service) departmentName(ctx context.Context, domainID, id int64) string {
	ds, err := s.Store.Departments(ctx, domainID)
	if err != nil {
		return ""
	}
	for _, d := range ds {
		if d.ID == id {
			return d.Name
		}
	}
	return ""
}

// PlaceAccount puts an account the actor manages in a department, with
// its position and phone.
func (s *Service) PlaceAccount(ctx context.Context, p actor.Actor, address string, pl Placement) error {
	a, err := s.account(ctx, p, address)
	if err != nil {
		return err
	}
	pl.Position, pl.Phone = strings.TrimSpace(pl.Position), strings.TrimSpace(pl.Phone)
	if err := checkPlacement(pl); err != nil {
		return err
	}
	orgs, err := s.Store.AccountOrgs(ctx, a.DomainID)
	if err != nil {
		return fmt.Errorf("place of %s: %w", a.Address(), err)
	}
	was := orgs[a.ID]
	err = s.Store.SetAccountOrg(ctx, a.DomainID, store.AccountOrg{AccountID: a.ID, DepartmentID: pl.Department, Position: pl.Position, Phone: pl.Phone})
	if errors.Is(err, store.ErrInvalid) {
		return invalid("department", "invalid_department", "")
	}
	if err != nil {
		return err
	}
	fields := []string{}
	d := map[string]any{}
	if was.DepartmentID != pl.Department {
		fields, d["department"] = append(fields, "department"), s.departmentName(ctx, a.DomainID, pl.Department)
	}
	if was.Position != pl.Position {
		fields, d["position"] = append(fields, "position"), pl.Position
	}
	if was.Phone != pl.Phone {
		fields = append(fields, "phone")
	}
	if len(fields) > 0 {
		d["fields"] = fields
		s.audit(ctx, p, a.DomainID, "user.update", a.Address(), d)
	}
	return nil
}

func checkPlacement(pl Placement) error {
	if utf8.RuneCountInString(pl.Position) > MaxDepartmentName {
		return invalid("position", "name_too_long", "")
	}
	if utf8.RuneCountInString(pl.Phone) > 50 || strings.ContainsAny(pl.Phone, "\r\n") {
		return invalid("phone", "invalid_phone", pl.Phone)
	}
	return nil
}

// Org is the org chart of the actor's own domain: every user of the
// domain reads it (never another domain's); disabled accounts are left
// out for users and shown to administrators.
func (s *Service) Org(ctx context.Context, p actor.Actor) (*OrgChart, error) {
	if (p.Role != actor.RoleUser && p.Role != actor.RoleDomainAdmin) || p.DomainID == 0 {
		return nil, ErrForbidden
	}
	ds, err := s.Store.Departments(ctx, p.DomainID)
	if err != nil {
		return nil, fmt.Errorf("org chart: %w", err)
	}
	orgs, err := s.Store.AccountOrgs(ctx, p.DomainID)
	if err != nil {
		return nil, fmt.Errorf("org chart: %w", err)
	}
	accts, err := s.Store.Accounts(ctx, p.DomainID)
	if err != nil {
		return nil, fmt.Errorf("org chart: %w", err)
	}
	byDept := map[int64][]OrgMember{}
	chart := &OrgChart{Unassigned: []OrgMember{}}
	for _, a := range accts {
		if !a.Enabled && p.Role != actor.RoleDomainAdmin {
			continue
		}
		o := orgs[a.ID]
		m := OrgMember{AccountID: a.ID, Name: a.DisplayName, Address: a.Address(), Position: o.Position, Phone: o.Phone,
			DepartmentID: o.DepartmentID, Admin: a.Admin, Enabled: a.Enabled, Current: a.ID == p.AccountID}
		if o.DepartmentID == 0 {
			chart.Unassigned = append(chart.Unassigned, m)
		} else {
			byDept[o.DepartmentID] = append(byDept[o.DepartmentID], m)
		}
	}
	depth := map[int64]int{}
	for _, d := range treeOrder(ds) {
		if d.ParentID != 0 {
			depth[d.ID] = depth[d.ParentID] + 1
		}
		ms := byDept[d.ID]
		sortMembers(ms)
		if ms == nil {
			ms = []OrgMember{}
		}
		chart.Departments = append(chart.Departments, OrgUnit{ID: d.ID, ParentID: d.ParentID, Name: d.Name, Depth: depth[d.ID], Members: ms})
	}
	sortMembers(chart.Unassigned)
	return chart, nil
}

func sortMembers(ms []OrgMember) {
	sort.SliceStable(ms, func(i, j int) bool {
		x, y := ms[i].Name, ms[j].Name
		if x == "" {
			x = ms[i].Address
		}
		if y == "" {
			y = ms[j].Address
		}
		return x < y
	})
}

// treeOrder puts parents before their children, siblings by name, as a
// tree view shows them (depth first).
func treeOrder(ds []store.Department) []store.Department {
	children := map[int64][]store.Department{}
	known := map[int64]bool{}
	for _, d := range ds {
		known[d.ID] = true
	}
	for _, d := range ds {
		parent := d.ParentID
		if !known[parent] {
			parent = 0
		}
		children[parent] = append(children[parent], d)
	}
	out := make([]store.Department, 0, len(ds))
	var walk func(id int64, depth int)
	walk = func(id int64, depth int) {
		kids := children[id]
		sort.SliceStable(kids, func(i, j int) bool { return kids[i].Name < kids[j].Name })
		for _, k := range kids {
			out = append(out, k)
			if depth < 100 {
				walk(k.ID, depth+1)
			}
		}
	}
	walk(0, 0)
	return out
}

// AccountByID is an account the actor manages, by id (the console's
// and the integration API's handle): another domain's is ErrNotFound.
func (s *Service) AccountByID(ctx context.Context, p actor.Actor, id int64) (*store.Account, error) {
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	if _, err := s.domainFor(ctx, p, a.Domain); err != nil {
		return nil, err
	}
	return a, nil
}
