package web

import (
	"net/http"

	"postroom/internal/store"
)

// sessionGet answers all the webmail's first screen needs in one round
// trip: the CSRF token (a reload of the page has lost it), the account,
// the folders and the first page of the Inbox, read by the same code as
// their own routes. Query: per_page, unread and thread as on the list.
//
// Without a live session it answers 200 {"authenticated": false}, not 401:
// it is how the page asks whether to show the login form, and a first
// visit is no error (the browser would log a 401 as one). "expired" says
// a session cookie came whose session is gone (idle, logged out elsewhere).
func (s *Server) sessionGet(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	if sess == nil {
		_, err := r.Cookie(cookieName)
		if err == nil {
			setCookie(w, r, "", -1)
		}
		writeJSON(w, http.StatusOK, map[string]any{"authenticated": false, "expired": err == nil})
		return
	}
	if sess.account == nil || sess.auth.MustChangePassword() { // M11: no mail before the change
		writeJSON(w, http.StatusOK, s.sessionAnswer(sess))
		return
	}
	mbs, err := s.mailboxes(r.Context(), sess.actor)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	var inbox int64
	for _, mb := range mbs {
		if mb.Role == string(store.RoleInbox) {
			inbox, _ = s.inID(idMailbox, mb.ID)
		}
	}
	q := r.URL.Query()
	q.Del("page") // always the first page
	page, err := s.messagePage(r, inbox, q)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	answer := s.sessionAnswer(sess)
	answer["mailboxes"], answer["inbox"] = mbs, page
	writeJSON(w, http.StatusOK, answer)
}

// sessionUpdate changes this session's language: the operator's console
// has no account whose setting it could be (an account's language is
// PATCH /api/v1/account, and applies to all its sessions).
func (s *Server) sessionUpdate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Language string `json:"language"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if messages[req.Language] == nil {
		s.fail(w, r, http.StatusBadRequest, "invalid")
		return
	}
	sess := sessionOf(r)
	if err := s.Sessions.SetLanguage(r.Context(), sess.auth, req.Language); err != nil {
		s.storeFail(w, r, err)
		return
	}
	if sess.account == nil {
		sess.lang = req.Language
	}
	writeJSON(w, http.StatusOK, map[string]string{"language": req.Language})
}
