package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/store"
)

// The integration API's tokens (M14): the domain administrator makes and
// revokes them in the console; a program sends one as
// "Authorization: Bearer <secret>" to the routes of access adminOrToken
// (the accounts routes), and nowhere else.

// APITokens is what these routes ask of the admin service.
type APITokens interface {
	CreateToken(ctx context.Context, p actor.Actor, name string) (string, *store.APIToken, error)
	Tokens(ctx context.Context, p actor.Actor) ([]store.APIToken, error)
	RevokeToken(ctx context.Context, p actor.Actor, id int64) error
	TokenActor(ctx context.Context, secret string) (actor.Actor, error)
}

var _ APITokens = (*admin.Service)(nil)

type tokenJSON struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	CreatedBy string     `json:"created_by"`
	Created   time.Time  `json:"created"`
	LastUsed  *time.Time `json:"last_used"`
	Revoked   *time.Time `json:"revoked"`
	Secret    string     `json:"secret,omitempty"` // only in the answer that made it
}

func (s *Server) tokenOut(t *store.APIToken) tokenJSON {
	out := tokenJSON{ID: s.outID(idToken, t.ID), Name: t.Name, Prefix: t.Prefix, CreatedBy: t.CreatedBy, Created: t.Created}
	if !t.LastUsed.IsZero() {
		u := t.LastUsed
		out.LastUsed = &u
	}
	if !t.Revoked.IsZero() {
		r := t.Revoked
		out.Revoked = &r
	}
	return out
}

// tokenOrSession admits a request bearing a live token of a domain as
// that domain's administrator (no cookie, so no CSRF token either), and
// any other as requireSession does (adminOnly; userOnly for userOrToken).
func (s *Server) tokenOrSession(next http.Handler, want access) http.Handler {
	sessionAccess := adminOnly
	if want == userOrToken {
		sessionAccess = userOnly
	}
	withSession := s.requireSession(next, sessionAccess)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			withSession.ServeHTTP(w, r)
			return
		}
		if s.Tokens == nil {
			s.fail(w, r, http.StatusUnauthorized, "unauthenticated")
			return
		}
		a, err := s.Tokens.TokenActor(r.Context(), strings.TrimSpace(secret))
		switch {
		case errors.Is(err, admin.ErrInvalidToken):
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			s.fail(w, r, http.StatusUnauthorized, "unauthenticated")
			return
		case err != nil:
			s.storeFail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, &session{actor: withRemote(a, r)})))
	})
}

func (s *Server) tokenList(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Tokens.Tokens(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.orgFail(w, r, err)
		return
	}
	out := make([]tokenJSON, 0, len(ts))
	for i := range ts {
		out = append(out, s.tokenOut(&ts[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	secret, t, err := s.Tokens.CreateToken(r.Context(), sessionOf(r).actor, req.Name)
	if err != nil {
		s.orgFail(w, r, err)
		return
	}
	out := s.tokenOut(t)
	out.Secret = secret
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idToken, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Tokens.RevokeToken(r.Context(), sessionOf(r).actor, id); err != nil {
		s.orgFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// withTokens answers 404 while the server has no token service.
func (s *Server) withTokens(f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Tokens == nil {
			s.fail(w, r, http.StatusNotFound, "not_found")
			return
		}
		f(w, r)
	}
}
