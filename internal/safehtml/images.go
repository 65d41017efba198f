package safehtml

import (
	"net/url"
	"regexp"
	"strings"
)

// dataImageRE matches a base64 data: URL of a raster image type. SVG is
// excluded: it is a document that can carry script and links, and its safety
// would then rest on how the browser treats it inside <img>.
var dataImageRE = regexp.MustCompile(`(?i)^data:image/(png|gif|jpeg|jpg|pjpeg|webp)(;[a-z0-9_.+=-]{1,64}){0,4};base64,[a-z0-9+/]*={0,2}$`)

// isDataImage reports whether a normalized URL is a data: image we show.
func isDataImage(s string) bool {
	return dataImageRE.MatchString(stripSpace(s))
}

// stripSpace removes ASCII whitespace, which a data: URL's base64 payload may
// be wrapped with and which the browser ignores when decoding it.
func stripSpace(s string) string {
	if !strings.ContainsAny(s, " \t\n\r\f") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\f':
			return -1
		}
		return r
	}, s)
}

// imagePolicy decides, for every image a message refers to (img src, the
// background attribute and CSS url()), whether it is shown and from where,
// and counts the remote ones it blocks. One is made per Sanitize call.
type imagePolicy struct {
	opt     Options
	blocked int
}

// imageSource is the verdict on one image reference.
type imageSource int

const (
	imageDropped imageSource = iota // not an image we load: the reference is removed
	imageBlocked                    // a remote image the user has not allowed yet: removed and counted
	imageShown                      // shown from the returned URL
)

// resolve returns the verdict on an image reference and, when it is shown,
// the URL to load it from:
//   - cid: (RFC 2392) is an inline part of the message, served by the
//     webmail at Options.CIDURL; without CIDURL it is dropped.
//   - data: images of a raster type are kept as they are.
//   - http, https and protocol-relative URLs are remote: shown only with
//     Options.AllowRemote, because loading them tells the sender when and
//     where the mail was read (tracking pixels).
//   - anything else (relative paths, javascript:, file:, ...) is dropped.
func (p *imagePolicy) resolve(raw string) (string, imageSource) {
	s, ok := normalizeURL(raw)
	if !ok {
		return "", imageDropped
	}
	switch urlScheme(s) {
	case "cid":
		return p.cid(s[len("cid:"):])
	case "data":
		if isDataImage(s) {
			return stripSpace(s), imageShown
		}
		return "", imageDropped
	}
	u, ok := webURL(s)
	switch {
	case !ok:
		return "", imageDropped
	case !p.opt.AllowRemote:
		p.blocked++
		return "", imageBlocked
	}
	return u, imageShown
}

// cid maps a Content-ID reference to the URL the webmail serves the part
// from. RFC 2392 writes the Content-ID URL-encoded and without its angle
// brackets; some mailers leave the brackets in, so they are trimmed too.
func (p *imagePolicy) cid(ref string) (string, imageSource) {
	if p.opt.CIDURL == nil {
		return "", imageDropped
	}
	if id, err := url.PathUnescape(ref); err == nil {
		ref = id
	}
	ref = strings.TrimSuffix(strings.TrimPrefix(ref, "<"), ">")
	if ref == "" {
		return "", imageDropped
	}
	// CIDURL is our own code, but its result lands in the page: accept
	// only a path on the webmail or an http(s) URL, never a script scheme.
	u, ok := normalizeURL(p.opt.CIDURL(ref))
	if !ok {
		return "", imageDropped
	}
	switch urlScheme(u) {
	case "":
		if strings.HasPrefix(u, "//") {
			return "", imageDropped
		}
	case "http", "https":
	default:
		return "", imageDropped
	}
	return u, imageShown
}

// cssURL returns what replaces a url(...) in an inline style: the image as a
// quoted CSS url, "none" when a remote image is blocked (so that a
// "background: #fff url(...)" keeps its colour), or false when the whole
// declaration must go.
func (p *imagePolicy) cssURL(raw string) (string, bool) {
	u, verdict := p.resolve(raw)
	switch verdict {
	case imageShown:
		return `url("` + cssURLEscape(u) + `")`, true
	case imageBlocked:
		return "none", true
	}
	return "", false
}

// cssURLEscape percent-encodes the characters that could end a quoted CSS
// url or start an escape, so the URL cannot break out of url("...").
func cssURLEscape(u string) string {
	const special = "\"'()\\ \t\n\r\f<>"
	if !strings.ContainsAny(u, special) {
		return u
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if strings.IndexByte(special, c) >= 0 {
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
