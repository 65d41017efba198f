package web

import (
	"errors"
	"net/http"

	"postroom/internal/store"
)

// sessionGet answers all the webmail's first screen needs in one round
// trip: the CSRF token (a reload of the page has lost it), the account,
// the folders and the first page of the Inbox, read by the same code as
// their own routes. Query: per_page, unread and thread as on the list.
func (s *Server) sessionGet(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	acct, err := s.Store.Account(r.Context(), sess.accountID)
	if errors.Is(err, store.ErrNotFound) {
		// The account was removed while the session lived: logged out.
		s.Store.DeleteWebSession(r.Context(), sess.hash)
		s.fail(w, r, http.StatusUnauthorized, "unauthenticated")
		return
	}
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	mbs, err := s.mailboxes(r.Context(), acct.ID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	var inbox int64
	for _, mb := range mbs {
		if mb.Role == string(store.RoleInbox) {
			inbox = mb.ID
		}
	}
	q := r.URL.Query()
	q.Del("page") // always the first page
	page, err := s.messagePage(r, inbox, q)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"csrf": sess.csrf, "account": accountOf(acct), "mailboxes": mbs, "inbox": page})
}
