package safehtml

import (
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// normalizeURL returns an attribute value as a browser's URL parser sees it,
// so that the scheme we check is the scheme the browser would use. The URL
// Standard's basic URL parser strips leading and trailing C0 controls and
// spaces and removes every tab and newline inside the string: "jav&#x09;
// ascript:" (after entity decoding) is "javascript:" to a browser. Any other
// control character is refused outright rather than reasoned about.
func normalizeURL(raw string) (string, bool) {
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= 0x20 })
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return "", false
		}
	}
	return s, true
}

// urlScheme returns the lower-cased scheme of a normalized URL, or "" if it
// has none (a relative reference).
func urlScheme(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return strings.ToLower(s[:i])
		default:
			return ""
		}
	}
	return ""
}

// webURL checks an http or https URL, or a protocol-relative one (which it
// makes https), and returns it re-serialised by net/url so that what we
// emit is what we checked. It refuses URLs without a host: "https:\\evil"
// and similar tricks rely on browsers repairing them.
func webURL(s string) (string, bool) {
	if strings.HasPrefix(s, "//") {
		s = "https:" + s
	}
	switch urlScheme(s) {
	case "http", "https":
	default:
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || !validHost(u.Hostname()) {
		return "", false
	}
	if h := u.Hostname(); !isASCII(h) {
		// net/url would percent-encode an internationalised name; its
		// ASCII (punycode) form is what the browser resolves anyway.
		a, err := idna.ToASCII(h)
		if err != nil {
			return "", false
		}
		if p := u.Port(); p != "" {
			a += ":" + p
		}
		u.Host = a
	}
	return u.String(), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// validHost accepts a DNS name (ASCII or internationalised) or an IP
// address. net/url lets through hosts that a browser refuses, and a URL we
// keep must mean the same to both.
func validHost(h string) bool {
	if h == "" {
		return false
	}
	if strings.Contains(h, ":") {
		// Hostname has removed the brackets of an IPv6 literal.
		return strings.Trim(h, "0123456789abcdefABCDEF:.") == ""
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c >= 0x80) {
			return false
		}
	}
	return true
}

// cleanHref returns the link target a mail may keep: http, https (including
// protocol-relative), mailto and tel. Everything else is dropped: script
// schemes (javascript:, vbscript:), data: (a phishing page in a URL), cid:
// and relative references, which have no meaning outside the sender's site.
func cleanHref(raw string) (string, bool) {
	s, ok := normalizeURL(raw)
	if !ok {
		return "", false
	}
	switch urlScheme(s) {
	case "mailto", "tel":
		u, err := url.Parse(s)
		if err != nil {
			return "", false
		}
		return u.String(), true
	}
	return webURL(s)
}
