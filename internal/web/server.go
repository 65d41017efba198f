// Package web is the HTTP adapter: the JSON API under /api/v1 that the
// webmail (and any integration) uses, sessions with CSRF protection, the
// event stream, and /healthz. It decides no mail policy: it translates
// requests into calls of the services (deps_*.go: the interfaces it uses;
// never the store) for the logged-in session.
//
// Invariants:
//   - Every /api/v1 handler but login runs for a session, and every
//     service call names the session's actor: the service answers another
//     account's id with not found, which is 404, revealing nothing.
//   - Every state-changing request carries the session's CSRF token, and
//     none comes from another site (Sec-Fetch-Site, else Origin), login
//     included; a JSON body is application/json (a page elsewhere can
//     only post forms and text/plain without asking), one value with
//     nothing after it, at most its route's size (decode.go).
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"postroom/internal/blob"
	"postroom/internal/config"
	"postroom/internal/store"
)

// Server serves HTTP.
type Server struct {
	// Mail is reading and filing mail (deps_mail.go).
	Mail   Mailboxes
	Events Events
	Log    *slog.Logger
	// Sessions and Accounts (deps_session.go) serve the sessions, the
	// user's own settings and the address directory. Ready, when set,
	// tells /healthz and /readyz whether the store answers.
	Sessions Sessions
	Accounts Accounts
	Ready    func(context.Context) error
	// draining is set by Drain when the server begins to shut down
	// (readyz.go).
	draining drainFlag
	// HTTPSAddr, when set, is where plain-HTTP requests from other hosts
	// than loopback are redirected ("host:port" of the https listener).
	HTTPSAddr string
	// Send is writing mail: uploads, drafts, sending, undo (deps_send.go).
	Send Sending
	// Admin is the administrators' service (the operator's console), and
	// Hostname the mail server's name its DNS records point at.
	Admin    Administration
	Hostname string
	// Filters is the user's filter rules and Jobs the background jobs
	// that apply them (filters.go, jobs.go); without them those routes
	// are 404.
	Filters Filters
	Jobs    Jobs
	// External is the fetching of external mail accounts
	// (external_accounts.go); without it those routes are 404.
	External ExternalAccounts
	// Receipts is read receipts and recall (receipts.go); without it those
	// routes are 404.
	Receipts Receipts
	// Imports is the import of an upload into a folder (folders_import.go);
	// without it that route is 404.
	Imports FolderImports
	// Clients and Logins are the user's mail clients and access log
	// (deps_clients.go: client_setup.go, access_log.go).
	Clients Clients
	Logins  LoginLog
	// Now is the server's clock (time.Now when nil): sessions, uploads,
	// sending and inline-image tokens read it, so tests move time instead
	// of sleeping.
	Now func() time.Time
	// MaxJSONSize is the largest body of the writing routes (config
	// http.max_json_size; never more than the message size limit), and
	// MaxStreamsPerAccount the event streams an account may hold at once
	// (http.max_event_streams_per_user). The config's defaults when 0.
	MaxJSONSize          int64
	MaxStreamsPerAccount int
	// MetricsToken is the bearer token of GET /metrics (config
	// http.metrics_token; metrics.go).
	MetricsToken string

	// Contacts is the address books (contacts*.go, addresses.go); without
	// it those routes are 404. DAV, when set, serves CardDAV under /dav/
	// and /.well-known/carddav (its own login: HTTP Basic, as IMAP).
	Contacts Contacts
	DAV      http.Handler
	// Org is the domain's organisation and its accounts as the domain
	// console changes them (admin_departments.go); without it those
	// routes are 404.
	Org Organisation
	// Tokens is the integration API's tokens (admin_tokens.go); without
	// it no token is accepted and the token routes are 404.
	Tokens APITokens
	// Audit is the administrators' audit log (admin_audit.go) and
	// LoginLinks the integration API's login links (login_link.go);
	// without them those routes are 404.
	Audit      AuditLog
	LoginLinks LoginLinks

	// Settings is the user's settings (settings.go); without it the
	// settings routes are 404 and lists have the default page size.
	Settings UserSettings
	// Passwords is the user's password change and "forgot password"
	// (account_password.go, password_reset.go); without it they are 404.
	Passwords Passwords

	// IDKey is the key of the API's opaque ids (ids.go: the store's secret
	// "web-ids"); without one, ids are the store's own.
	IDKey []byte

	ids      *idCodec      // from IDKey, by Handler
	streams  streams       // events.go
	building gate          // compose_gate.go
	beat     time.Duration // the event streams' heartbeat when set (tests)
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Server) maxJSON() int64 {
	if s.MaxJSONSize > 0 {
		return s.MaxJSONSize
	}
	return config.Default("").HTTP.MaxJSONSize
}

