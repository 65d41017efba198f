package carddav

// The properties of each kind of resource, as PROPFIND and the REPORTs
// answer them: WebDAV's (RFC 4918 §15), ACL's for discovery and rights
// (RFC 3744, RFC 5397 current-user-principal), CardDAV's (RFC 6352 §6,
// §7, §10.4) and Apple's getctag.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"

	"postroom/internal/contacts"
)

// maxResourceSize is the largest card a PUT may send (RFC 6352 §6.2.3,
// advertised as CARDDAV:max-resource-size): far above a card with a
// photo, far below what would hurt.
const maxResourceSize = 1 << 20

// vcardType is the Content-Type of a card as we write it.
const vcardType = "text/vcard; charset=utf-8"

// resource is one thing a multistatus answers for.
type resource struct {
	p    davPath
	c    *contacts.Contact // kCard
	body []byte            // kCard: its vCard, made when first asked for
}

// vcard is the card's body, as GET sends it: its groups are its
// CATEGORIES (a group's rename stamps its members with a new version, so
// their ETags change with it).
func (h *Handler) vcard(rc *reqCtx, r *resource) ([]byte, error) {
	if r.body == nil {
		names, err := rc.groupNames(h, r.p.book)
		if err != nil {
			return nil, err
		}
		var cats []string
		for _, id := range r.c.Groups {
			if n, ok := names[id]; ok {
				cats = append(cats, n)
			}
		}
		var b bytes.Buffer
		contacts.EncodeVCard(&b, *r.c, cats) // a bytes.Buffer never fails
		r.body = b.Bytes()
	}
	return r.body, nil
}

// groupNames are the book's groups by id, read once per request.
func (rc *reqCtx) groupNames(h *Handler, b contacts.Book) (map[int64]string, error) {
	if m, ok := rc.groups[b]; ok {
		return m, nil
	}
	gs, err := h.Contacts.Groups(rc.ctx, rc.actor, b)
	if err != nil {
		return nil, fmt.Errorf("groups of %s: %w", b, err)
	}
	m := make(map[int64]string, len(gs))
	for _, g := range gs {
		m[g.ID] = g.Name
	}
	if rc.groups == nil {
		rc.groups = map[contacts.Book]map[int64]string{}
	}
	rc.groups[b] = m
	return m, nil
}

