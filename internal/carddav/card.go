package carddav

// GET, PUT and DELETE of one card (RFC 6352 §6.3.2, RFC 4918 §9.4,
// §9.6, §9.7), with the preconditions of RFC 9110 §13: If-Match says
// "only if it is still this version", If-None-Match: * "only if it does
// not exist yet"; either failing is 412 and changes nothing.

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"postroom/internal/contacts"
)

func (h *Handler) get(w http.ResponseWriter, r *http.Request, rc *reqCtx, p davPath) {
	if p.kind != kCard {
		w.Header().Set("Allow", allowed)
		http.Error(w, "a collection has no body; use PROPFIND", http.StatusMethodNotAllowed)
		return
	}
	c, err := h.card(rc, p)
	if err != nil {
		h.fail(w, r, rc, err)
		return
	}
	res := &resource{p: p, c: c}
	body, err := h.vcard(rc, res)
	if err != nil {
		h.fail(w, r, rc, err)
		return
	}
	tag := etag(c)
	w.Header().Set("ETag", tag)
	if !c.Updated.IsZero() {
		w.Header().Set("Last-Modified", c.Updated.UTC().Format(http.TimeFormat))
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && matchesETag(inm, tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", vcardType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// matchesETag reports whether an If-Match / If-None-Match list names tag
// (or is "*"). Weak tags compare by their opaque part (RFC 9110 §8.8.3.2,
// weak comparison; ours are strong, a client may send them weak).
func matchesETag(list, tag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}

// readOnly answers a change to a book the actor may only read: 403 with
// DAV:need-privileges (RFC 3744 §7.1.1) naming the privilege missing.
func readOnly(w http.ResponseWriter, p davPath, privilege string) {
	href := bookHref(p.owner, p.book)
	if privilege == "write-content" {
		href = p.href()
	}
	davError(w, http.StatusForbidden, needPrivileges(href, privilege))
}

func (h *Handler) put(w http.ResponseWriter, r *http.Request, rc *reqCtx, p davPath) {
	if p.kind != kCard {
		w.Header().Set("Allow", allowed)
		http.Error(w, "only a card (.vcf) can be written", http.StatusMethodNotAllowed)
		return
	}
	if !rc.canWrite(h, p.book) {
		readOnly(w, p, "bind")
		return
	}
	// RFC 6352 §6.3.2.1 CARDDAV:supported-address-data: vCard only.
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "text/vcard" && mt != "text/x-vcard" && mt != "text/directory") {
			davError(w, http.StatusUnsupportedMediaType, "<card:supported-address-data/>")
			return
		}
	}
	if r.ContentLength > maxResourceSize {
		davError(w, http.StatusRequestEntityTooLarge, "<card:max-resource-size/>")
		return
	}
	body, ok := readBody(w, r, maxResourceSize)
	if !ok {
		return
	}
	// CARDDAV:valid-address-data: exactly one card.
	cards, err := contacts.DecodeVCards(body)
	if err != nil || len(cards) != 1 {
		davError(w, http.StatusBadRequest, "<card:valid-address-data/>")
		return
	}
	in := cards[0].Contact
	if in.Groups, err = rc.groupIDs(h, p.book, cards[0].Groups); err != nil {
		h.fail(w, r, rc, err)
		return
	}

	old, err := h.card(rc, p)
	switch {
	case errors.Is(err, contacts.ErrNotFound):
		old = nil
	case err != nil:
		h.fail(w, r, rc, err)
		return
	}
	ifMatch, ifNone := r.Header.Get("If-Match"), r.Header.Get("If-None-Match")
	if old == nil && ifMatch != "" || old != nil && ifNone != "" && matchesETag(ifNone, etag(old)) ||
		old != nil && ifMatch != "" && !matchesETag(ifMatch, etag(old)) {
		http.Error(w, "precondition failed", http.StatusPreconditionFailed)
		return
	}
	if old == nil {
		h.create(w, r, rc, p, in, body)
		return
	}

	// An existing card keeps what a vCard does not carry: its id, book,
	// folder and groups, and its UID (its name says which card it is).
	if in.UID != "" && in.UID != old.UID {
		// RFC 6352 §6.3.2.1 CARDDAV:no-uid-conflict: a PUT may not give
		// a card another's UID, nor change its own.
		conflict := old.UID
		if other, err := h.card(rc, davPath{book: p.book, uid: in.UID}); err == nil {
			conflict = other.UID
		}
		uidConflict(w, rc, p, conflict)
		return
	}
	in.ID, in.Book, in.Folder, in.UID = old.ID, old.Book, old.Folder, old.UID
	if in.Groups == nil {
		in.Groups = old.Groups
	}
	if ifMatch != "" {
		// The check above and the write are not one step: the service
		// makes them one (ErrConflict if another write came between).
		in.Version = old.Version
	}
	switch err := h.Contacts.Update(rc.ctx, rc.actor, &in); {
	case errors.Is(err, contacts.ErrConflict):
		http.Error(w, "precondition failed", http.StatusPreconditionFailed)
		return
	case errors.Is(err, contacts.ErrInvalid):
		davError(w, http.StatusBadRequest, "<card:valid-address-data/>")
		return
	case errors.Is(err, contacts.ErrForbidden):
		readOnly(w, p, "write-content")
		return
	case err != nil:
		h.fail(w, r, rc, err)
		return
	}
	h.stored(w, rc, p, &in, body, http.StatusNoContent)
}

// create stores a new card from a PUT to a name nothing has.
func (h *Handler) create(w http.ResponseWriter, r *http.Request, rc *reqCtx, p davPath, in contacts.Contact, body []byte) {
	if in.UID == "" {
		in.UID = p.uid
	}
	in.ID, in.Book, in.Version, in.Folder = 0, p.book, 0, 0
	err := h.Contacts.Create(rc.ctx, rc.actor, &in)
	if errors.Is(err, contacts.ErrExists) {
		var restored bool
		if restored, err = h.restore(rc, p.book, &in); err == nil && !restored {
			uidConflict(w, rc, p, in.UID)
			return
		}
	}
	switch {
	case errors.Is(err, contacts.ErrInvalid):
		davError(w, http.StatusBadRequest, "<card:valid-address-data/>")
		return
	case errors.Is(err, contacts.ErrForbidden):
		readOnly(w, p, "bind")
		return
	case err != nil:
		h.fail(w, r, rc, err)
		return
	}
	at := davPath{kind: kCard, owner: rc.address, book: p.book, uid: in.UID}
	if at.href() != p.href() || at.uid != p.uid {
		// The card's own UID named it elsewhere than the client put it:
		// say where (RFC 9110 §15.3.2).
		w.Header().Set("Location", at.href())
	}
	h.stored(w, rc, at, &in, body, http.StatusCreated)
}

// restore handles a new card whose UID is a card's in the trash (deleted
// in the webmail, or by another device, while this client still had
// it): the client says the card exists with this content, so it comes
// out of the trash with it. Otherwise every later sync of the client
// would fail on the UID. false when the UID is a live card's (a real
// conflict).
func (h *Handler) restore(rc *reqCtx, b contacts.Book, in *contacts.Contact) (bool, error) {
	old, err := h.Contacts.ByUID(rc.ctx, rc.actor, b, in.UID)
	if errors.Is(err, contacts.ErrNotFound) || err == nil && old.Deleted.IsZero() {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("card %s of %s: %w", in.UID, b, err)
	}
	if err := h.Contacts.Restore(rc.ctx, rc.actor, old.ID); err != nil {
		return false, fmt.Errorf("restore card %s of %s: %w", in.UID, b, err)
	}
	in.ID, in.Folder, in.Version = old.ID, old.Folder, 0
	if in.Groups == nil {
		in.Groups = old.Groups
	}
	if err := h.Contacts.Update(rc.ctx, rc.actor, in); err != nil {
		return false, fmt.Errorf("update restored card %s of %s: %w", in.UID, b, err)
	}
	return true, nil
}

// stored answers a successful PUT. RFC 6352 §6.3.2.3: the ETag only when
// the card we now serve is what was sent; otherwise the client must GET
// it (we keep the fields of our model, not every line). REV is left out
// of the comparison: it is the time of the change, always new.
func (h *Handler) stored(w http.ResponseWriter, rc *reqCtx, p davPath, c *contacts.Contact, sent []byte, code int) {
	// A failure to read the groups back only costs the ETag.
	if body, err := h.vcard(rc, &resource{p: p, c: c}); err == nil && bytes.Equal(withoutREV(body), withoutREV(sent)) {
		w.Header().Set("ETag", etag(c))
	}
	w.WriteHeader(code)
}

// withoutREV is a card without its REV line (never folded: a timestamp).
func withoutREV(card []byte) []byte {
	var out []byte
	for line := range bytes.Lines(card) {
		if !bytes.HasPrefix(line, []byte("REV:")) {
			out = append(out, line...)
		}
	}
	return out
}

// uidConflict answers 409 CARDDAV:no-uid-conflict, with the href of the
// card that has the UID when the actor can see it (§6.3.2.1).
func uidConflict(w http.ResponseWriter, rc *reqCtx, p davPath, uid string) {
	inner := "<card:no-uid-conflict>" + hrefEl(cardHref(rc.address, p.book, uid)) + "</card:no-uid-conflict>"
	davError(w, http.StatusConflict, inner)
}

func (h *Handler) delete(w http.ResponseWriter, r *http.Request, rc *reqCtx, p davPath) {
	if p.kind != kCard {
		w.Header().Set("Allow", allowed)
		http.Error(w, "books and their homes cannot be deleted", http.StatusMethodNotAllowed)
		return
	}
	if !rc.canWrite(h, p.book) {
		readOnly(w, p, "unbind")
		return
	}
	c, err := h.card(rc, p)
	if err != nil {
		h.fail(w, r, rc, err)
		return
	}
	if im := r.Header.Get("If-Match"); im != "" && !matchesETag(im, etag(c)) {
		http.Error(w, "precondition failed", http.StatusPreconditionFailed)
		return
	}
	// To the contacts' trash, where the webmail can restore it.
	switch err := h.Contacts.Trash(rc.ctx, rc.actor, c.ID); {
	case errors.Is(err, contacts.ErrForbidden):
		readOnly(w, p, "unbind")
		return
	case err != nil:
		h.fail(w, r, rc, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
