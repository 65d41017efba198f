// Package carddav owns the CardDAV adapter (RFC 6352, C1): phones and
// desktop address books sync a user's personal book and his domain's
// shared book both ways over the small part of WebDAV (RFC 4918) that
// CardDAV clients use. It translates HTTP and WebDAV XML into calls of
// the contacts service and holds no rule of its own: who may read or
// change a book is the service's (CanWrite, ErrForbidden), and a DELETE
// moves a contact to the contacts' trash like the webmail's. A card is
// the contact as vCard 3.0 (internal/contacts' codec), its groups as
// CATEGORIES; what our model does not keep (PHOTO, URL, NICKNAME, X-
// properties) is not stored, so a PUT answers no ETag when the card we
// keep differs from the one sent (RFC 6352 §6.3.2.3) and the client
// reads it back. Clients learn of changes from getctag (the book's
// version); there is no sync-token (RFC 6578), since a contact deleted
// for good leaves no trace to report.
//
// The wiring builds one
//
//	&carddav.Handler{
//		Contacts: contactsService, // *contacts.Service (the Contacts interface)
//		Auth:     authenticator,   // *auth.Authenticator (the Logins interface)
//		Log:      logger,          // *slog.Logger; nil: slog.Default()
//	}
//
// and serves it at "/dav/" and "/.well-known/carddav" with the request's
// path unchanged (no http.StripPrefix).
//
// The namespace it serves:
//
//	/.well-known/carddav                      → 301 to /dav/ (RFC 6764 §5)
//	/dav/                                     the root; current-user-principal
//	/dav/principals/<address>/                the user's principal
//	/dav/addressbooks/<address>/              his address-book home set
//	/dav/addressbooks/<address>/personal/     내 주소록, his own book
//	/dav/addressbooks/<address>/shared/       공용 주소록, the domain's book
//	/dav/addressbooks/<address>/<book>/<name>.vcf  one contact
//
// Invariants:
//   - Every request but OPTIONS and the well-known redirect is
//     authenticated (HTTP Basic, the IMAP login; plain HTTP only where the
//     authenticator allows a plain-text password).
//   - A path naming another address answers 404, whatever exists there,
//     so that nothing tells which addresses have books.
//   - An ETag is `"<Version>"` of the contact; a book's getctag is the
//     book's version, which grows with every change anyone can see.
package carddav

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/contacts"
	"postroom/internal/store"
)

// Contacts is what CardDAV asks of the contacts service.
type Contacts interface {
	List(ctx context.Context, a actor.Actor, q contacts.Query) (*contacts.Page, error)
	ByUID(ctx context.Context, a actor.Actor, book contacts.Book, uid string) (*contacts.Contact, error)
	Create(ctx context.Context, a actor.Actor, c *contacts.Contact) error
	Update(ctx context.Context, a actor.Actor, c *contacts.Contact) error
	Trash(ctx context.Context, a actor.Actor, ids ...int64) error
	Restore(ctx context.Context, a actor.Actor, ids ...int64) error
	BookVersion(ctx context.Context, a actor.Actor, book contacts.Book) (int64, error)
	CanWrite(a actor.Actor, book contacts.Book) bool
	Groups(ctx context.Context, a actor.Actor, book contacts.Book) ([]contacts.Group, error)
}

// Logins is what CardDAV asks of the authentication service: the login
// IMAP uses, whether a password may cross this connection, and whether a
// login remembered from an earlier request still holds (auth.go).
type Logins interface {
	Login(ctx context.Context, r auth.Request) (*store.Account, error)
	Recheck(ctx context.Context, acct *store.Account, p auth.Protocol) error
	PlaintextAllowed(remote net.Addr, tls bool) bool
}

var (
	_ Contacts = (*contacts.Service)(nil)
	_ Logins   = (*auth.Authenticator)(nil)
)

// Handler serves CardDAV. Contacts and Auth are required.
type Handler struct {
	Contacts Contacts
	Auth     Logins
	Log      *slog.Logger     // nil: slog.Default()
	Now      func() time.Time // nil: time.Now (the remembered logins' clock)

	logins loginCache
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Paths of the namespace (see the package comment).
const (
	wellKnown    = "/.well-known/carddav"
	root         = "/dav/"
	principals   = "/dav/principals/"
	addressbooks = "/dav/addressbooks/"
)

// allowed is the Allow header of every resource: the methods this
// adapter speaks (RFC 4918 §10.1 wants OPTIONS to list them).
const allowed = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT"

// ServeHTTP answers one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == wellKnown || r.URL.Path == wellKnown+"/" {
		// RFC 6764 §5: the well-known URI redirects to the context path,
		// where a PROPFIND finds current-user-principal.
		http.Redirect(w, r, root, http.StatusMovedPermanently)
		return
	}
	p, ok := parsePath(r.URL.EscapedPath())
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method == http.MethodOptions {
		// RFC 6352 §6.1: "addressbook" in DAV tells a client that CardDAV
		// is here; answered without a login, it says nothing about anyone.
		w.Header().Set("DAV", "1, 3, addressbook")
		w.Header().Set("Allow", allowed)
		w.WriteHeader(http.StatusOK)
		return
	}
	rc, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	// Another user's principal, home or books are not found, whatever
	// is there (the package's invariant).
	if p.owner != "" && p.owner != rc.address {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.get(w, r, rc, p)
	case http.MethodPut:
		h.put(w, r, rc, p)
	case http.MethodDelete:
		h.delete(w, r, rc, p)
	case "PROPFIND":
		h.propfind(w, r, rc, p)
	case "PROPPATCH":
		h.proppatch(w, r, rc, p)
	case "REPORT":
		h.report(w, r, rc, p)
	default:
		w.Header().Set("Allow", allowed)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// reqCtx is who a request acts as.
type reqCtx struct {
	ctx     context.Context
	actor   actor.Actor
	address string // the account's address, lower case: the <address> of its paths
	name    string // the account's display name
	lang    string // "ko" or "en": the account's language, for display names
	// per request: whether the actor may change a book, and its version
	writable map[contacts.Book]bool
	versions map[contacts.Book]int64
	groups   map[contacts.Book]map[int64]string
}

// fail answers a service error: the service's refusals by their standard
// code, anything else as 500 with the cause in the log only.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error) {
	switch {
	case errors.Is(err, contacts.ErrNotFound):
		http.NotFound(w, r)
	case errors.Is(err, contacts.ErrForbidden):
		http.Error(w, "forbidden", http.StatusForbidden)
	case errors.Is(err, context.Canceled):
		// the client went away; nobody reads the answer
	default:
		h.log().Error("carddav", "method", r.Method, "path", r.URL.Path, "account", rc.address, "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
	}
}