func (s *Server) maxStreams() int {
	if s.MaxStreamsPerAccount > 0 {
		return s.MaxStreamsPerAccount
	}
	return config.Default("").HTTP.MaxEventStreamsPerUser
}

// Handler returns the routes of routes.go behind their middleware.
func (s *Server) Handler() http.Handler {
	if s.IDKey != nil {
		c, err := newIDCodec(s.IDKey)
		if err != nil {
			panic(fmt.Sprintf("web: the id key: %v", err)) // the wiring's mistake, found at start
		}
		s.ids = c
	}
	mux := http.NewServeMux()
	for _, r := range s.routes() {
		h := r.handler
		switch r.access {
		case public:
		case adminOrToken, userOrToken:
			h = s.tokenOrSession(h, r.access)
		default:
			h = s.requireSession(h, r.access)
		}
		mux.Handle(r.method+" "+r.path, timed(r.method+" "+r.path, h))
	}
	mux.Handle("GET /", s.static())
	return s.redirectPlain(securityHeaders(s.sameOrigin(s.withDAV(mux))))
}

// sameOrigin refuses a state-changing request that a page of another
// site made the browser send (Sec-Fetch-Site, else Origin against Host):
// 403 cross_origin, before any handler, login included (a forged login
// would put the victim in the attacker's account). Programs that send
// neither header are not browsers and pass.
func (s *Server) sameOrigin(next http.Handler) http.Handler {
	c := http.NewCrossOriginProtection()
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "cross_origin")
	}))
	return c.Handler(next)
}

// redirectPlain sends plain-HTTP requests from other hosts to HTTPS: a
// password never crosses the network in clear (loopback may stay plain).
func (s *Server) redirectPlain(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil || s.HTTPSAddr == "" || isLoopback(r.RemoteAddr) {
			next.ServeHTTP(w, r)
			return
		}
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		_, port, _ := net.SplitHostPort(s.HTTPSAddr)
		target := "https://" + net.JoinHostPort(host, port) + r.URL.RequestURI()
		http.Redirect(w, r, target, http.StatusMovedPermanently)
	})
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hsts is the Strict-Transport-Security of HTTPS answers (RFC 6797): a
// year, this host only (other names of the domain may not serve HTTPS).
// A browser ignores it over a certificate it had to be told to accept
// (§8.1), so the self-signed certificate of a first run locks nobody out.
const hsts = "max-age=31536000"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// apiError is the body of every error answer: a stable code for programs
// and a message in the user's language.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, code string) {
	writeJSON(w, status, map[string]apiError{"error": {Code: code, Message: localized(r, code)}})
}

// storeFail answers a store error: not found (or another account's) is 404.
func (s *Server) storeFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "not_found")
	case errors.Is(err, store.ErrExists):
		s.fail(w, r, http.StatusConflict, "exists")
	case errors.Is(err, store.ErrProtected):
		s.fail(w, r, http.StatusForbidden, "protected")
	case errors.Is(err, store.ErrHasChildren):
		s.fail(w, r, http.StatusConflict, "has_children")
	case errors.Is(err, store.ErrInvalid):
		s.fail(w, r, http.StatusBadRequest, "invalid")
	case errors.Is(err, store.ErrOverQuota):
		s.fail(w, r, http.StatusInsufficientStorage, "over_quota")
	case errors.Is(err, os.ErrDeadlineExceeded): // the body did not come in time (http.read_timeout)
		w.Header().Set("Connection", "close")
		s.fail(w, r, http.StatusRequestTimeout, "request_timeout")
	case diskFull(err):
		s.log().Error("web: out of storage", "path", r.URL.Path, "err", err)
		s.fail(w, r, http.StatusInsufficientStorage, "storage_full")
	default:
		s.log().Error("web", "path", r.URL.Path, "err", err)
		s.fail(w, r, http.StatusInternalServerError, "internal")
	}
}

// diskFull reports whether err is the server's storage that is full (the
// message files' disk or quota, the database's): 507, as RFC 4918 §11.5
// has it, not an internal error; the account's quota is over_quota.
func diskFull(err error) bool {
	return errors.Is(err, blob.ErrFull) || errors.Is(err, store.ErrFull)
}
