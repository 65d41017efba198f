package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
)

// cookieName names the session cookie.
const cookieName = "postroom_session"

// session is one logged-in browser, as the sessions service (auth.Sessions)
// read it for this request: the web only carries its token in a cookie
// and checks the CSRF token; idle time, suspension and the access rules
// are the service's.
type session struct {
	auth       *auth.Session
	csrf       string
	accountID  int64 // a mail user's session
	operatorID int64 // else the system operator's console
	lang       string
	actor      actor.Actor    // who the session acts as in service calls
	account    *store.Account // the user's account as read now (nil: the operator)
}

func newSession(a *auth.Session) *session {
	return &session{auth: a, csrf: a.CSRF, accountID: a.Actor.AccountID, operatorID: a.Actor.OperatorID, lang: a.Language,
		actor: a.Actor, account: a.Account}
}

// clientOf is where a request comes from, for the access rules.
func clientOf(r *http.Request) auth.Client {
	c := auth.Client{TLS: r.TLS != nil}
	if addr, err := net.ResolveTCPAddr("tcp", r.RemoteAddr); err == nil {
		c.Remote = addr
	}
	return c
}

// withRemote is the actor a with the request's IP address, for the audit
// log.
func withRemote(a actor.Actor, r *http.Request) actor.Actor {
	if c := clientOf(r); c.Remote != nil {
		a.Remote = c.Remote.(*net.TCPAddr).IP.String()
	}
	return a
}

type ctxKey struct{}

func sessionOf(r *http.Request) *session {
	s, _ := r.Context().Value(ctxKey{}).(*session)
	return s
}

// access says who may call a route.
type access int

const (
	public       access = iota // no session
	userOnly                   // a mail account's session (the webmail)
	operatorOnly               // the system operator's console
	anySession                 // either
	maybeSession               // either, or none: the handler asks sessionOf (GET /api/v1/session)
	adminOnly                  // a domain administrator's session (the domain console); the admin service checks again
	adminOrToken               // adminOnly, or a program bearing one of the domain's API tokens (admin_tokens.go)
	userOrToken                // userOnly, or a program bearing a domain's token (GET /api/v1/jobs/{id}: the service decides whose job it reads)
)

// requireSession admits requests of a logged-in session of the kind the
// route wants (another kind is 403 forbidden); state-changing ones must
// also carry its CSRF token in X-CSRF-Token (compared in constant time).
// The cookie is SameSite=Lax as a second line. A use the access rules
// refuse is 403 access_denied with their reason; a session whose password
// expired may only change it (admin_security_access.go).
func (s *Server) requireSession(next http.Handler, want access) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sess *session
		if c, err := r.Cookie(cookieName); err == nil {
			a, err := s.Sessions.Load(r.Context(), c.Value, clientOf(r))
			switch {
			case err == nil:
				sess = newSession(a)
				sess.actor = withRemote(sess.actor, r)
			case errors.Is(err, auth.ErrNoSession):
			case errors.Is(err, auth.ErrAccessDenied):
				s.accessDenied(w, r, err)
				return
			default:
				s.storeFail(w, r, err)
				return
			}
		}
		if sess == nil && want == maybeSession && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			next.ServeHTTP(w, r) // sessionOf(r) is nil
			return
		}
		if sess == nil {
			s.fail(w, r, http.StatusUnauthorized, "unauthenticated")
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess))
		if (want == userOnly && sess.accountID == 0) || (want == operatorOnly && sess.operatorID == 0) ||
			(want == adminOnly && sess.actor.Role != actor.RoleDomainAdmin) {
			s.fail(w, r, http.StatusForbidden, "forbidden")
			return
		}
		if s.limitedToPasswordChange(w, r, sess) {
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead:
		default:
			if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(sess.csrf)) != 1 {
				s.fail(w, r, http.StatusForbidden, "csrf")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// setCookie sets the session cookie, Secure whenever the request came over
// TLS (plain HTTP is only served on loopback).
func setCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: value, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}
