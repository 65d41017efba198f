package web

import (
	"net/http"
	"strings"
	"time"

	"postroom/internal/admin"
	"postroom/internal/store"
)

// userJSON is an account in the consoles' lists.
type userJSON struct {
	ID         int64     `json:"id"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Admin      bool      `json:"admin"`
	Enabled    bool      `json:"enabled"`
	Clients    bool      `json:"clients"`
	QuotaBytes int64     `json:"quota_bytes"`
	UsedBytes  int64     `json:"used_bytes"`
	Messages   int64     `json:"messages"`
	Created    time.Time `json:"created"`
}

func (s *Server) userOf(a *store.Account) userJSON {
	return userJSON{ID: s.outID(idAccount, a.ID), Email: a.Address(), Name: a.DisplayName, Admin: a.Admin, Enabled: a.Enabled, Clients: a.ClientAccess,
		QuotaBytes: a.QuotaBytes, UsedBytes: a.Usage.Bytes, Messages: a.Usage.Messages, Created: a.CreatedAt.UTC()}
}

// operatorUsers lists a domain's accounts.
func (s *Server) operatorUsers(w http.ResponseWriter, r *http.Request) {
	accts, err := s.Admin.Accounts(r.Context(), actorOf(sessionOf(r)), r.PathValue("name"))
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	out := make([]userJSON, len(accts))
	for i := range accts {
		out[i] = s.userOf(&accts[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
}

type userCreateRequest struct {
	Email    string `json:"email"` // full address, or the part before "@"
	Name     string `json:"name"`
	Password string `json:"password"`
	Quota    int64  `json:"quota"`
	Admin    bool   `json:"admin"`
}

// operatorUserCreate creates an account in the domain of the path.
func (s *Server) operatorUserCreate(w http.ResponseWriter, r *http.Request) {
	s.createUser(w, r, false)
}

// operatorAdminCreate creates an administrator of the domain of the path
// (the first one, typically).
func (s *Server) operatorAdminCreate(w http.ResponseWriter, r *http.Request) {
	s.createUser(w, r, true)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, forceAdmin bool) {
	var req userCreateRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	domain := r.PathValue("name")
	email := strings.TrimSpace(req.Email)
	if email != "" && !strings.Contains(email, "@") {
		email += "@" + domain // the form shows "@domain" after the id
	}
	a, err := s.Admin.CreateAccount(r.Context(), actorOf(sessionOf(r)), admin.NewAccount{Address: email, Password: req.Password,
		Name: req.Name, Quota: req.Quota, Admin: req.Admin || forceAdmin, Domain: domain})
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.userOf(a))
}
