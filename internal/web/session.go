package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// cookieName names the session cookie.
const cookieName = "postroom_session"

// DefaultIdle ends a session unused for this long; the domain's auto-logout
// setting (M10) will shorten it.
const DefaultIdle = 8 * time.Hour

// session is one logged-in browser.
type session struct {
	token     string
	csrf      string
	accountID int64
	address   string
	lang      string
	lastSeen  time.Time
}

// sessions are kept in memory: a restart logs everyone out (the UI returns
// to the login page and back to where the user was).
type sessions struct {
	mu   sync.Mutex
	byID map[string]*session
	idle time.Duration
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ss *sessions) create(accountID int64, address, lang string) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.byID == nil {
		ss.byID = map[string]*session{}
	}
	s := &session{token: randomToken(), csrf: randomToken(), accountID: accountID, address: address, lang: lang, lastSeen: time.Now()}
	ss.byID[s.token] = s
	return s
}

// get returns the live session of a token and marks it used.
func (ss *sessions) get(token string) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byID[token]
	if s == nil {
		return nil
	}
	idle := ss.idle
	if idle <= 0 {
		idle = DefaultIdle
	}
	if time.Since(s.lastSeen) > idle {
		delete(ss.byID, token)
		return nil
	}
	s.lastSeen = time.Now()
	return s
}

func (ss *sessions) remove(token string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byID, token)
}

type ctxKey struct{}

func sessionOf(r *http.Request) *session {
	s, _ := r.Context().Value(ctxKey{}).(*session)
	return s
}

// requireSession admits requests of a logged-in session; state-changing
// ones must also carry its CSRF token in X-CSRF-Token (compared in
// constant time). The cookie is SameSite=Lax as a second line.
func (s *Server) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(cookieName)
		var sess *session
		if err == nil {
			sess = s.sessions.get(c.Value)
		}
		if sess == nil {
			s.fail(w, r, http.StatusUnauthorized, "unauthenticated")
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess))
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
