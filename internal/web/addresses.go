package web

import (
	"net/http"
	"strconv"
)

type addressEntry struct {
	Name   string `json:"name,omitempty"`
	Email  string `json:"email"`
	Source string `json:"source"` // "personal", "shared", "recent" or "directory"
}

type addressGroup struct {
	ID      int64          `json:"id"`
	Book    string         `json:"book"`
	Name    string         `json:"name"`
	Members []addressEntry `json:"members"`
}

// addresses answers the compose screen's autocomplete and address picker
// (E3, C1): the contacts service's suggestions (contacts, then recent
// recipients, then the colleagues of the directory) and the groups.
func (s *Server) addresses(w http.ResponseWriter, r *http.Request) {
	if s.Contacts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 {
		limit = 10
	}
	sess := sessionOf(r)
	found, groups, err := s.Contacts.Suggest(r.Context(), sess.actor, sess.account.Address(), r.URL.Query().Get("q"), limit)
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	out := make([]addressEntry, 0, len(found))
	for _, a := range found {
		out = append(out, addressEntry(a))
	}
	gs := make([]addressGroup, 0, len(groups))
	for _, g := range groups {
		members := make([]addressEntry, 0, len(g.Members))
		for _, m := range g.Members {
			members = append(members, addressEntry(m))
		}
		gs = append(gs, addressGroup{ID: s.outID(idContactGroup, g.ID), Book: string(g.Book), Name: g.Name, Members: members})
	}
	writeJSON(w, http.StatusOK, map[string]any{"addresses": out, "groups": gs})
}
