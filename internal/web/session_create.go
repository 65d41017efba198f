package web

import (
	"errors"
	"net"
	"net/http"

	"postroom/internal/auth"
	"postroom/internal/store"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// sessionCreate logs in with the full address and the mail password.
func (s *Server) sessionCreate(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, "bad_request")
		return
	}
	remote, _ := net.ResolveTCPAddr("tcp", r.RemoteAddr)
	acct, err := s.Auth.Login(r.Context(), auth.Request{Address: req.Email, Password: req.Password, Protocol: auth.ProtoWeb,
		Remote: remote, TLS: r.TLS != nil})
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		s.fail(w, r, http.StatusUnauthorized, "invalid_credentials")
		return
	case errors.Is(err, auth.ErrSuspended):
		s.fail(w, r, http.StatusForbidden, "suspended")
		return
	case err != nil:
		s.log().Error("web login", "err", err)
		s.fail(w, r, http.StatusInternalServerError, "internal")
		return
	}
	sess, err := s.createSession(r.Context(), acct)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	setCookie(w, r, sess.token, 0)
	writeJSON(w, http.StatusOK, map[string]any{"csrf": sess.csrf, "account": accountOf(acct)})
}

// accountJSON is the logged-in account as the webmail shows it.
type accountJSON struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Language string `json:"language"`
	TimeZone string `json:"time_zone"`
}

func accountOf(a *store.Account) accountJSON {
	return accountJSON{ID: a.ID, Email: a.Address(), Name: a.DisplayName, Language: a.Language, TimeZone: a.TimeZone}
}

// sessionDelete logs out.
func (s *Server) sessionDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Store.DeleteWebSession(r.Context(), sessionOf(r).hash); err != nil {
		s.storeFail(w, r, err)
		return
	}
	setCookie(w, r, "", -1)
	w.WriteHeader(http.StatusNoContent)
}
