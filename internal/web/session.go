package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// cookieName names the session cookie.
const cookieName = "postroom_session"

// DefaultIdle ends a session unused for this long; the domain's auto-logout
// setting (M10) will shorten it through Server.Idle.
const DefaultIdle = 8 * time.Hour

// touchEvery bounds the writes that record a session's use: at most one a
// minute per session, not one per request.
const touchEvery = time.Minute

// session is one logged-in browser, as read for one request. Sessions live
// in the store (a restart or another node logs nobody out); the cookie
// holds a random token of which the store keeps only the SHA-256.
type session struct {
	token      string // the cookie value: known only while serving its request
	hash       string
	csrf       string
	accountID  int64 // a mail user's session
	operatorID int64 // else the system operator's console
	lang       string
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (s *Server) idle() time.Duration {
	if s.Idle > 0 {
		return s.Idle
	}
	return DefaultIdle
}

// createSession logs an actor in (an account or the operator): a new
// token, stored by its hash. Old idle sessions of everyone are cleared on
// the way (logins are rare enough).
func (s *Server) createSession(ctx context.Context, p actor.Actor, lang string) (*session, error) {
	now := s.now()
	if _, err := s.Store.DeleteIdleWebSessions(ctx, now.Add(-s.idle())); err != nil {
		s.log().Warn("web sessions: clearing idle ones", "err", err)
	}
	sess := &session{token: randomToken(), csrf: randomToken(), accountID: p.AccountID, operatorID: p.OperatorID, lang: lang}
	sess.hash = tokenHash(sess.token)
	err := s.Store.CreateWebSession(ctx, &store.WebSession{TokenHash: sess.hash, CSRF: sess.csrf, AccountID: p.AccountID,
		OperatorID: p.OperatorID, Language: lang, CreatedAt: now, LastSeen: now})
	return sess, err
}

// loadSession returns the live session of a cookie value, or nil when it
// is unknown, idle too long or its account suspended. It records the use.
func (s *Server) loadSession(ctx context.Context, token string) (*session, error) {
	if token == "" {
		return nil, nil
	}
	hash := tokenHash(token)
	ws, err := s.Store.WebSession(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !ws.AccountEnabled || now.Sub(ws.LastSeen) > s.idle() {
		return nil, s.Store.DeleteWebSession(ctx, hash)
	}
	if now.Sub(ws.LastSeen) > touchEvery {
		if err := s.Store.TouchWebSession(ctx, hash, now); err != nil {
			return nil, err
		}
	}
	return &session{token: token, hash: hash, csrf: ws.CSRF, accountID: ws.AccountID, operatorID: ws.OperatorID, lang: ws.Language}, nil
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
)

// requireSession admits requests of a logged-in session of the kind the
// route wants (another kind is 403 forbidden); state-changing ones must
// also carry its CSRF token in X-CSRF-Token (compared in constant time).
// The cookie is SameSite=Lax as a second line.
func (s *Server) requireSession(next http.Handler, want access) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sess *session
		if c, err := r.Cookie(cookieName); err == nil {
			var lerr error
			if sess, lerr = s.loadSession(r.Context(), c.Value); lerr != nil {
				s.storeFail(w, r, lerr)
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
		if (want == userOnly && sess.accountID == 0) || (want == operatorOnly && sess.operatorID == 0) {
			s.fail(w, r, http.StatusForbidden, "forbidden")
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
