package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/auth"
)

// One-time login links (M14). A program holding an API token asks
// POST /api/v1/admin/users/{id}/login-link and gives the URL to the
// user's browser; the URL opens the webmail with the secret in its
// fragment (#/login-link/SECRET), which no GET sends, and the page
// POSTs it to /api/v1/session/link, which starts the session as the
// login form's POST /api/v1/session does. A scanner fetching the URL
// from a message thus neither uses nor spends it.

// LoginLinks is what the link route asks of the admin service.
type LoginLinks interface {
	CreateLoginLink(ctx context.Context, p actor.Actor, id int64) (*admin.LoginLink, error)
}

var _ LoginLinks = (*admin.Service)(nil)

// loginLinkCreate answers {"url", "expires"}.
func (s *Server) loginLinkCreate(w http.ResponseWriter, r *http.Request) {
	if s.LoginLinks == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	id, ok := s.pathID(r, idAccount, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	l, err := s.LoginLinks.CreateLoginLink(r.Context(), sessionOf(r).actor, id)
	if err != nil {
		s.linkFail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{"url": baseURL(r) + "/#/login-link/" + url.PathEscape(l.Secret),
		"expires": l.Expires.UTC().Format(time.RFC3339)})
}

// baseURL is the webmail's address as the request reached it: the
// program calls the same server its users' browsers do.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// sessionLink uses a login link: the session's cookie and the answer of
// POST /api/v1/session, or 410 link_invalid when the link is unknown,
// used or expired.
func (s *Server) sessionLink(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Token    string `json:"token"`
		Language string `json:"language"` // the page's, for the error's text
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if messages[req.Language] != nil {
		r.Header.Set("Accept-Language", req.Language)
	}
	a, err := s.Sessions.LoginWithLink(r.Context(), req.Token, clientOf(r), loginPath(r))
	switch {
	case errors.Is(err, auth.ErrLinkInvalid):
		writeJSON(w, http.StatusGone, map[string]apiError{"error": {Code: "link_invalid", Message: linkText(r, "link_invalid")}})
		return
	case errors.Is(err, auth.ErrSuspended):
		s.fail(w, r, http.StatusForbidden, "suspended")
		return
	case errors.Is(err, auth.ErrAccessDenied):
		s.accessDenied(w, r, err)
		return
	case err != nil:
		s.log().Error("login link", "err", err)
		s.fail(w, r, http.StatusInternalServerError, "internal")
		return
	}
	setCookie(w, r, a.Token, 0)
	writeJSON(w, http.StatusOK, s.sessionAnswer(newSession(a)))
}

// linkFail answers an error of the link route, with the reasons only it
// has translated here.
func (s *Server) linkFail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *admin.InvalidError
	if errors.As(err, &ie) && linkText(r, ie.Code) != "" {
		writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: ie.Code,
			Message: linkText(r, ie.Code), Field: ie.Field, Value: ie.Value}})
		return
	}
	s.adminFail(w, r, err)
}

func linkText(r *http.Request, code string) string { return linkMessages[language(r)][code] }

// linkMessages translate the login links' reasons.
var linkMessages = map[string]map[string]string{
	"ko": {
		"link_invalid":     "로그인 링크가 만료되었거나 이미 사용되었습니다. 새 링크를 받거나 메일 주소와 비밀번호로 로그인하세요.",
		"account_disabled": "사용이 중지된 계정이라 로그인 링크를 만들 수 없습니다.",
	},
	"en": {
		"link_invalid":     "This login link has expired or was already used. Get a new link, or log in with your e-mail address and password.",
		"account_disabled": "This account is suspended: no login link can be made for it.",
	},
}
