package carddav

// HTTP Basic authentication (RFC 7617) with the IMAP login.
//
// HTTP has no session: a client sends its password with every request,
// dozens per sync. Each one a full Login would write the user's access
// log (S8) dozens of times a minute, so a successful login is remembered
// for loginTTL, and a later request with the same address and password
// asks Recheck instead, which reads the account again: a suspension, a
// changed password or mail clients turned off still end access at the
// next request, as they end an IMAP session at its next command.
//
// The remembered entries are keyed by an HMAC (a random key of the
// process) of address and password: no password is kept.

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
)

const (
	// loginTTL is how long a login is remembered between requests: a sync
	// is over well within it, and the next one logs in again.
	loginTTL = 5 * time.Minute
	// loginMax bounds the remembered logins; past it the oldest go.
	loginMax = 4096
)

// challenge is the WWW-Authenticate of a 401 (RFC 7617 §2.1: charset
// says the password is UTF-8, as Korean clients may send one in Hangul).
const challenge = `Basic realm="Postroom", charset="UTF-8"`

type loginCache struct {
	once    sync.Once
	key     []byte
	mu      sync.Mutex
	entries map[string]loginEntry
}

type loginEntry struct {
	acct    *store.Account
	expires time.Time
}

func (c *loginCache) init() {
	c.once.Do(func() {
		c.key = make([]byte, 32)
		rand.Read(c.key) // never fails (crypto/rand's contract)
		c.entries = map[string]loginEntry{}
	})
}

func (c *loginCache) keyOf(address, password string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(address))
	m.Write([]byte{0})
	m.Write([]byte(password))
	return string(m.Sum(nil))
}

func (c *loginCache) get(k string, now time.Time) *store.Account {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return nil
	}
	if !now.Before(e.expires) {
		delete(c.entries, k)
		return nil
	}
	return e.acct
}

func (c *loginCache) put(k string, acct *store.Account, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= loginMax {
		for k2, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k2)
			}
		}
		// Still full: drop any, the map's order is as good as random.
		for k2 := range c.entries {
			if len(c.entries) < loginMax {
				break
			}
			delete(c.entries, k2)
		}
	}
	c.entries[k] = loginEntry{acct: acct, expires: now.Add(loginTTL)}
}

func (c *loginCache) forget(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, k)
}

// authenticate logs the request in, or answers it and returns false.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) (*reqCtx, bool) {
	var remote net.Addr
	if a, err := net.ResolveTCPAddr("tcp", r.RemoteAddr); err == nil {
		remote = a
	}
	tls := r.TLS != nil
	if !h.Auth.PlaintextAllowed(remote, tls) {
		// No challenge: a client must not be invited to send a password
		// in clear where it would be refused anyway.
		http.Error(w, "CardDAV needs HTTPS here / 이 주소에서는 HTTPS로만 접속할 수 있습니다", http.StatusForbidden)
		return nil, false
	}
	address, password, ok := r.BasicAuth()
	if !ok {
		h.unauthorized(w)
		return nil, false
	}
	address = strings.ToLower(strings.TrimSpace(address))
	h.logins.init()
	key := h.logins.keyOf(address, password)
	ctx := r.Context()
	acct := h.logins.get(key, h.now())
	var err error
	if acct != nil {
		if err = h.Auth.Recheck(ctx, acct, auth.ProtoCardDAV); err != nil {
			h.logins.forget(key)
			if errors.Is(err, auth.ErrLoginEnded) {
				// Log in afresh: the answer then says why (a changed
				// password is simply wrong now).
				acct, err = nil, nil
			}
		}
	}
	if acct == nil && err == nil {
		acct, err = h.Auth.Login(ctx, auth.Request{Address: address, Password: password, Protocol: auth.ProtoCardDAV, Remote: remote, TLS: tls})
		if err == nil {
			h.logins.put(key, acct, h.now())
		}
	}
	switch {
	case err == nil:
	case errors.Is(err, auth.ErrInvalidCredentials), errors.Is(err, auth.ErrSuspended), errors.Is(err, auth.ErrClientAccessOff):
		// One answer for all three: the access log tells the user why;
		// the client only learns to ask for the password again.
		h.unauthorized(w)
		return nil, false
	case errors.Is(err, auth.ErrTLSRequired):
		http.Error(w, "CardDAV needs HTTPS here / 이 주소에서는 HTTPS로만 접속할 수 있습니다", http.StatusForbidden)
		return nil, false
	case errors.Is(err, auth.ErrTooManyFailures):
		retryAfter(w, auth.RetryAfter(err))
		http.Error(w, "too many failed logins, try again later / 로그인 실패가 많아 잠시 후 다시 시도해 주세요", http.StatusTooManyRequests)
		return nil, false
	case errors.Is(err, auth.ErrBusy):
		retryAfter(w, auth.RetryAfter(err))
		http.Error(w, "busy, try again shortly / 잠시 후 다시 시도해 주세요", http.StatusServiceUnavailable)
		return nil, false
	case errors.Is(err, context.Canceled):
		return nil, false
	default:
		h.log().Error("carddav login", "address", address, "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return nil, false
	}
	rc := &reqCtx{ctx: ctx, actor: actor.User(acct), address: strings.ToLower(acct.Address()), name: acct.DisplayName, lang: acct.Language}
	if rc.lang != "ko" && rc.lang != "en" {
		rc.lang = language(r)
	}
	return rc, true
}

func (h *Handler) unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", challenge)
	http.Error(w, "login required / 로그인이 필요합니다", http.StatusUnauthorized)
}

func retryAfter(w http.ResponseWriter, d time.Duration) {
	if d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}

// language is the language of display names for an account without
// one of its own: English when the client
// prefers a language other than Korean, Korean otherwise (the product's
// own, and the answer to a client that says nothing).
func language(r *http.Request) string {
	al := strings.TrimSpace(r.Header.Get("Accept-Language"))
	if al == "" {
		return "ko"
	}
	first := strings.ToLower(strings.TrimSpace(strings.SplitN(strings.SplitN(al, ",", 2)[0], ";", 2)[0]))
	if first == "ko" || strings.HasPrefix(first, "ko-") || first == "*" {
		return "ko"
	}
	return "en"
}
