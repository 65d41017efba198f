package auth

// One-time login links (M14): a program holding one of the domain's API
// tokens asks internal/admin for a link that signs one user into the
// webmail (its intranet portal's "open my mail" button, say). This file
// owns the link's secret and its use.
//
// Invariants:
//   - The secret is 32 random bytes; the store keeps only its SHA-256,
//     and a link is used once: the store marks it used in the same write
//     that checks it is unused and unexpired.
//   - Opening the link's URL changes nothing (the secret is in the
//     fragment, which a GET never sends): the page POSTs it. So a mail
//     scanner that fetches every link in a message neither uses nor
//     burns it.
//   - A link is a login without a password, under every other rule of a
//     webmail login: the account's service and the domain's hold, the
//     access rules (M7–M9 for users), the login watch (M12), the
//     password's age (M11), auto logout (M10), and the access log.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// MaxLinkLife is the longest a login link lives; a shorter life may be
// configured (admin.Service.LinkLife).
const MaxLinkLife = 2 * time.Minute

// linkPrefix starts every link secret, as tokenPrefix does an API
// token's: one found in a log is recognised.
const linkPrefix = "prl_"

// ErrLinkInvalid: the link is unknown, used already or expired, or its
// account is gone. The page says "expired or used".
var ErrLinkInvalid = errors.New("auth: login link unknown, used or expired")

// LoginLinks is what using a link needs of the store
// (store.LoginLinkStore).
type LoginLinks interface {
	UseLoginLink(ctx context.Context, hash string, at time.Time) (*store.LoginLink, error)
}

// NewLoginLink makes a link's secret and the hash the store keeps of it.
func NewLoginLink() (secret, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("login link: %w", err)
	}
	secret = linkPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, LinkHash(secret), nil
}

// LinkHash is the hash the store keeps of a link's secret.
func LinkHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// LoginWithLink uses a login link from client c on the webmail (p is
// ProtoWeb or ProtoMobile, as the access log shows it) and starts a
// session of its account. ErrLinkInvalid when the link cannot be used;
// ErrSuspended, an error wrapping ErrAccessDenied, as Login. A refused
// login still uses the link up: it was its one chance.
func (s *Sessions) LoginWithLink(ctx context.Context, secret string, c Client, p Protocol) (*Session, error) {
	if s.Links == nil || !strings.HasPrefix(secret, linkPrefix) || len(secret) > 100 {
		return nil, ErrLinkInvalid
	}
	if p != ProtoMobile {
		p = ProtoWeb
	}
	before := s.Auth.now() // the access log's clock, for the watch
	l, err := s.Links.UseLoginLink(ctx, LinkHash(secret), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("login link: %w", err)
	}
	acct, err := s.Store.Account(ctx, l.AccountID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && acct.DomainID != l.DomainID) {
		return nil, ErrLinkInvalid // removed since (ids are not reused across domains)
	}
	if err != nil {
		return nil, fmt.Errorf("login link of account %d: %w", l.AccountID, err)
	}
	r := Request{Address: acct.Address(), Protocol: p, Remote: c.Remote, TLS: c.TLS}
	ip := remoteIP(c.Remote)
	if err := s.Auth.suspended(ctx, acct); err != nil {
		if errors.Is(err, ErrSuspended) {
			s.Auth.record(ctx, acct, r, ip, false)
		}
		return nil, err
	}
	a := actor.User(acct)
	if err := s.admit(ctx, a, c, true); err != nil {
		if errors.Is(err, ErrAccessDenied) {
			s.Auth.record(ctx, acct, r, ip, false)
		}
		return nil, err
	}
	s.Auth.record(ctx, acct, r, ip, true)
	s.log().Info("login link used", "account", acct.Address(), "created_by", l.CreatedBy, "ip", ip)
	if s.Watch != nil {
		s.Watch.WatchLogin(ctx, acct, ip, before)
	}
	return s.start(ctx, a, acct, acct.PasswordHash, acct.Language)
}
