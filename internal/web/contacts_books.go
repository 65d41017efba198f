package web

import (
	"net/http"
	"strings"

	"postroom/internal/contacts"
)

// Groups and personal folders of the address books (C1, C2).

type groupJSON struct {
	ID      int64   `json:"id"`
	Book    string  `json:"book"`
	Name    string  `json:"name"`
	Members []int64 `json:"members"`
}

func (s *Server) groupOut(g *contacts.Group) groupJSON {
	out := groupJSON{ID: s.outID(idContactGroup, g.ID), Book: string(g.Book), Name: g.Name, Members: make([]int64, 0, len(g.Members))}
	for _, m := range g.Members {
		out.Members = append(out.Members, s.outID(idContact, m))
	}
	return out
}

// groupIn reads a group from the body; ok false (answered) when a member
// id is none.
func (s *Server) groupIn(w http.ResponseWriter, r *http.Request) (*contacts.Group, bool) {
	var req groupJSON
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return nil, false
	}
	members, ok := s.inIDs(idContact, req.Members)
	if !ok {
		s.failContact(w, r, "members", "not_in_book")
		return nil, false
	}
	return &contacts.Group{Book: contacts.Book(req.Book), Name: req.Name, Members: members}, true
}

func (s *Server) groupList(w http.ResponseWriter, r *http.Request) {
	if s.Contacts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	gs, err := s.Contacts.Groups(r.Context(), sessionOf(r).actor, bookParam(r))
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	out := make([]groupJSON, 0, len(gs))
	for i := range gs {
		out = append(out, s.groupOut(&gs[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": out})
}

func (s *Server) groupCreate(w http.ResponseWriter, r *http.Request) {
	if s.Contacts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	g, ok := s.groupIn(w, r)
	if !ok {
		return
	}
	if err := s.Contacts.CreateGroup(r.Context(), sessionOf(r).actor, g); err != nil {
		s.contactFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.groupOut(g))
}

func (s *Server) groupUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idContactGroup, "id")
	if s.Contacts == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	g, ok := s.groupIn(w, r)
	if !ok {
		return
	}
	g.ID = id
	if err := s.Contacts.UpdateGroup(r.Context(), sessionOf(r).actor, g); err != nil {
		s.contactFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.groupOut(g))
}

func (s *Server) groupDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idContactGroup, "id")
	if s.Contacts == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Contacts.DeleteGroup(r.Context(), sessionOf(r).actor, id); err != nil {
		s.contactFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type folderJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (s *Server) contactFolderList(w http.ResponseWriter, r *http.Request) {
	if s.Contacts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	fs, err := s.Contacts.Folders(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	out := make([]folderJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, folderJSON{ID: s.outID(idContactFolder, f.ID), Name: f.Name, Count: f.Count})
	}
	writeJSON(w, http.StatusOK, map[string]any{"folders": out})
}

func (s *Server) contactFolderCreate(w http.ResponseWriter, r *http.Request) {
	if s.Contacts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		Name string `json:"name"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	f, err := s.Contacts.CreateFolder(r.Context(), sessionOf(r).actor, req.Name)
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, folderJSON{ID: s.outID(idContactFolder, f.ID), Name: f.Name})
}

func (s *Server) contactFolderUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idContactFolder, "id")
	if s.Contacts == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		Name string `json:"name"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if err := s.Contacts.RenameFolder(r.Context(), sessionOf(r).actor, id, req.Name); err != nil {
		s.contactFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, folderJSON{ID: s.outID(idContactFolder, id), Name: req.Name})
}

func (s *Server) contactFolderDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idContactFolder, "id")
	if s.Contacts == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Contacts.DeleteFolder(r.Context(), sessionOf(r).actor, id); err != nil {
		s.contactFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// withDAV sends CardDAV's paths to s.DAV (when set: it is read at each
// request, like the other services) and everything else to next. They
// cannot be mux patterns: "/dav/" for every method and "GET /" (the
// webmail's files) would conflict.
func (s *Server) withDAV(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.DAV != nil && strings.HasPrefix(r.URL.Path, "/dav/") || r.URL.Path == "/dav" || strings.HasPrefix(r.URL.Path, "/.well-known/carddav") {
			s.DAV.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
