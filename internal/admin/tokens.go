package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// The integration API's tokens (M14): a domain administrator makes one
// for a program (the company's HR system, say), sees its secret once,
// and revokes it; with it, the program manages the domain's accounts
// and nothing else (internal/web decides which routes take one).

// ErrInvalidToken: no live token has this secret.
var ErrInvalidToken = errors.New("admin: invalid or revoked token")

// tokenPrefix starts every secret, so that one found in a log or a
// repository is recognised for what it is.
const tokenPrefix = "prt_"

// MaxTokens bounds the live tokens of a domain.
const MaxTokens = 50

func tokenHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a token for the administrator's domain and returns
// its secret, which is not stored and cannot be shown again. Only a
// person may make one (not a program holding a token).
func (s *Service) CreateToken(ctx context.Context, p actor.Actor, name string) (string, *store.APIToken, error) {
	if p.Role != actor.RoleDomainAdmin || p.AccountID == 0 {
		return "", nil, ErrForbidden
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", nil, invalid("name", "name_required", "")
	case utf8.RuneCountInString(name) > 100:
		return "", nil, invalid("name", "name_too_long", "")
	}
	live, err := s.Tokens(ctx, p)
	if err != nil {
		return "", nil, err
	}
	n := 0
	for _, t := range live {
		if t.Revoked.IsZero() {
			n++
		}
	}
	if n >= MaxTokens {
		return "", nil, invalid("name", "too_many_tokens", "")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	t := &store.APIToken{DomainID: p.DomainID, Name: name, Hash: tokenHash(secret), Prefix: secret[:len(tokenPrefix)+4], CreatedBy: p.Name}
	if err := s.Store.CreateAPIToken(ctx, t); err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	s.audit(ctx, p, p.DomainID, "token.create", t.Name, map[string]any{"prefix": t.Prefix})
	return secret, t, nil
}

// Tokens lists the tokens of the administrator's domain, revoked ones
// too, newest first.
func (s *Service) Tokens(ctx context.Context, p actor.Actor) ([]store.APIToken, error) {
	if p.Role != actor.RoleDomainAdmin || p.DomainID == 0 {
		return nil, ErrForbidden
	}
	ts, err := s.Store.APITokens(ctx, p.DomainID)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken revokes one of the domain's tokens: the next request with
// it is refused. Another domain's is ErrNotFound.
func (s *Service) RevokeToken(ctx context.Context, p actor.Actor, id int64) error {
	if p.Role != actor.RoleDomainAdmin || p.AccountID == 0 {
		return ErrForbidden
	}
	var name, prefix string
	if ts, err := s.Store.APITokens(ctx, p.DomainID); err == nil {
		for _, t := range ts {
			if t.ID == id {
				name, prefix = t.Name, t.Prefix
			}
		}
	}
	if err := s.Store.RevokeAPIToken(ctx, p.DomainID, id, s.now()); err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	s.audit(ctx, p, p.DomainID, "token.revoke", name, map[string]any{"prefix": prefix})
	return nil
}

// TokenActor is who a request bearing secret acts as: its domain's
// administrator without an account of his own (actor.Token).
func (s *Service) TokenActor(ctx context.Context, secret string) (actor.Actor, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 200 {
		return actor.Actor{}, ErrInvalidToken
	}
	t, err := s.Store.APITokenByHash(ctx, tokenHash(secret))
	if errors.Is(err, store.ErrNotFound) {
		return actor.Actor{}, ErrInvalidToken
	}
	if err != nil {
		return actor.Actor{}, fmt.Errorf("token: %w", err)
	}
	if err := s.Store.TouchAPIToken(ctx, t.ID, s.now()); err != nil {
		return actor.Actor{}, fmt.Errorf("token %d: %w", t.ID, err)
	}
	return actor.Token(t.DomainID, t.Name), nil
}
