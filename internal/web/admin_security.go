package web

// GET and PUT /api/v1/admin/security: the domain console's security page
// (M7–M12). The admin service checks the actor and the values; the auth
// service enforces the policy (admin_security_access.go answers its
// refusals).

import (
	"context"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/auth"
)

// SecurityPolicies is the domain's security policy as the console reads
// and replaces it (*admin.Service, the Server's Admin: an Administration
// without these methods answers 404).
type SecurityPolicies interface {
	Security(ctx context.Context, a actor.Actor, domain string) (auth.Security, error)
	SetSecurity(ctx context.Context, a actor.Actor, domain string, sec auth.Security) (auth.Security, error)
}

func (s *Server) securityPolicies(w http.ResponseWriter, r *http.Request) (SecurityPolicies, bool) {
	sp, ok := s.Admin.(SecurityPolicies)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
	}
	return sp, ok
}

// adminSecurityGet answers the policy of the administrator's domain.
func (s *Server) adminSecurityGet(w http.ResponseWriter, r *http.Request) {
	sp, ok := s.securityPolicies(w, r)
	if !ok {
		return
	}
	sess := sessionOf(r)
	sec, err := sp.Security(r.Context(), actorOf(sess), sess.account.Domain)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sec)
}

// adminSecurityPut replaces the policy: fields the body leaves out take
// their defaults. 200 with the policy as saved; 400 invalid naming the
// first refused field.
func (s *Server) adminSecurityPut(w http.ResponseWriter, r *http.Request) {
	sp, ok := s.securityPolicies(w, r)
	if !ok {
		return
	}
	sec := auth.DefaultSecurity()
	if err := decode(r, &sec); err != nil {
		s.failDecode(w, r, err)
		return
	}
	sess := sessionOf(r)
	saved, err := sp.SetSecurity(r.Context(), actorOf(sess), sess.account.Domain, sec)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, saved)
}
