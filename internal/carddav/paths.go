package carddav

// The namespace: what a request path names, and the hrefs of what we
// answer. A contact's resource name comes from its UID, so that a client
// that names a new card after its UID (vdirsyncer, DAVx⁵, Apple's) finds
// it again under the name it chose.

import (
	"encoding/base64"
	"net/url"
	"strings"
	"unicode/utf8"

	"postroom/internal/contacts"
)

// kind is what a path names.
type kind int

const (
	kRoot       kind = iota // /dav/
	kPrincipals             // /dav/principals/
	kPrincipal              // /dav/principals/<address>/
	kHomes                  // /dav/addressbooks/
	kHome                   // /dav/addressbooks/<address>/
	kBook                   // /dav/addressbooks/<address>/<book>/
	kCard                   // /dav/addressbooks/<address>/<book>/<name>.vcf
)

// davPath is a parsed request path.
type davPath struct {
	kind  kind
	owner string // the <address>, lower case; "" above the principal and the home
	book  contacts.Book
	uid   string // kCard: the UID its name stands for
}

// parsePath reads an escaped request path (or an href's path); false
// when it names nothing of ours.
func parsePath(escaped string) (davPath, bool) {
	rest, ok := strings.CutPrefix(escaped, "/dav")
	if !ok || (rest != "" && rest[0] != '/') {
		return davPath{}, false
	}
	rest = strings.TrimPrefix(rest, "/")
	trailing := strings.HasSuffix(rest, "/")
	rest = strings.TrimSuffix(rest, "/")
	var segs []string
	if rest != "" {
		for _, s := range strings.Split(rest, "/") {
			u, err := url.PathUnescape(s)
			if err != nil || u == "" || strings.Contains(u, "/") {
				return davPath{}, false
			}
			segs = append(segs, u)
		}
	}
	if len(segs) == 0 {
		return davPath{kind: kRoot}, true
	}
	switch segs[0] {
	case "principals":
		switch len(segs) {
		case 1:
			return davPath{kind: kPrincipals}, true
		case 2:
			return davPath{kind: kPrincipal, owner: strings.ToLower(segs[1])}, true
		}
	case "addressbooks":
		switch len(segs) {
		case 1:
			return davPath{kind: kHomes}, true
		case 2:
			return davPath{kind: kHome, owner: strings.ToLower(segs[1])}, true
		}
		book := contacts.Book(segs[2])
		if book != contacts.Personal && book != contacts.Shared {
			return davPath{}, false
		}
		p := davPath{kind: kBook, owner: strings.ToLower(segs[1]), book: book}
		switch len(segs) {
		case 3:
			return p, true
		case 4:
			name, ok := strings.CutSuffix(segs[3], ".vcf")
			if !ok || name == "" || trailing {
				return davPath{}, false
			}
			p.kind, p.uid = kCard, uidOf(name)
			return p, true
		}
	}
	return davPath{}, false
}

// maxSafeUID bounds a UID written as itself in a name; a longer one is
// escaped like an unsafe one (a name stays well under file-name limits of
// the clients that mirror books as files, like vdirsyncer).
const maxSafeUID = 128

// safeUID reports whether uid can be a resource name as it is: letters,
// digits and -_.@ only, not starting with a dot. '~' is left out on
// purpose: it marks an escaped name, so the two never collide.
func safeUID(uid string) bool {
	if uid == "" || len(uid) > maxSafeUID || uid[0] == '.' {
		return false
	}
	for i := 0; i < len(uid); i++ {
		c := uid[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.@", c) >= 0) {
			return false
		}
	}
	return true
}

// nameOf is the resource name (without .vcf) of a contact's UID: the
// UID itself when safe, else "~" and its URL-safe base64, stable and
// free of characters that need escaping.
func nameOf(uid string) string {
	if safeUID(uid) {
		return uid
	}
	return "~" + base64.RawURLEncoding.EncodeToString([]byte(uid))
}

// uidOf is the UID a resource name stands for: the reverse of nameOf
// for the names we make, and the name itself for any other (a client's
// choice for a new card without a UID).
func uidOf(name string) string {
	if enc, ok := strings.CutPrefix(name, "~"); ok {
		if b, err := base64.RawURLEncoding.DecodeString(enc); err == nil && utf8.Valid(b) && nameOf(string(b)) == name {
			return string(b)
		}
	}
	return name
}

func seg(s string) string { return url.PathEscape(s) }

func principalHref(address string) string { return principals + seg(address) + "/" }
func homeHref(address string) string      { return addressbooks + seg(address) + "/" }
func bookHref(address string, b contacts.Book) string {
	return homeHref(address) + string(b) + "/"
}
func cardHref(address string, b contacts.Book, uid string) string {
	return bookHref(address, b) + seg(nameOf(uid)+".vcf")
}

// href is the canonical href of p (collections end in "/").
func (p davPath) href() string {
	switch p.kind {
	case kPrincipals:
		return principals
	case kPrincipal:
		return principalHref(p.owner)
	case kHomes:
		return addressbooks
	case kHome:
		return homeHref(p.owner)
	case kBook:
		return bookHref(p.owner, p.book)
	case kCard:
		return cardHref(p.owner, p.book, p.uid)
	}
	return root
}

// hrefPath is the escaped path of an href from a request body: an
// absolute path, or a full URL whose path is taken (RFC 4918 §8.3).
func hrefPath(href string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return "", false
	}
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") {
		return "", false
	}
	return p, true
}
