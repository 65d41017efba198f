package web

import (
	"net/http"
	"strconv"
	"time"

	"postroom/internal/admin"
)

// The domain console's accounts table and the person-with-plus button
// (M1, M3).

type adminUserJSON struct {
	userJSON
	Department int64      `json:"department"`
	DeptName   string     `json:"department_name"`
	Position   string     `json:"position"`
	Phone      string     `json:"phone"`
	LastLogin  *time.Time `json:"last_login"`
	// RecoveryEmail is the user's own setting (admin_user_recovery.go).
	RecoveryEmail string `json:"recovery_email"`
}

func (s *Server) adminUserOut(u *admin.UserRow) adminUserJSON {
	out := adminUserJSON{userJSON: s.userOf(&u.Account), Department: s.outID(idDepartment, u.DepartmentID), DeptName: u.Department,
		Position: u.Position, Phone: u.Phone}
	if !u.LastLogin.IsZero() {
		t := u.LastLogin.UTC()
		out.LastLogin = &t
	}
	return out
}

func (s *Server) adminUserList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	res, err := s.Org.Users(r.Context(), sessionOf(r).actor, "", admin.UserQuery{Text: q.Get("q"), Sort: q.Get("sort"), Page: page})
	if err != nil {
		s.orgFail(w, r, err)
		return
	}
	out := make([]adminUserJSON, 0, len(res.Users))
	for i := range res.Users {
		u := s.adminUserOut(&res.Users[i])
		u.RecoveryEmail = s.recoveryOf(r, u.Email)
		out = append(out, u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out, "total": res.Total, "page": max(page, 1), "page_size": admin.UserPageSize})
}

// adminUserCreate is the person-with-plus button: the account with its
// standard folders, then its place in the organisation.
func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email      string `json:"email"`
		Name       string `json:"name"`
		Password   string `json:"password"`
		Quota      int64  `json:"quota"`
		Admin      bool   `json:"admin"`
		Department int64  `json:"department"`
		Position   string `json:"position"`
		Phone      string `json:"phone"`
		Recovery   string `json:"recovery_email"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	pl := admin.Placement{Position: req.Position, Phone: req.Phone}
	if req.Department != 0 {
		var ok bool
		if pl.Department, ok = s.inID(idDepartment, req.Department); !ok {
			s.orgFail(w, r, &admin.InvalidError{Field: "department", Code: "invalid_department"})
			return
		}
	}
	acct, err := s.Org.CreateUser(r.Context(), sessionOf(r).actor, admin.NewAccount{Address: req.Email, Password: req.Password,
		Name: req.Name, Quota: req.Quota, Admin: req.Admin, RecoveryEmail: req.Recovery}, pl)
	if err != nil {
		s.orgFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, userWithRecovery{s.userOf(acct), s.recoveryOf(r, acct.Address())})
}
