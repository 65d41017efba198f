package web

import "net/http"

// threadGet returns a conversation (E1): every message of the thread in the
// account, whatever its folder (Trash and Spam too: each says its
// mailbox_id), oldest first. Another account's thread is 404.
func (s *Server) threadGet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idThread, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	msgs, err := s.Mail.Thread(r.Context(), sessionOf(r).actor, id)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": s.summaries(msgs)})
}
