package auth

// Web sessions: a browser logged in to the webmail, or to the operator's
// console. Every adapter that keeps a login across requests (the web now,
// the integration API later) asks here; it only carries the token.
//
// Invariants:
//   - Sessions live in the store (a restart or another node logs nobody
//     out), which keeps only the SHA-256 of the token: the token is known
//     to the browser and, while one request is served, to its adapter.
//   - Every use reads the session with its account: a suspended or
//     removed account's sessions end at their next use, and a session
//     speaks its account's language as it is now.
//   - A session keeps a fingerprint of the password it was opened with
//     (credential): once the account's or the operator's password
//     changes, from whatever process, every session opened before ends
//     at its next use, and the event streams at once (AccountChange).
//   - The access policy is asked at login and at every use, and so is
//     the password's age (M11: an expired password limits the session to
//     changing it, unless the domain lets the user change it later).

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
)

// DefaultIdle ends a session unused for this long. An access policy's auto
// logout (AccessPolicy.IdleTimeout) may shorten it for a domain.
const DefaultIdle = 8 * time.Hour

// touchEvery bounds the writes that record a session's use: at most one a
// minute per session, not one per request.
const touchEvery = time.Minute

// ErrNoSession: the token is unknown, logged out, unused for too long, or
// its account was suspended or removed. The adapter asks to log in again.
var ErrNoSession = errors.New("auth: no session")

// Session is one logged-in browser: who it acts as, and what the adapter
// needs to serve it.
type Session struct {
	// Token is the cookie value, set only by Login (the store has its
	// hash): the adapter gives it to the browser once.
	Token string
	// CSRF is the token every state-changing request must carry.
	CSRF string
	// Actor is who the session acts as in every service call.
	Actor actor.Actor
	// Account is the user's account as read with this use of the session
	// (nil for the operator).
	Account *store.Account
	// Language is what the session speaks: the account's setting, or the
	// operator's choice on the login page.
	Language  string
	CreatedAt time.Time
	LastSeen  time.Time
	// PasswordExpired: the account's password is older than its domain's
	// change interval (M11), as read with this use; ChangeLater: the
	// domain lets the user put the change off.
	PasswordExpired bool
	ChangeLater     bool

	hash string
}

// MustChangePassword reports whether the session may do nothing but
// change its password (and log out): it expired and may not wait.
func (s *Session) MustChangePassword() bool { return s.PasswordExpired && !s.ChangeLater }

// IsOperator reports whether this is the operator's console session.
func (s *Session) IsOperator() bool { return s.Account == nil }

// SessionStore is what sessions read and write.
type SessionStore interface {
	store.WebSessionStore
	// Account reads the session's account. ErrNotFound.
	Account(ctx context.Context, id int64) (*store.Account, error)
	// Operators lists the operators (an operator session's name).
	Operators(ctx context.Context) ([]store.Operator, error)
}

// Sessions is the web sessions service. Store and Auth are required; the
// rest may be zero: Policy nil admits everyone (no access rules), Ages
// nil lets passwords last, Watch nil watches no login, Events nil
// announces nothing, Idle 0 is DefaultIdle, Now nil is time.Now.
type Sessions struct {
	Store  SessionStore
	Auth   *Authenticator
	Policy AccessPolicy
	Ages   PasswordAges
	Watch  LoginWatcher
	// Links are the one-time login links (login_link.go); nil refuses
	// every link.
	Links  LoginLinks
	Events events.Bus
	Idle   time.Duration
	Now    func() time.Time
	Log    *slog.Logger
}

func (s *Sessions) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sessions) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// idle is how long a's sessions may stay unused: the policy's auto logout
// when it is shorter than the server's.
func (s *Sessions) idle(ctx context.Context, a actor.Actor) time.Duration {
	d := s.Idle
	if d <= 0 {
		d = DefaultIdle
	}
	if s.Policy != nil {
		if p := s.Policy.IdleTimeout(ctx, a); p > 0 && p < d {
			d = p
		}
	}
	return d
}

func (s *Sessions) admit(ctx context.Context, a actor.Actor, c Client, login bool) error {
	if s.Policy == nil {
		return nil
	}
	err := s.Policy.Admit(ctx, Access{Actor: a, Client: c, At: s.now(), Login: login})
	if err != nil && !errors.Is(err, ErrAccessDenied) {
		return fmt.Errorf("access rules for %s: %w", a.Name, err)
	}
	return err
}

