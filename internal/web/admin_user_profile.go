package web

// GET /api/v1/admin/users/{id}/apple.mobileconfig (issue 19, P8): the
// Apple configuration profile of one of the domain's users, for the
// administrator to hand out; the very profile the user downloads
// himself (client_setup_apple.go), without a password. Whose account it
// may be is the auth service's rule (Clients.SetupOf).

import "net/http"

func (s *Server) adminUserProfile(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idAccount, "id")
	if !ok || s.Clients == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	c, err := s.Clients.SetupOf(r.Context(), sessionOf(r).actor, id)
	if err != nil {
		s.clientsFail(w, r, err)
		return
	}
	s.writeAppleProfile(w, r, c)
}
