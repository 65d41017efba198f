package web

import (
	"net/http"
	"sort"
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
// (E3): the user's recent recipients, then every account of his own domain
// (never another domain's: X1). Personal and shared contacts, groups and
// the org chart will join as further sources.
func (s *Server) addresses(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, 1000)
	ctx, acctID := r.Context(), sessionOf(r).accountID
	acct, err := s.Store.Account(ctx, acctID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	seen := map[string]bool{strings.ToLower(acct.Address()): true}
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
	if sent, err := s.Store.MailboxByRole(ctx, acctID, store.RoleSent); err == nil {
		msgs, _, err := s.Store.MessagePage(ctx, acctID, sent.ID, store.Page{Limit: recentScan})
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
	directory, err := s.Store.Accounts(ctx, acct.DomainID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	sort.SliceStable(directory, func(i, j int) bool { return directory[i].DisplayName < directory[j].DisplayName })
	for _, a := range directory {
		if a.Enabled {
			add(a.DisplayName, a.Address(), "directory")
		}
	}
	if out == nil {
		out = []addressEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"addresses": out})
}
