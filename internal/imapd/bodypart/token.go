package bodypart

import "strings"

// tokenizer splits structured header text into RFC 5322 / RFC 2045
// tokens: atoms, quoted strings (unquoted), domain literals and
// specials; comments are skipped but the last one is remembered (a name
// in "user@host (Name)"). It never fails: an unterminated quoted string
// or comment runs to the end.
type tokenizer struct {
	s    string
	pos  int
	mime bool // RFC 2045 tspecials, "." is an atom character
	// value makes the next atom run to ";" or white space (a MIME
	// parameter value written unquoted, such as name=a/b=c).
	value   bool
	comment string // the last comment passed over
	// comments makes comments tokens of their own (tokComment).
	comments bool
}

const (
	tokAtom = iota
	tokQuoted
	tokSpecial
	tokLiteral
	tokComment
)

type token struct {
	kind  int
	text  string
	space bool // white space or a comment came before it
}

func (t *tokenizer) special(c byte) bool {
	if t.value {
		return c == ';' || c == '(' || c == '"'
	}
	if t.mime {
		return strings.IndexByte("()<>@,;:\\\"/[]?=", c) >= 0
	}
	return strings.IndexByte("()<>[]:;@\\,.\"", c) >= 0
}

// skipCFWS passes over white space and comments, reporting whether there
// were any.
func (t *tokenizer) skipCFWS() bool {
	start := t.pos
	for t.pos < len(t.s) {
		switch c := t.s[t.pos]; c {
		case ' ', '\t', '\r', '\n':
			t.pos++
		case '(':
			if t.comments {
				return t.pos > start
			}
			t.readComment()
		default:
			return t.pos > start
		}
	}
	return t.pos > start
}

func (t *tokenizer) readComment() {
	depth := 0
	var b strings.Builder
	for t.pos < len(t.s) {
		c := t.s[t.pos]
		t.pos++
		switch c {
		case '\\':
			if t.pos < len(t.s) {
				b.WriteByte(t.s[t.pos])
				t.pos++
			}
			continue
		case '(':
			depth++
			if depth == 1 {
				continue
			}
		case ')':
			depth--
			if depth == 0 {
				t.comment = strings.TrimSpace(b.String())
				return
			}
		}
		b.WriteByte(c)
	}
	t.comment = strings.TrimSpace(b.String())
}

func (t *tokenizer) next() (token, bool) {
	space := t.skipCFWS()
	if t.pos >= len(t.s) {
		return token{}, false
	}
	c := t.s[t.pos]
	switch {
	case c == '(' && t.comments:
		t.readComment()
		return token{kind: tokComment, text: t.comment, space: space}, true
	case c == '"':
		t.pos++
		var b strings.Builder
		for t.pos < len(t.s) {
			c := t.s[t.pos]
			t.pos++
			if c == '"' {
				break
			}
			if c == '\\' && t.pos < len(t.s) {
				c = t.s[t.pos]
				t.pos++
			}
			if c != '\r' && c != '\n' {
				b.WriteByte(c)
			}
		}
		return token{kind: tokQuoted, text: b.String(), space: space}, true
	case c == '[' && !t.mime:
		end := strings.IndexByte(t.s[t.pos:], ']')
		if end < 0 {
			end = len(t.s) - t.pos - 1
		}
		text := t.s[t.pos : t.pos+end+1]
		t.pos += end + 1
		return token{kind: tokLiteral, text: text, space: space}, true
	case t.special(c):
		t.pos++
		return token{kind: tokSpecial, text: string(c), space: space}, true
	}
	start := t.pos
	for t.pos < len(t.s) {
		c := t.s[t.pos]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || t.special(c) {
			break
		}
		t.pos++
	}
	t.value = false
	return token{kind: tokAtom, text: t.s[start:t.pos], space: space}, true
}
