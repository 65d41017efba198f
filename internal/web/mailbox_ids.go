package web

import (
	"net/http"

	"postroom/internal/store"
)

// mailboxIDs answers "select every message of this folder": the ids, newest
// first, of at most one action request's worth (maxActionIDs), so that the
// selection goes back in one POST /api/v1/messages/actions.
func (s *Server) mailboxIDs(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMailbox, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	unread := r.URL.Query().Get("unread")
	msgs, total, err := s.Mail.Page(r.Context(), sessionOf(r).actor, id,
		store.Page{Limit: maxActionIDs, UnseenOnly: unread == "1" || unread == "true"})
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	ids := make([]int64, len(msgs))
	for i := range msgs {
		ids[i] = s.outID(idMessage, msgs[i].ID)
	}
	writeJSON(w, http.StatusOK, map[string]any{"ids": ids, "total": total, "truncated": total > len(ids)})
}
