package web

// "Forgot password" (S1): POST /api/v1/password-reset asks for a link,
// POST /api/v1/password-reset/confirm sets the new password with it. Both
// are public (no session: the user cannot log in).

import "net/http"

type resetRequest struct {
	Email string `json:"email"`
}

// passwordReset answers 202 whatever the address: whether a link was
// mailed is not told (only a spent budget is 429).
func (s *Server) passwordReset(w http.ResponseWriter, r *http.Request) {
	if s.Passwords == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req resetRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if err := s.Passwords.RequestReset(r.Context(), req.Email, clientOf(r)); err != nil {
		s.passwordFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

type resetConfirm struct {
	Token string `json:"token"`
	New   string `json:"new"`
}

// passwordResetConfirm sets the password of the link's account: 204;
// 400 invalid naming "token" (unknown, used or expired) or "new".
func (s *Server) passwordResetConfirm(w http.ResponseWriter, r *http.Request) {
	if s.Passwords == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req resetConfirm
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if err := s.Passwords.ConfirmReset(r.Context(), req.Token, req.New); err != nil {
		s.passwordFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
