package web

import (
	"fmt"
	"net/http"
	"time"

	// The zone names are validated and used the same way on every host,
	// with or without /usr/share/zoneinfo (minimal containers lack it).
	_ "time/tzdata"
)

type accountRequest struct {
	Language *string `json:"language"`  // "ko" or "en"; absent: unchanged
	TimeZone *string `json:"time_zone"` // IANA name or "UTC"; absent: unchanged
}

// accountUpdate saves the user's own settings (language, time zone) and
// answers the account. A new language applies at once to the account's
// sessions, so the next error message is already in it.
func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) {
	var req accountRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, "bad_request")
		return
	}
	// The languages are those the catalogues speak (i18n.go).
	if (req.Language != nil && messages[*req.Language] == nil) || (req.TimeZone != nil && !validZone(*req.TimeZone)) {
		s.fail(w, r, http.StatusBadRequest, "invalid")
		return
	}
	sess := sessionOf(r)
	acct, err := s.Store.Account(r.Context(), sess.accountID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	if req.Language != nil {
		acct.Language = *req.Language
	}
	if req.TimeZone != nil {
		acct.TimeZone = *req.TimeZone
	}
	if err := s.Store.SetAccountLocale(r.Context(), acct.ID, acct.Language, acct.TimeZone); err != nil {
		s.storeFail(w, r, fmt.Errorf("account %d settings: %w", acct.ID, err))
		return
	}
	if err := s.Store.SetWebSessionsLanguage(r.Context(), acct.ID, acct.Language); err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, accountOf(acct))
}

// validZone accepts IANA zone names and "UTC"; not "" or "Local", which
// LoadLocation also accepts but which mean the server's zone, not a place.
func validZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}
