package web

import (
	"context"
	"errors"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/store"
)

// The domain console's organisation (M6) and the org chart every user
// reads; an account's place, name, quota and switches (M1, M3).

// Organisation is what these routes ask of the admin service.
type Organisation interface {
	Departments(ctx context.Context, p actor.Actor, domain string) ([]store.Department, error)
	CreateDepartment(ctx context.Context, p actor.Actor, domain, name string, parent int64) (*store.Department, error)
	UpdateDepartment(ctx context.Context, p actor.Actor, domain string, id int64, name string, parent int64) (*store.Department, error)
	DeleteDepartment(ctx context.Context, p actor.Actor, domain string, id int64) error
	PlaceAccount(ctx context.Context, p actor.Actor, address string, pl admin.Placement) error
	Org(ctx context.Context, p actor.Actor) (*admin.OrgChart, error)
	AccountByID(ctx context.Context, p actor.Actor, id int64) (*store.Account, error)
	UpdateAccount(ctx context.Context, p actor.Actor, address string, c admin.AccountChange) (*store.Account, error)
	SetPassword(ctx context.Context, p actor.Actor, address, password string) error
	Users(ctx context.Context, p actor.Actor, domain string, q admin.UserQuery) (*admin.UserPage, error)
	CreateUser(ctx context.Context, p actor.Actor, n admin.NewAccount, pl admin.Placement) (*store.Account, error)
}

var _ Organisation = (*admin.Service)(nil)

type departmentJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Parent  int64  `json:"parent"`
	Members int    `json:"members"`
}

func (s *Server) departmentOut(d *store.Department) departmentJSON {
	return departmentJSON{ID: s.outID(idDepartment, d.ID), Name: d.Name, Parent: s.outID(idDepartment, d.ParentID), Members: d.Members}
}

// orgFail answers an error of the organisation's routes: the admin
// service's, with the reasons only they have translated here.
func (s *Server) orgFail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *admin.InvalidError
	if errors.As(err, &ie) {
		if msg := orgMessages[language(r)][ie.Code]; msg != "" {
			writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: ie.Code, Message: msg, Field: ie.Field, Value: ie.Value}})
			return
		}
	}
	s.adminFail(w, r, err)
}