// Login checks a login on the web form (an address, or the operator's
// name: Authenticator.WebLogin) and the access rules, and starts a
// session. language is the login page's: the operator's console speaks
// it; an account speaks its own setting. Idle sessions of everyone are
// cleared on the way (logins are rare enough).
func (s *Sessions) Login(ctx context.Context, r Request, language string) (*Session, error) {
	// the access log's clock: the logins before this one (the watch's)
	before := s.Auth.now()
	a, acct, hash, err := s.Auth.webLogin(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := s.admit(ctx, a, Client{Remote: r.Remote, TLS: r.TLS}, true); err != nil {
		return nil, err
	}
	if s.Watch != nil && acct != nil {
		s.Watch.WatchLogin(ctx, acct, remoteIP(r.Remote), before)
	}
	return s.start(ctx, a, acct, hash, language)
}

// start opens the session of a login that passed every check (a password
// or a login link): acct nil for the operator, hash the password hash
// the session keeps the fingerprint of.
func (s *Sessions) start(ctx context.Context, a actor.Actor, acct *store.Account, hash, language string) (*Session, error) {
	now := s.now()
	longest := s.Idle // a policy only shortens it
	if longest <= 0 {
		longest = DefaultIdle
	}
	if _, err := s.Store.DeleteIdleWebSessions(ctx, now.Add(-longest)); err != nil {
		s.log().Warn("web sessions: clearing idle ones", "err", err)
	}
	if acct != nil {
		language = acct.Language
	}
	sess := &Session{Token: randomToken(), CSRF: randomToken(), Actor: a, Account: acct, Language: language,
		CreatedAt: now, LastSeen: now}
	sess.hash = tokenHash(sess.Token)
	if err := s.passwordAge(ctx, sess); err != nil {
		return nil, err
	}
	err := s.Store.CreateWebSession(ctx, &store.WebSession{TokenHash: sess.hash, CSRF: sess.CSRF, AccountID: a.AccountID,
		OperatorID: a.OperatorID, Language: language, CreatedAt: now, LastSeen: now, Credential: credential(hash)})
	if err != nil {
		return nil, fmt.Errorf("start a session for %s: %w", a.Name, err)
	}
	return sess, nil
}

// passwordAge reads whether sess's password has expired (M11).
func (s *Sessions) passwordAge(ctx context.Context, sess *Session) error {
	if s.Ages == nil || sess.Account == nil {
		return nil
	}
	var err error
	sess.PasswordExpired, sess.ChangeLater, err = s.Ages.PasswordExpired(ctx, sess.Account, s.now())
	if err != nil {
		return fmt.Errorf("password age of %s: %w", sess.Actor.Name, err)
	}
	return nil
}

// Load returns the live session of a token, used now from c, and records
// the use. ErrNoSession when there is none (an ended one is removed on the
// way); an error wrapping ErrAccessDenied when the access rules refuse
// this use (the session stays: the rules may let it in again).
func (s *Sessions) Load(ctx context.Context, token string, c Client) (*Session, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	sess, err := s.read(ctx, tokenHash(token), c)
	if err != nil {
		return nil, err
	}
	if now := s.now(); now.Sub(sess.LastSeen) > touchEvery {
		if err := s.Store.TouchWebSession(ctx, sess.hash, now); err != nil {
			return nil, fmt.Errorf("record the use of a session of %s: %w", sess.Actor.Name, err)
		}
		sess.LastSeen = now
	}
	return sess, nil
}

// Check reads sess again, as Load does, without counting it as a use
// (a stream held open is not the user at work): ErrNoSession once it has
// ended (logged out, idle, account suspended or removed), an error
// wrapping ErrAccessDenied when the rules refuse it now.
func (s *Sessions) Check(ctx context.Context, sess *Session, c Client) error {
	_, err := s.read(ctx, sess.hash, c)
	return err
}

// read finds a live session by its hash and asks the access rules.
func (s *Sessions) read(ctx context.Context, hash string, c Client) (*Session, error) {
	ws, err := s.Store.WebSession(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession // unknown, logged out, or its account or operator gone
	}
	if err != nil {
		return nil, fmt.Errorf("read a session: %w", err)
	}
	sess := &Session{CSRF: ws.CSRF, Language: ws.Language, CreatedAt: ws.CreatedAt, LastSeen: ws.LastSeen, hash: hash}
	if ws.OperatorID != 0 {
		var opHash string
		if sess.Actor, opHash, err = s.operator(ctx, ws.OperatorID); err != nil {
			return nil, err
		}
		if ws.Credential != credential(opHash) {
			return nil, s.end(ctx, hash, 0) // the operator's password changed
		}
	} else {
		acct, err := s.Store.Account(ctx, ws.AccountID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, s.end(ctx, hash, ws.AccountID) // removed meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("read the account of a session: %w", err)
		}
		if err := s.Auth.suspended(ctx, acct); errors.Is(err, ErrSuspended) {
			return nil, s.end(ctx, hash, acct.ID) // suspended (M3), or its domain on hold
		} else if err != nil {
			return nil, fmt.Errorf("read the account of a session: %w", err)
		}
		if ws.Credential != credential(acct.PasswordHash) {
			return nil, s.end(ctx, hash, acct.ID) // its password changed
		}
		sess.Actor, sess.Account, sess.Language = actor.User(acct), acct, acct.Language
	}
	if s.now().Sub(ws.LastSeen) > s.idle(ctx, sess.Actor) {
		return nil, s.end(ctx, hash, ws.AccountID)
	}
	if err := s.admit(ctx, sess.Actor, c, false); err != nil {
		return nil, err
	}
	if err := s.passwordAge(ctx, sess); err != nil {
		return nil, err
	}
	return sess, nil
}

// operator is the actor of an operator's session, with the operator's
// password hash.
func (s *Sessions) operator(ctx context.Context, id int64) (actor.Actor, string, error) {
	ops, err := s.Store.Operators(ctx)
	if err != nil {
		return actor.Actor{}, "", fmt.Errorf("read the operator of a session: %w", err)
	}
	for i := range ops {
		if ops[i].ID == id {
			return actor.Operator(&ops[i]), ops[i].PasswordHash, nil
		}
	}
	return actor.Actor{}, "", ErrNoSession
}

// end removes a session that has ended and answers ErrNoSession.
func (s *Sessions) end(ctx context.Context, hash string, accountID int64) error {
	if err := s.Store.DeleteWebSession(ctx, hash); err != nil {
		return fmt.Errorf("remove an ended session: %w", err)
	}
	s.ended(accountID)
	return ErrNoSession
}

// ended tells the account's event streams that one of its sessions ended
// (each checks whether it was its own), on every node.
func (s *Sessions) ended(accountID int64) {
	if s.Events != nil && accountID != 0 {
		s.Events.Publish(events.Event{Kind: events.SessionEnd, AccountID: accountID})
	}
}

// Logout ends sess.
func (s *Sessions) Logout(ctx context.Context, sess *Session) error {
	if err := s.Store.DeleteWebSession(ctx, sess.hash); err != nil {
		return fmt.Errorf("log out %s: %w", sess.Actor.Name, err)
	}
	s.ended(sess.Actor.AccountID)
	return nil
}

// SetLanguage makes the operator's console session speak language (an
// account's sessions speak the account's setting, which the user changes
// for all of them).
func (s *Sessions) SetLanguage(ctx context.Context, sess *Session, language string) error {
	if err := s.Store.SetWebSessionLanguage(ctx, sess.hash, language); err != nil {
		return fmt.Errorf("session language: %w", err)
	}
	if sess.IsOperator() {
		sess.Language = language
	}
	return nil
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// credential is the fingerprint a session keeps of the password hash it
// was opened with. The store holds the hash itself beside it; the
// fingerprint only tells whether it is still the same.
func credential(passwordHash string) string {
	sum := sha256.Sum256([]byte("postroom web session credential\x00" + passwordHash))
	return hex.EncodeToString(sum[:16])
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Client is where a request comes from, as the access rules see it.
type Client struct {
	Remote net.Addr
	TLS    bool
}

// IP is the client's address (nil when unknown).
func (c Client) IP() net.IP { return remoteIP(c.Remote) }
