package carddav

// REPORT (RFC 3253 §3.6) with the two reports of CardDAV:
// addressbook-multiget (RFC 6352 §8.7), which clients use to fetch the
// cards a PROPFIND showed changed, and addressbook-query (§8.6), which
// some use to search. The query's filter is evaluated on the fields of
// our model (filter.go); a property we do not model matches everything,
// so a client never misses a card because of what we cannot test.

import (
	"errors"
	"net/http"

	"postroom/internal/contacts"
)

func (h *Handler) report(w http.ResponseWriter, r *http.Request, rc *reqCtx, p davPath) {
	body, ok := readBody(w, r, maxXMLBody)
	if !ok {
		return
	}
	rq, err := parseReport(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	known := rq.kind.Space == nsCard && (rq.kind.Local == reportMultiget || rq.kind.Local == reportQuery)
	if !known || (p.kind != kBook && p.kind != kCard) {
		// RFC 3253 §3.6 precondition DAV:supported-report (sync-collection
		// included: getctag tells clients when to list a book again).
		davError(w, http.StatusForbidden, "<d:supported-report/>")
		return
	}
	if rq.kind.Local == reportMultiget {
		h.multiget(w, r, rc, p, rq)
		return
	}
	h.query(w, r, rc, p, rq)
}

// multiget answers each href: its properties, or 404 for one that is not
// a card of this book (another user's included, as if it did not exist).
func (h *Handler) multiget(w http.ResponseWriter, r *http.Request, rc *reqCtx, p davPath, rq reportRequest) {
	var ms multistatus
	for _, href := range rq.hrefs {
		hp, ok := hrefPath(href)
		if !ok {
			ms.addStatus(href, http.StatusNotFound, "")
			continue
		}
		cp, ok := parsePath(hp)
		if !ok || cp.kind != kCard || cp.owner != rc.address || cp.book != p.book || (p.kind == kCard && cp.uid != p.uid) {
			ms.addStatus(hp, http.StatusNotFound, "")
			continue
		}
		c, err := h.card(rc, cp)
		if errors.Is(err, contacts.ErrNotFound) {
			ms.addStatus(hp, http.StatusNotFound, "")
			continue
		}
		if err != nil {
			h.fail(w, r, rc, err)
			return
		}
		props, err := h.propsOf(rc, &resource{p: cp, c: c}, rq.props)
		if err != nil {
			h.fail(w, r, rc, err)
			return
		}
		// The href as the client sent it (its path), so that it finds
		// its own in the answer.
		ms.add(hp, props)
	}
	ms.write(w)
}

// query answers the cards of the scope that match the filter, in the
// book's order (by name), at most limit of them.
func (h *Handler) query(w http.ResponseWriter, r *http.Request, rc *reqCtx, p davPath, rq reportRequest) {
	// RFC 3253 says an absent Depth is 0, which on a book answers
	// nothing; clients that leave it out mean the book's cards.
	d, ok := depth(r, "1")
	if !ok {
		http.Error(w, "bad Depth", http.StatusBadRequest)
		return
	}
	var scope []contacts.Contact
	switch {
	case p.kind == kCard:
		c, err := h.card(rc, p)
		if err != nil {
			h.fail(w, r, rc, err)
			return
		}
		scope = []contacts.Contact{*c}
	case d != "0":
		all, err := h.list(rc, p.book)
		if err != nil {
			h.fail(w, r, rc, err)
			return
		}
		scope = all
	}
	var ms multistatus
	n := 0
	for i := range scope {
		c := &scope[i]
		if !c.Deleted.IsZero() || !rq.filter.matches(c) {
			continue
		}
		if rq.limit > 0 && n == rq.limit {
			// RFC 6352 §8.6.1: the request-URI answers 507 when the
			// results were cut at the client's limit.
			ms.addStatus(p.href(), http.StatusInsufficientStorage, "<d:number-of-matches-within-limits/>")
			break
		}
		n++
		res := &resource{p: davPath{kind: kCard, owner: rc.address, book: p.book, uid: c.UID}, c: c}
		props, err := h.propsOf(rc, res, rq.props)
		if err != nil {
			h.fail(w, r, rc, err)
			return
		}
		ms.add(res.p.href(), props)
	}
	ms.write(w)
}