// departmentIn reads {"name", "parent"}; ok false (answered) when the
// parent is no id.
func (s *Server) departmentIn(w http.ResponseWriter, r *http.Request) (name string, parent int64, ok bool) {
	var req struct {
		Name   string `json:"name"`
		Parent int64  `json:"parent"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return "", 0, false
	}
	if req.Parent != 0 {
		if parent, ok = s.inID(idDepartment, req.Parent); !ok {
			s.orgFail(w, r, &admin.InvalidError{Field: "parent", Code: "invalid_parent"})
			return "", 0, false
		}
	}
	return req.Name, parent, true
}

func (s *Server) departmentList(w http.ResponseWriter, r *http.Request) {
	ds, err := s.Org.Departments(r.Context(), sessionOf(r).actor, "")
	if err != nil {
		s.orgFail(w, r, err)
		return
	}
	out := make([]departmentJSON, 0, len(ds))
	for i := range ds {
		out = append(out, s.departmentOut(&ds[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"departments": out})
}

func (s *Server) departmentCreate(w http.ResponseWriter, r *http.Request) {
	name, parent, ok := s.departmentIn(w, r)
	if !ok {
		return
	}
	d, err := s.Org.CreateDepartment(r.Context(), sessionOf(r).actor, "", name, parent)
	if err != nil {
		s.orgFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.departmentOut(d))
}

func (s *Server) departmentUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idDepartment, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	name, parent, ok := s.departmentIn(w, r)
	if !ok {
		return
	}
	d, err := s.Org.UpdateDepartment(r.Context(), sessionOf(r).actor, "", id, name, parent)
	if err != nil {
		s.orgFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.departmentOut(d))
}

func (s *Server) departmentDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idDepartment, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Org.DeleteDepartment(r.Context(), sessionOf(r).actor, "", id); err != nil {
		s.orgFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type orgMemberJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Position string `json:"position"`
	Phone    string `json:"phone"`
	Me       bool   `json:"me,omitempty"`
}

type orgUnitJSON struct {
	ID      int64           `json:"id"`
	Name    string          `json:"name"`
	Parent  int64           `json:"parent"`
	Depth   int             `json:"depth"`
	Members []orgMemberJSON `json:"members"`
}

// orgChart is the org chart (조직도) of the user's own domain.
func (s *Server) orgChart(w http.ResponseWriter, r *http.Request) {
	chart, err := s.Org.Org(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.orgFail(w, r, err)
		return
	}
	members := func(ms []admin.OrgMember) []orgMemberJSON {
		out := make([]orgMemberJSON, 0, len(ms))
		for _, m := range ms {
			out = append(out, orgMemberJSON{ID: s.outID(idAccount, m.AccountID), Name: m.Name, Email: m.Address,
				Position: m.Position, Phone: m.Phone, Me: m.Current})
		}
		return out
	}
	units := make([]orgUnitJSON, 0, len(chart.Departments))
	for _, d := range chart.Departments {
		units = append(units, orgUnitJSON{ID: s.outID(idDepartment, d.ID), Name: d.Name, Parent: s.outID(idDepartment, d.ParentID),
			Depth: d.Depth, Members: members(d.Members)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"departments": units, "unassigned": members(chart.Unassigned)})
}

// adminUserPatch changes an account of the administrator's domain: any
// of its name, quota, switches, password and place in the organisation.
// Every value is checked before anything is written, except that the
// place and the password are set after the account's own fields.
func (s *Server) adminUserPatch(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idAccount, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		Name       *string `json:"name"`
		Quota      *int64  `json:"quota"`
		Enabled    *bool   `json:"enabled"`
		Admin      *bool   `json:"admin"`
		Clients    *bool   `json:"clients"`
		Password   *string `json:"password"`
		Department *int64  `json:"department"`
		Position   *string `json:"position"`
		Phone      *string `json:"phone"`
		Recovery   *string `json:"recovery_email"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	ctx, a := r.Context(), sessionOf(r).actor
	acct, err := s.Org.AccountByID(ctx, a, id)
	if err != nil {
		s.orgFail(w, r, err)
		return
	}
	if req.Recovery != nil && !s.setRecovery(w, r, acct.Address(), *req.Recovery) {
		return // checked first: a refused address changes nothing
	}
	if req.Department != nil || req.Position != nil || req.Phone != nil {
		chart, err := s.Org.Org(ctx, a)
		if err != nil {
			s.orgFail(w, r, err)
			return
		}
		pl := placementOf(chart, acct.ID)
		if req.Department != nil {
			pl.Department = 0
			if *req.Department != 0 {
				if pl.Department, ok = s.inID(idDepartment, *req.Department); !ok {
					s.orgFail(w, r, &admin.InvalidError{Field: "department", Code: "invalid_department"})
					return
				}
			}
		}
		if req.Position != nil {
			pl.Position = *req.Position
		}
		if req.Phone != nil {
			pl.Phone = *req.Phone
		}
		if err := s.Org.PlaceAccount(ctx, a, acct.Address(), pl); err != nil {
			s.orgFail(w, r, err)
			return
		}
	}
	change := admin.AccountChange{Name: req.Name, Quota: req.Quota, Enabled: req.Enabled, Admin: req.Admin, Clients: req.Clients}
	if acct, err = s.Org.UpdateAccount(ctx, a, acct.Address(), change); err != nil {
		s.orgFail(w, r, err)
		return
	}
	if req.Password != nil {
		if err := s.Org.SetPassword(ctx, a, acct.Address(), *req.Password); err != nil {
			s.orgFail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, userWithRecovery{s.userOf(acct), s.recoveryOf(r, acct.Address())})
}

// placementOf is where the chart has the account now.
func placementOf(chart *admin.OrgChart, accountID int64) admin.Placement {
	for _, d := range chart.Departments {
		for _, m := range d.Members {
			if m.AccountID == accountID {
				return admin.Placement{Department: d.ID, Position: m.Position, Phone: m.Phone}
			}
		}
	}
	for _, m := range chart.Unassigned {
		if m.AccountID == accountID {
			return admin.Placement{Position: m.Position, Phone: m.Phone}
		}
	}
	return admin.Placement{}
}

// orgMessages translate the organisation's reasons.
var orgMessages = map[string]map[string]string{
	"ko": {
		"name_required":           "이름을 입력하세요.",
		"department_exists":       "같은 상위 부서에 같은 이름의 부서가 있습니다.",
		"invalid_parent":          "상위 부서로 고를 수 없는 부서입니다. (자기 자신이나 하위 부서는 상위 부서가 될 수 없습니다)",
		"department_has_children": "하위 부서가 있는 부서는 삭제할 수 없습니다. 하위 부서를 먼저 옮기거나 삭제하세요.",
		"invalid_department":      "이 도메인의 부서가 아닙니다.",
		"invalid_phone":           "전화번호가 올바르지 않습니다.",
	},
	"en": {
		"name_required":           "Enter a name.",
		"department_exists":       "A department of this name already exists under the same parent.",
		"invalid_parent":          "This department cannot be the parent (not itself, nor one below it).",
		"department_has_children": "A department with sub-departments cannot be deleted: move or delete them first.",
		"invalid_department":      "Not a department of this domain.",
		"invalid_phone":           "This phone number is not valid.",
	},
}

// withOrg answers 404 while the server has no organisation service.
func (s *Server) withOrg(f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Org == nil {
			s.fail(w, r, http.StatusNotFound, "not_found")
			return
		}
		f(w, r)
	}
}
