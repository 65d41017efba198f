package carddav

// PROPFIND (RFC 4918 §9.1) on every resource, and PROPPATCH (§9.2),
// which we refuse property by property: a book's name and description
// are the product's, not a client's to change.

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"postroom/internal/contacts"
)

// maxXMLBody bounds a PROPFIND, PROPPATCH or REPORT body: a multiget of
// every card of a large book is well under it.
const maxXMLBody = 4 << 20

// readBody reads a request body up to limit; false (answered 413) when
// it is longer.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read the request body", http.StatusBadRequest)
		}
		return nil, false
	}
	return b, true
}

// depth reads the Depth header: "0", "1" or "infinity" (also when absent,
// RFC 4918 §10.2); anything else is false (400).
func depth(r *http.Request, absent string) (string, bool) {
	d := strings.ToLower(strings.TrimSpace(r.Header.Get("Depth")))
	switch d {
	case "":
		return absent, true
	case "0", "1", "infinity":
		return d, true
	}
	return "", false
}

func (h *Handler) propfind(w http.ResponseWriter, r *http.Request, rc *reqCtx, p davPath) {
	d, ok := depth(r, "infinity")
	if !ok {
		http.Error(w, "bad Depth", http.StatusBadRequest)
		return
	}
	body, ok := readBody(w, r, maxXMLBody)
	if !ok {
		return
	}
	req, err := parsePropfind(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	self := &resource{p: p}
	if p.kind == kCard {
		c, err := h.card(rc, p)
		if err != nil {
			h.fail(w, r, rc, err)
			return
		}
		self.c = c
	} else if d == "infinity" {
		// RFC 4918 §9.1: a server may refuse an infinite walk, and says
		// so with this precondition; clients then ask Depth 1.
		davError(w, http.StatusForbidden, "<d:propfind-finite-depth/>")
		return
	}
	all := []*resource{self}
	if d == "1" {
		kids, err := h.children(rc, p)
		if err != nil {
			h.fail(w, r, rc, err)
			return
		}
		all = append(all, kids...)
	}
	var ms multistatus
	for _, res := range all {
		props, err := h.propsOf(rc, res, req)
		if err != nil {
			h.fail(w, r, rc, err)
			return
		}
		ms.add(res.p.href(), props)
	}
	ms.write(w)
}

// card reads the contact p names; contacts.ErrNotFound also for one in
// the trash, which a client no longer has.
func (h *Handler) card(rc *reqCtx, p davPath) (*contacts.Contact, error) {
	c, err := h.Contacts.ByUID(rc.ctx, rc.actor, p.book, p.uid)
	if err != nil {
		return nil, fmt.Errorf("card %s of %s: %w", p.uid, p.book, err)
	}
	if !c.Deleted.IsZero() {
		return nil, fmt.Errorf("card %s of %s is in the trash: %w", p.uid, p.book, contacts.ErrNotFound)
	}
	return c, nil
}

// children are the members of a collection, for Depth 1.
func (h *Handler) children(rc *reqCtx, p davPath) ([]*resource, error) {
	own := davPath{owner: rc.address}
	at := func(k kind, b contacts.Book) *resource {
		q := own
		q.kind, q.book = k, b
		return &resource{p: q}
	}
	switch p.kind {
	case kRoot:
		return []*resource{{p: davPath{kind: kPrincipals}}, {p: davPath{kind: kHomes}}}, nil
	case kPrincipals:
		return []*resource{at(kPrincipal, "")}, nil
	case kHomes:
		return []*resource{at(kHome, "")}, nil
	case kHome:
		return []*resource{at(kBook, contacts.Personal), at(kBook, contacts.Shared)}, nil
	case kBook:
		cs, err := h.list(rc, p.book)
		if err != nil {
			return nil, err
		}
		out := make([]*resource, len(cs))
		for i := range cs {
			out[i] = &resource{p: davPath{kind: kCard, owner: rc.address, book: p.book, uid: cs[i].UID}, c: &cs[i]}
		}
		return out, nil
	}
	return nil, nil
}

// list is every contact of a book that is not in the trash.
func (h *Handler) list(rc *reqCtx, b contacts.Book) ([]contacts.Contact, error) {
	page, err := h.Contacts.List(rc.ctx, rc.actor, contacts.Query{Book: b, Page: 1, PageSize: -1})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", b, err)
	}
	return page.Contacts, nil
}

// proppatch refuses every change (RFC 4918 §9.2: all or none, each
// property with its status) with 403, after the usual checks.
func (h *Handler) proppatch(w http.ResponseWriter, r *http.Request, rc *reqCtx, p davPath) {
	body, ok := readBody(w, r, maxXMLBody)
	if !ok {
		return
	}
	names, err := parseProppatch(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if p.kind == kCard {
		if _, err := h.card(rc, p); err != nil {
			h.fail(w, r, rc, err)
			return
		}
	}
	var props []propstat
	for _, n := range names {
		if validName(n.Local) {
			props = append(props, propstat{name: n, status: http.StatusForbidden})
		}
	}
	var ms multistatus
	ms.add(p.href(), props)
	ms.write(w)
}
