package bodypart

import (
	"strings"
)

// keptFields are the header fields Structure and Envelope need; the rest
// of a header is only passed over.
var keptFields = map[string]bool{
	"content-type": true, "content-transfer-encoding": true, "content-id": true,
	"content-description": true, "content-md5": true, "content-disposition": true,
	"content-language": true, "content-location": true,
	"date": true, "subject": true, "from": true, "sender": true, "reply-to": true,
	"to": true, "cc": true, "bcc": true, "in-reply-to": true, "message-id": true,
}

// field is a kept header field: its lower-case name and its value as
// written after the colon, line breaks included (first occurrence only).
// The value is a []byte so that a field folded into many lines is built
// in amortized linear time.
type field struct {
	name  string
	value []byte
}

type header []field

func (h header) get(name string) *field {
	for i := range h {
		if h[i].name == name {
			return &h[i]
		}
	}
	return nil
}

// text is the field's value unfolded (line breaks removed, the white
// space kept, RFC 5322 §2.2.3) and trimmed; "" when absent.
func (h header) text(name string) string {
	f := h.get(name)
	if f == nil {
		return ""
	}
	v := strings.Trim(string(f.value), " \t\r\n")
	if strings.ContainsAny(v, "\r\n") {
		v = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, v)
	}
	return v
}

// interpret reads the Content-* fields into part: RFC 2045 defaults for
// what is absent or unreadable (text/plain; charset=us-ascii, or
// message/rfc822 inside a multipart/digest, RFC 2046 §5.1.5).
func (part *Part) interpret(digest bool) {
	part.Encoding = cleanValue(part.header.text("content-transfer-encoding"))
	if f := part.header.get("content-type"); f != nil {
		typ, sub, params, ok := parseMediaType(part.header.text("content-type"))
		if ok {
			part.Type, part.Subtype, part.Params = typ, sub, params
			if equalFold(typ, "multipart") {
				if b := param(params, "boundary"); b != "" && len(b) <= maxBoundary {
					part.boundary = b
				} else {
					part.asText()
				}
			}
			return
		}
		part.asText()
		return
	}
	if digest {
		part.Type, part.Subtype = "MESSAGE", "RFC822"
		return
	}
	part.asText()
}

// asText makes part the RFC 2045 §5.2 default, text/plain in US-ASCII.
func (part *Part) asText() {
	part.Type, part.Subtype = "TEXT", "PLAIN"
	part.Params = [][2]string{{"CHARSET", "US-ASCII"}}
	part.boundary = ""
}

func (part *Part) isMessage() bool {
	return equalFold(part.Type, "message") && (equalFold(part.Subtype, "rfc822") || equalFold(part.Subtype, "global"))
}

// identityCTE reports whether a transfer encoding leaves the bytes as
// they are (RFC 2045 §6.2); "" is 7bit.
func identityCTE(enc string) bool {
	switch strings.ToLower(enc) {
	case "", "7bit", "8bit", "binary":
		return true
	}
	return false
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

func param(params [][2]string, name string) string {
	for _, kv := range params {
		if equalFold(kv[0], name) {
			return kv[1]
		}
	}
	return ""
}

// cleanValue drops comments and white space around a token value
// (Content-Transfer-Encoding: base64 (ok)).
func cleanValue(v string) string {
	var t tokenizer
	t.s = v
	var b strings.Builder
	for {
		tok, ok := t.next()
		if !ok {
			break
		}
		if b.Len() > 0 && tok.space {
			b.WriteByte(' ')
		}
		b.WriteString(tok.text)
	}
	return b.String()
}

// parseMediaType reads type "/" subtype *(";" attribute "=" value)
// (RFC 2045 §5.1), tolerant of comments, white space, missing values and
// stray semicolons. Parameter names and values are kept as written,
// values unquoted; RFC 2231 continuations (name*0*=...) stay as they are.
func parseMediaType(v string) (typ, sub string, params [][2]string, ok bool) {
	t := tokenizer{s: v, mime: true}
	tok, _ := t.next()
	if tok.kind != tokAtom {
		return "", "", nil, false
	}
	typ = tok.text
	if tok, _ = t.next(); tok.kind != tokSpecial || tok.text != "/" {
		return "", "", nil, false
	}
	if tok, _ = t.next(); tok.kind != tokAtom {
		return "", "", nil, false
	}
	sub = tok.text
	params = parseParams(&t)
	return typ, sub, params, true
}

// parseParams reads *(";" attribute "=" value) from t.
func parseParams(t *tokenizer) [][2]string {
	var params [][2]string
	for {
		tok, ok := t.next()
		if !ok {
			return params
		}
		if tok.kind != tokAtom {
			continue
		}
		name := tok.text
		if tok, ok = t.next(); !ok || tok.text != "=" || tok.kind != tokSpecial {
			continue
		}
		t.value = true
		tok, ok = t.next()
		t.value = false
		if !ok || (tok.kind != tokAtom && tok.kind != tokQuoted) {
			continue
		}
		if len(params) < 1000 {
			params = append(params, [2]string{name, tok.text})
		}
	}
}

// parseDisposition reads a Content-Disposition (RFC 2183).
func parseDisposition(v string) (string, [][2]string) {
	t := tokenizer{s: v, mime: true}
	tok, _ := t.next()
	if tok.kind != tokAtom {
		return "", nil
	}
	return tok.text, parseParams(&t)
}