// groupIDs maps a card's CATEGORIES onto the book's groups by name;
// names of no group are left out (a phone's category does not make a
// group). nil when the card has none, which keeps a contact's groups:
// many clients drop the property they do not show.
func (rc *reqCtx) groupIDs(h *Handler, b contacts.Book, cats []string) ([]int64, error) {
	if len(cats) == 0 {
		return nil, nil
	}
	names, err := rc.groupNames(h, b)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, c := range cats {
		for id, n := range names {
			if n == c && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}

func etag(c *contacts.Contact) string { return `"` + strconv.FormatInt(c.Version, 10) + `"` }

// allprops is what allprop and propname answer for each kind: the live
// properties a client may want, not address-data (RFC 6352 §10.4: only
// when asked for by name).
func allprops(k kind) []xml.Name {
	common := []xml.Name{dav("resourcetype"), dav("displayname"), dav("current-user-principal"), dav("current-user-privilege-set")}
	switch k {
	case kPrincipal:
		return append(common, dav("principal-URL"), dav("owner"), card("addressbook-home-set"), dav("principal-collection-set"))
	case kHome:
		return append(common, dav("owner"))
	case kBook:
		return append(common, dav("owner"), cs("getctag"), card("addressbook-description"), card("supported-address-data"),
			card("max-resource-size"), dav("supported-report-set"))
	case kCard:
		return []xml.Name{dav("resourcetype"), dav("displayname"), dav("getetag"), dav("getcontenttype"), dav("getcontentlength"),
			dav("getlastmodified"), dav("owner"), dav("current-user-privilege-set")}
	}
	return common
}

// book labels, by language: the manual's names (내 주소록, 공용 주소록).
var bookNames = map[string]map[contacts.Book][2]string{
	"ko": {
		contacts.Personal: {"내 주소록", "나만 보는 주소록"},
		contacts.Shared:   {"공용 주소록", "같은 도메인의 모든 사용자가 보는 주소록 (관리자만 수정)"},
	},
	"en": {
		contacts.Personal: {"My contacts", "Your own address book"},
		contacts.Shared:   {"Shared contacts", "The address book every user of the domain sees (administrators edit it)"},
	},
}

func (rc *reqCtx) canWrite(h *Handler, b contacts.Book) bool {
	if w, ok := rc.writable[b]; ok {
		return w
	}
	if rc.writable == nil {
		rc.writable = map[contacts.Book]bool{}
	}
	w := h.Contacts.CanWrite(rc.actor, b)
	rc.writable[b] = w
	return w
}

func (rc *reqCtx) bookVersion(h *Handler, b contacts.Book) (int64, error) {
	if v, ok := rc.versions[b]; ok {
		return v, nil
	}
	v, err := h.Contacts.BookVersion(rc.ctx, rc.actor, b)
	if err != nil {
		return 0, err
	}
	if rc.versions == nil {
		rc.versions = map[contacts.Book]int64{}
	}
	rc.versions[b] = v
	return v, nil
}

func hrefEl(href string) string { return "<d:href>" + esc(href) + "</d:href>" }

func privileges(names ...string) string {
	var s string
	for _, n := range names {
		s += "<d:privilege><d:" + n + "/></d:privilege>"
	}
	return s
}

// propsOf answers the properties req asks of r.
func (h *Handler) propsOf(rc *reqCtx, r *resource, req propRequest) ([]propstat, error) {
	names := req.props
	if req.allprop || req.propname {
		names = allprops(r.p.kind)
	}
	out := make([]propstat, 0, len(names))
	for _, n := range names {
		if !validName(n.Local) {
			continue // nothing we could name back in XML; ours are all valid
		}
		v, ok, err := h.prop(rc, r, n)
		if err != nil {
			return nil, err
		}
		switch {
		case !ok:
			out = append(out, propstat{name: n, status: http.StatusNotFound})
		case req.propname:
			out = append(out, propstat{name: n, status: http.StatusOK})
		default:
			out = append(out, propstat{name: n, value: v, status: http.StatusOK})
		}
	}
	return out, nil
}

// prop is one property's value (inner XML) on r; false when r has none.
func (h *Handler) prop(rc *reqCtx, r *resource, n xml.Name) (string, bool, error) {
	k := r.p.kind
	switch n {
	case dav("resourcetype"):
		switch k {
		case kCard:
			return "", true, nil
		case kPrincipal:
			return "<d:collection/><d:principal/>", true, nil
		case kBook:
			return "<d:collection/><card:addressbook/>", true, nil
		}
		return "<d:collection/>", true, nil
	case dav("displayname"):
		return esc(h.displayName(rc, r)), true, nil
	case dav("current-user-principal"):
		// RFC 5397: on every resource, where a client starts discovery.
		return hrefEl(principalHref(rc.address)), true, nil
	case dav("principal-collection-set"):
		return hrefEl(principals), true, nil
	case dav("current-user-privilege-set"):
		// RFC 3744 §5.4. Clients show a book read-only when write-content
		// and bind are missing (the shared book of a non-administrator).
		switch {
		case (k == kBook || k == kCard) && rc.canWrite(h, r.p.book):
			if k == kCard {
				return privileges("read", "write-content", "read-current-user-privilege-set"), true, nil
			}
			return privileges("read", "write-content", "bind", "unbind", "read-current-user-privilege-set"), true, nil
		}
		return privileges("read", "read-current-user-privilege-set"), true, nil
	case dav("owner"):
		// The shared book is the domain's, no principal we serve: none.
		if k == kPrincipal || k == kHome || (k == kBook || k == kCard) && r.p.book == contacts.Personal {
			return hrefEl(principalHref(rc.address)), true, nil
		}
	case dav("principal-URL"):
		if k == kPrincipal {
			return hrefEl(principalHref(rc.address)), true, nil
		}
	case card("addressbook-home-set"):
		// RFC 6352 §7.1.1, on the principal.
		if k == kPrincipal {
			return hrefEl(homeHref(rc.address)), true, nil
		}
	case cs("getctag"):
		if k == kBook {
			v, err := rc.bookVersion(h, r.p.book)
			if err != nil {
				return "", false, err
			}
			return strconv.FormatInt(v, 10), true, nil
		}
	case card("addressbook-description"):
		if k == kBook {
			return esc(bookNames[rc.lang][r.p.book][1]), true, nil
		}
	case card("supported-address-data"):
		// RFC 6352 §6.2.2: we store and serve vCard 3.0.
		if k == kBook {
			return `<card:address-data-type content-type="text/vcard" version="3.0"/>`, true, nil
		}
	case card("max-resource-size"):
		if k == kBook {
			return strconv.Itoa(maxResourceSize), true, nil
		}
	case dav("supported-report-set"):
		// RFC 3253 §3.1.5; RFC 6352 §8.6, §8.7.
		if k == kBook || k == kCard {
			return "<d:supported-report><d:report><card:addressbook-multiget/></d:report></d:supported-report>" +
				"<d:supported-report><d:report><card:addressbook-query/></d:report></d:supported-report>", true, nil
		}
	case dav("getetag"):
		if k == kCard {
			return esc(etag(r.c)), true, nil
		}
	case dav("getcontenttype"):
		if k == kCard {
			return esc(vcardType), true, nil
		}
	case dav("getcontentlength"):
		if k == kCard {
			body, err := h.vcard(rc, r)
			if err != nil {
				return "", false, err
			}
			return strconv.Itoa(len(body)), true, nil
		}
	case dav("getlastmodified"):
		if k == kCard && !r.c.Updated.IsZero() {
			return esc(r.c.Updated.UTC().Format(http.TimeFormat)), true, nil
		}
	case card("address-data"):
		// RFC 6352 §10.4: the card itself, as text.
		if k == kCard {
			body, err := h.vcard(rc, r)
			if err != nil {
				return "", false, err
			}
			return esc(string(body)), true, nil
		}
	}
	return "", false, nil
}

func (h *Handler) displayName(rc *reqCtx, r *resource) string {
	ko := rc.lang == "ko"
	switch r.p.kind {
	case kPrincipal:
		if rc.name != "" {
			return rc.name
		}
		return rc.address
	case kPrincipals:
		if ko {
			return "사용자"
		}
		return "Users"
	case kHomes, kHome:
		if ko {
			return "주소록"
		}
		return "Contacts"
	case kBook:
		return bookNames[rc.lang][r.p.book][0]
	case kCard:
		return r.c.Name
	}
	return "Postroom"
}

// validName reports whether s is an XML name without a colon (NCName,
// approximately: letters, digits, '_', '-', '.', not starting with a
// digit, '-' or '.'), so that it can be written back as an element.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (r == '-' || r == '.' || unicode.IsDigit(r)):
		default:
			return false
		}
	}
	return utf8.ValidString(s)
}
