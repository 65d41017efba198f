package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
)

type loginRequest struct {
	Email    string `json:"email"` // a full address, or the operator's name
	Password string `json:"password"`
	// Language is the login page's language: the operator's console
	// speaks it (an account speaks its own setting).
	Language string `json:"language"`
}

// sessionCreate logs in with the full address and the mail password, or
// with the system operator's name and password (the same form).
func (s *Server) sessionCreate(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	// the console speaks the login page's language (else the browser's);
	// an account speaks its own setting
	lang := req.Language
	if messages[lang] == nil {
		lang = language(r)
	}
	c := clientOf(r)
	a, err := s.Sessions.Login(r.Context(), auth.Request{Address: req.Email, Password: req.Password, Remote: c.Remote, TLS: c.TLS,
		Protocol: loginPath(r)}, lang)
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		s.fail(w, r, http.StatusUnauthorized, "invalid_credentials")
		return
	case errors.Is(err, auth.ErrSuspended):
		s.fail(w, r, http.StatusForbidden, "suspended")
		return
	case errors.Is(err, auth.ErrTLSRequired):
		s.fail(w, r, http.StatusForbidden, "tls_required")
		return
	case errors.Is(err, auth.ErrAccessDenied):
		s.accessDenied(w, r, err)
		return
	case errors.Is(err, auth.ErrTooManyFailures):
		retryAfter(w, auth.RetryAfter(err))
		s.fail(w, r, http.StatusTooManyRequests, "too_many_failures")
		return
	case errors.Is(err, auth.ErrBusy):
		retryAfter(w, auth.RetryAfter(err))
		s.fail(w, r, http.StatusServiceUnavailable, "busy")
		return
	case err != nil:
		s.log().Error("web login", "err", err)
		s.fail(w, r, http.StatusInternalServerError, "internal")
		return
	}
	setCookie(w, r, a.Token, 0)
	writeJSON(w, http.StatusOK, s.sessionAnswer(newSession(a)))
}

// sessionAnswer is who is logged in, as POST and GET /api/v1/session
// answer it: "role" says which screen to show (the webmail for "user" and
// "admin", the console for "operator").
func (s *Server) sessionAnswer(sess *session) map[string]any {
	if sess.account == nil {
		return map[string]any{"authenticated": true, "csrf": sess.csrf, "role": actor.RoleOperator, "language": sess.lang}
	}
	answer := map[string]any{"authenticated": true, "csrf": sess.csrf, "role": sess.actor.Role, "account": s.accountOf(sess.account)}
	if pc := passwordChange(sess); pc != nil {
		answer["password_change"] = pc // M11: the change screen first
	}
	return answer
}

// accountJSON is the logged-in account as the webmail shows it.
type accountJSON struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Language string `json:"language"`
	TimeZone string `json:"time_zone"`
	Admin    bool   `json:"admin"`
}

func (s *Server) accountOf(a *store.Account) accountJSON {
	return accountJSON{ID: s.outID(idAccount, a.ID), Email: a.Address(), Name: a.DisplayName, Language: a.Language, TimeZone: a.TimeZone, Admin: a.Admin}
}

// sessionDelete logs out. The account's event streams hear of it and the
// one of this session ends (events.go).
func (s *Server) sessionDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Sessions.Logout(r.Context(), sessionOf(r).auth); err != nil {
		s.storeFail(w, r, err)
		return
	}
	setCookie(w, r, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

// retryAfter tells the client when to try again (RFC 9110 §10.2.3), in
// whole seconds.
func retryAfter(w http.ResponseWriter, d time.Duration) {
	if d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}
