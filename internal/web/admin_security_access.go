package web

// What a user sees of his domain's security policy (M7–M11): why a login
// or a session's request is refused, and a session limited to changing
// an expired password. The rules are auth's (policy.go, session.go).

import (
	"net/http"

	"postroom/internal/auth"
)

// accessDenied answers a refusal of the access rules: 403 access_denied
// with the rule's reason (ip_not_allowed, blocked, outside_hours) and a
// message that says it, in the user's language.
func (s *Server) accessDenied(w http.ResponseWriter, r *http.Request, err error) {
	reason := auth.AccessReason(err)
	msg := localized(r, "access_denied")
	if reason != "" {
		if m := localized(r, "access_"+reason); m != "" {
			msg = m
		}
	}
	writeJSON(w, http.StatusForbidden, map[string]fieldError{"error": {Code: "access_denied", Reason: reason, Message: msg}})
}

// passwordChangeRoutes are what a session whose password expired may
// still do (M11): see itself, log out, change the password.
var passwordChangeRoutes = map[string]bool{
	"GET /api/v1/session":           true,
	"PATCH /api/v1/session":         true,
	"DELETE /api/v1/session":        true,
	"POST /api/v1/account/password": true,
}

// limitedToPasswordChange answers 403 password_expired to any other
// request of a session that must change its password, and reports it.
func (s *Server) limitedToPasswordChange(w http.ResponseWriter, r *http.Request, sess *session) bool {
	if sess.auth == nil || !sess.auth.MustChangePassword() || passwordChangeRoutes[r.Pattern] {
		return false
	}
	s.fail(w, r, http.StatusForbidden, "password_expired")
	return true
}

// passwordChange is the login answer's and the session's
// "password_change" (M11): nil unless the password expired.
func passwordChange(sess *session) map[string]bool {
	if sess.auth == nil || !sess.auth.PasswordExpired {
		return nil
	}
	return map[string]bool{"required": true, "allow_later": sess.auth.ChangeLater}
}
