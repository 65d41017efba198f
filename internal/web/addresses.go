package web

import (
	"net/http"
	"strconv"
	"strings"

	"postroom/internal/store"
)

// recentScan is how many of the newest Sent messages feed "recent
// recipients": enough for a working month, cheap to read.
const recentScan = 300

type addressEntry struct {
	Name   string `json:"name,omitempty"`
	Email  string `json:"email"`
	Source string `json:"source"` // "recent" or "directory"
}

// addresses answers the compose screen's autocomplete and address picker
// (E3): the user's recent recipients, then the directory of his colleagues
// (the admin service's: his own domain only, X1). Personal and shared
// contacts, groups and the org chart will join as further sources.
func (s *Server) addresses(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, 1000)
	ctx, sess := r.Context(), sessionOf(r)
	seen := map[string]bool{strings.ToLower(sess.account.Address()): true}
	var out []addressEntry
	add := func(name, email, source string) {
		key := strings.ToLower(email)
		if email == "" || seen[key] || len(out) >= limit {
			return
		}
		if q != "" && !strings.Contains(strings.ToLower(name), q) && !strings.Contains(key, q) {
			return
		}
		seen[key] = true
		out = append(out, addressEntry{Name: name, Email: email, Source: source})
	}
	if sent, err := s.Mail.MailboxByRole(ctx, sess.actor, store.RoleSent); err == nil {
		msgs, _, err := s.Mail.Page(ctx, sess.actor, sent.ID, store.Page{Limit: recentScan})
		if err != nil {
			s.storeFail(w, r, err)
			return
		}
		for _, m := range msgs {
			for _, list := range [][]store.Address{m.Envelope.To, m.Envelope.Cc, m.Envelope.Bcc} {
				for _, a := range list {
					add(a.Name, a.Addr, "recent")
				}
			}
		}
	}
	directory, err := s.Accounts.Directory(ctx, sess.actor)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	for _, e := range directory {
		add(e.Name, e.Address, "directory")
	}
	if out == nil {
		out = []addressEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"addresses": out})
}
