package web

// POST /api/v1/account/password (S7): the user changes his own password.
// The rules (the current password, the policy, which sessions end) are
// the auth service's.

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"postroom/internal/auth"
)

// Passwords is users' own password changes and the "forgot password"
// flow (*auth.Passwords).
type Passwords interface {
	Change(ctx context.Context, sess *auth.Session, c auth.Client, current, newPassword string) error
	RequestReset(ctx context.Context, address string, c auth.Client) error
	ConfirmReset(ctx context.Context, token, newPassword string) error
}

type passwordChangeRequest struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

// accountPassword changes the session account's password: 204, and the
// account's other sessions have ended; 400 invalid naming "current"
// (wrong_password) or "new" (the policy's reason).
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	if s.Passwords == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req passwordChangeRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	err := s.Passwords.Change(r.Context(), sessionOf(r).auth, clientOf(r), req.Current, req.New)
	if err != nil {
		s.passwordFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// passwordFail answers an error of a password change or reset.
func (s *Server) passwordFail(w http.ResponseWriter, r *http.Request, err error) {
	if pe, ok := auth.IsPolicyError(err); ok {
		msg := settingsMessages[language(r)][pe.Reason]
		if pe.Reason == "too_short" {
			msg = fmt.Sprintf(msg, pe.Min)
		}
		if msg == "" { // the levels' reasons (M11), as the console words them
			msg = localized(r, "password_"+pe.Reason)
		}
		if msg == "" {
			msg = localized(r, "invalid")
		}
		writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: pe.Reason, Message: msg, Field: "new"}})
		return
	}
	switch {
	case errors.Is(err, auth.ErrWrongPassword):
		s.failSetting(w, r, "current", "wrong_password")
	case errors.Is(err, auth.ErrInvalidToken):
		s.failSetting(w, r, "token", "invalid_token")
	case errors.Is(err, auth.ErrTooManyFailures):
		retryAfter(w, auth.RetryAfter(err))
		s.fail(w, r, http.StatusTooManyRequests, "too_many_failures")
	case errors.Is(err, auth.ErrBusy):
		retryAfter(w, auth.RetryAfter(err))
		s.fail(w, r, http.StatusServiceUnavailable, "busy")
	case errors.Is(err, auth.ErrNoSession):
		s.fail(w, r, http.StatusUnauthorized, "unauthenticated")
	default:
		s.storeFail(w, r, err)
	}
}
