package web

// Drafts (E3-3): POST /api/v1/drafts and PUT /api/v1/drafts/{id} save the
// message being written as a real message in Drafts (send.SaveDraft); PUT
// replaces, so the id changes with every save. Reading and reopening a
// draft: draft_get.go, draft_reopen.go.

import (
	"net/http"
)

type draftSaved struct {
	ID        int64        `json:"id"`
	MessageID string       `json:"message_id"`
	Invalid   []fieldError `json:"invalid"` // recipients left out of the draft
}

// draftCreate saves a new draft.
func (s *Server) draftCreate(w http.ResponseWriter, r *http.Request) {
	s.draftSave(w, r, 0, http.StatusCreated)
}

// draftUpdate replaces a draft: the answer names the new message.
func (s *Server) draftUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMessage, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	s.draftSave(w, r, id, http.StatusOK)
}

func (s *Server) draftSave(w http.ResponseWriter, r *http.Request, replaceID int64, status int) {
	req, done, ok := s.decodeCompose(w, r)
	if !ok {
		return
	}
	saved, err := s.Send.SaveDraft(r.Context(), actorOf(sessionOf(r)), req, replaceID)
	done()
	if err != nil {
		s.composeFail(w, r, err)
		return
	}
	invalid := []fieldError{}
	for _, ce := range saved.Invalid {
		invalid = append(invalid, fieldError{Code: ce.Code, Message: localized(r, ce.Code), Field: ce.Field, Value: ce.Value})
	}
	writeJSON(w, status, draftSaved{ID: s.outID(idMessage, saved.ID), MessageID: saved.MessageID, Invalid: invalid})
}

// draftDelete discards a draft: to Trash, or for good with ?permanent=1.
func (s *Server) draftDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMessage, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Send.DiscardDraft(r.Context(), actorOf(sessionOf(r)), id, isTrue(r.URL.Query().Get("permanent"))); err != nil {
		s.storeFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
