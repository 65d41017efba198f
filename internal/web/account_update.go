package web

import (
	"errors"
	"net/http"

	"postroom/internal/admin"
)

type accountRequest struct {
	Language *string `json:"language"`  // "ko" or "en"; absent: unchanged
	TimeZone *string `json:"time_zone"` // IANA name or "UTC"; absent: unchanged
}

// accountUpdate saves the user's own settings (language, time zone) and
// answers the account. A session speaks its account's language as it is
// at each request, so the next error message is already in the new one.
func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) {
	var req accountRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	acct, err := s.Accounts.SetLocale(r.Context(), sessionOf(r).actor, admin.Locale{Language: req.Language, TimeZone: req.TimeZone})
	var ie *admin.InvalidError
	switch {
	case errors.As(err, &ie):
		s.fail(w, r, http.StatusBadRequest, "invalid")
		return
	case err != nil:
		s.adminFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.accountOf(acct))
}
