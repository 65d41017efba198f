package spam

// The Authentication-Results header field (RFC 8601 §2.2):
//
//	Authentication-Results: mx.example.net;
//		spf=pass smtp.mailfrom=example.com;
//		dkim=pass header.d=example.com header.s=pr202611r;
//		dmarc=pass (p=reject) header.from=example.com;
//		iprev=pass policy.iprev=192.0.2.1 (mail.example.com)
//
// One method per line; a line longer than maxLine is folded between words
// (RFC 5322 §2.2.3). Reasons are kept to plain words so that simple
// parsers (go-msgauth's authres among them) read the field back intact.

import (
	"strings"
)

// maxLine is the longest line Header writes when words allow, without the
// CRLF (RFC 5322 §2.1.1 asks for at most 78).
const maxLine = 77

// maxReason bounds a reason= value.
const maxReason = 60

// Header returns the Authentication-Results header field for the results,
// ending in CRLF. authservID names this server (RFC 8601 §2.5), normally
// its host name. A method whose result is empty is left out, except DKIM,
// which says dkim=none for an unsigned message.
func (a *AuthResults) Header(authservID string) string {
	var methods [][]string
	if a.SPF != "" {
		prop := "smtp.mailfrom="
		if a.SPFScope == ScopeHelo {
			prop = "smtp.helo="
		}
		m := []string{"spf=" + token(a.SPF)}
		if a.SPFDomain != "" {
			m = append(m, prop+pvalue(a.SPFDomain))
		}
		methods = append(methods, m)
	}
	if len(a.DKIM) == 0 {
		methods = append(methods, []string{"dkim=" + None})
	}
	for _, d := range a.DKIM {
		// RFC 8601 §2.2: the reason comes before the properties.
		m := []string{"dkim=" + token(d.Result)}
		if d.Reason != "" && d.Result != Pass {
			m = append(m, "reason="+quote(plainReason(d.Reason)))
		}
		if d.Domain != "" {
			m = append(m, "header.d="+pvalue(d.Domain))
		}
		if d.Selector != "" {
			m = append(m, "header.s="+pvalue(d.Selector))
		}
		methods = append(methods, m)
	}
	if a.DMARC != "" {
		m := []string{"dmarc=" + token(a.DMARC)}
		if a.DMARCPolicy != "" {
			m = append(m, "(p="+token(a.DMARCPolicy)+")")
		}
		if a.FromDomain != "" {
			m = append(m, "header.from="+pvalue(a.FromDomain))
		}
		methods = append(methods, m)
	}
	if a.IPRev != "" {
		m := []string{"iprev=" + token(a.IPRev)}
		if ip := a.IPRevIP; ip != "" {
			m = append(m, "policy.iprev="+pvalue(ip))
		}
		if n := commentSafe(a.IPRevName); n != "" {
			m = append(m, "("+n+")")
		}
		methods = append(methods, m)
	}

	var b strings.Builder
	b.WriteString("Authentication-Results: " + pvalue(authservID) + ";")
	for i, m := range methods {
		if i < len(methods)-1 {
			m[len(m)-1] += ";"
		}
		writeFolded(&b, m)
	}
	b.WriteString("\r\n")
	return b.String()
}

// writeFolded writes words as one method on a new line, folding before a
// word that would make the line longer than maxLine.
func writeFolded(b *strings.Builder, words []string) {
	b.WriteString("\r\n\t")
	n := 8 // a tab counts as up to 8 columns
	for i, w := range words {
		if i > 0 {
			if n+1+len(w) > maxLine {
				b.WriteString("\r\n\t")
				n = 8
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
}

// tspecials are the characters a MIME token may not hold (RFC 2045 §5.1).
const tspecials = `()<>@,;:\"/[]?=`

// isToken reports whether s is a non-empty RFC 2045 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || strings.IndexByte(tspecials, s[i]) >= 0 {
			return false
		}
	}
	return true
}

// token returns s when it is a token, else "permerror": result names are
// our own constants, this only keeps a hand-built AuthResults from
// breaking the field.
func token(s string) string {
	if isToken(s) {
		return s
	}
	return PermError
}

// pvalue formats a property value or the authserv-id (RFC 8601 §2.2): a
// domain name or other token as it is, anything else (an IPv6 address) as
// a quoted-string. Values come from the SMTP client (MAIL FROM, HELO) and
// may be hostile: spaces, control bytes and the characters that separate
// methods, properties and comments (";", "=", parentheses) are dropped, so
// that no parser, however naive, reads a result the checks did not give.
func pvalue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > ' ' && c < 0x7f && strings.IndexByte(`;=()"\`, c) < 0 {
			b.WriteByte(c)
		}
	}
	if isToken(b.String()) {
		return b.String()
	}
	return `"` + b.String() + `"`
}

// quote returns s, already free of '"' and '\', as a quoted-string
// (RFC 5322 §3.2.4).
func quote(s string) string { return `"` + s + `"` }

// plainReason keeps a reason to printable words without the characters
// that end a method (";"), start a property ("=") or a comment, or end the
// quoted-string, so that even a parser that does not know quoted-strings
// reads past it.
func plainReason(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < maxReason; i++ {
		switch c := s[i]; {
		case c <= ' ':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
			}
		case c < 0x7f && strings.IndexByte(`";=()\`, c) < 0:
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}

// commentSafe keeps only the characters of a host name, so that the name
// can stand in a comment.
func commentSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			b.WriteByte(c)
		}
	}
	return b.String()
}
