package web

import (
	"net/http"
	"strconv"
	"time"
)

type loginJSON struct {
	Time     string `json:"time"` // RFC 3339, UTC: the UI shows it in the user's zone
	IP       string `json:"ip"`
	Protocol string `json:"protocol"` // web, mobile, imap, pop3, smtp
	OK       bool   `json:"ok"`
}

// accessLog answers a page of the account's own recent logins, newest
// first (S8).
func (s *Server) accessLog(w http.ResponseWriter, r *http.Request) {
	if s.Logins == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.failFieldReason(w, r, "page", "invalid")
			return
		}
		page = n
	}
	logins, more, err := s.Logins.Page(r.Context(), sessionOf(r).actor, page)
	if err != nil {
		s.clientsFail(w, r, err)
		return
	}
	out := make([]loginJSON, 0, len(logins))
	for _, l := range logins {
		out = append(out, loginJSON{Time: l.Time.UTC().Format(time.RFC3339), IP: l.IP, Protocol: l.Protocol, OK: l.Success})
	}
	writeJSON(w, http.StatusOK, map[string]any{"logins": out, "page": page, "more": more})
}
