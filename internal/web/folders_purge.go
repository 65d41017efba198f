package web

import (
	"errors"
	"net/http"

	"postroom/internal/mail"
)

type purgeRequest struct {
	OlderThanDays int  `json:"older_than_days"`
	All           bool `json:"all"`
}

// folderPurge removes a folder's mail older than a number of days, or
// all of it, for good (S3); with ?dry_run=1 it only counts, for the
// confirmation. Both answer {"count"}.
func (s *Server) folderPurge(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMailbox, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req purgeRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	dry := r.URL.Query().Get("dry_run")
	n, err := s.Mail.Purge(r.Context(), sessionOf(r).actor, id,
		mail.PurgeRequest{OlderThanDays: req.OlderThanDays, All: req.All, DryRun: dry == "1" || dry == "true"}, s.now())
	switch {
	case errors.Is(err, mail.ErrInvalidPurge):
		field := "older_than_days"
		if req.All {
			field = "all"
		}
		s.failFieldReason(w, r, field, "invalid_purge")
		return
	case err != nil:
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"count": n})
}

// failFieldReason answers 400 invalid naming the request's field at fault and
// why (reason, translated in message).
func (s *Server) failFieldReason(w http.ResponseWriter, r *http.Request, field, reason string) {
	writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: reason,
		Message: localized(r, reason), Field: field}})
}
