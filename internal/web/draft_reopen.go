package web

// POST /api/v1/drafts/{id}/reopen: a draft opened in the editor. Its files
// and inline images become uploads again (a write, hence a POST), so that
// the answer's ids go straight back into a save or a send even after the
// draft is replaced; the images show from those uploads.

import "net/http"

func (s *Server) draftReopen(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMessage, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	d, err := s.Send.ReopenDraft(r.Context(), actorOf(sessionOf(r)), id, s.imageURL)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.draftOf(d))
}
