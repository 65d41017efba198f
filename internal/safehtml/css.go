package safehtml

import (
	"strings"
)

// This file filters inline style attributes. It does not try to understand
// CSS in general: it reads a style as a list of "property: value"
// declarations, keeps a declaration only if its property is on the
// allow-list and its value consists of nothing but harmless tokens (numbers,
// dimensions, colours, keywords, plain strings and a few functions), and
// writes the kept declarations out again in a canonical form. What reaches
// the browser is therefore our serialisation of tokens we recognised, never
// the sender's text: comments, escapes, at-rules and unknown functions
// cannot survive because they are not tokens we accept.
//
// <style> blocks are dropped entirely rather than sanitised. Doing that
// properly needs a full stylesheet parser with selector rewriting: a
// message's rules would otherwise restyle our default style, and selectors
// (attribute selectors, :hover) combined with url() are a known way to
// track or exfiltrate. Senders know that many clients drop <style> (Gmail
// did for years), which is why mail inlines the styles that matter.

// propKind says what a property's value may contain beyond plain tokens.
type propKind int

const (
	propPlain    propKind = iota
	propImage             // may contain url(): the image policy decides (images.go)
	propPosition          // only static or relative: fixed and absolute would let a message draw over the reader's interface
)

// cssProperties is the allow-list of inline-style properties. Absent on
// purpose: behavior and -moz-binding (they ran code in old browsers),
// cursor, content, border-image, mask and filter (they load URLs or draw
// outside the element), top/left/right/bottom and z-index (overlaying), and
// vendor-prefixed properties (noise in practice, and where old exploits
// lived).
var cssProperties = func() map[string]propKind {
	m := map[string]propKind{
		"background": propImage, "background-image": propImage,
		"list-style": propImage, "list-style-image": propImage,
		"position": propPosition,
	}
	for _, p := range strings.Fields(`
		color background-color background-repeat background-position background-size
		font font-family font-size font-style font-weight font-variant font-stretch
		text-align text-decoration text-decoration-color text-decoration-line text-decoration-style
		text-indent text-transform text-shadow text-overflow letter-spacing word-spacing
		line-height white-space word-break word-wrap overflow-wrap direction unicode-bidi vertical-align
		margin margin-top margin-right margin-bottom margin-left
		padding padding-top padding-right padding-bottom padding-left
		border border-collapse border-spacing border-color border-style border-width border-radius
		border-top border-right border-bottom border-left
		border-top-color border-right-color border-bottom-color border-left-color
		border-top-style border-right-style border-bottom-style border-left-style
		border-top-width border-right-width border-bottom-width border-left-width
		border-top-left-radius border-top-right-radius border-bottom-left-radius border-bottom-right-radius
		width height min-width max-width min-height max-height box-sizing
		display float clear overflow overflow-x overflow-y visibility opacity
		list-style-type list-style-position
		table-layout caption-side empty-cells
		outline outline-color outline-style outline-width`) {
		m[p] = propPlain
	}
	return m
}()

// cssFunctions are the functions a value may call besides url(). Notably
// absent: expression() (IE ran it as script), var() and attr().
var cssFunctions = map[string]bool{"rgb": true, "rgba": true, "hsl": true, "hsla": true, "calc": true}

// cssBannedWords may not appear in a keyword or string even where they are
// inert, because they are the vocabulary of CSS attacks (expression(),
// behavior, -moz-binding, @import, javascript: in a url) and a false
// positive costs one declaration of formatting.
var cssBannedWords = []string{"expression", "javascript", "vbscript", "livescript", "behavior", "behaviour", "binding", "import"}

// cleanStyle filters an inline style attribute and returns its canonical
// form, or "" if nothing survives.
func cleanStyle(style string, img *imagePolicy) string {
	var out []string
	for _, decl := range splitDeclarations(style) {
		name, value, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		kind, ok := cssProperties[name]
		if !ok {
			continue
		}
		value, important := cutImportant(value)
		v, ok := cleanValue(value, kind, img)
		if !ok {
			continue
		}
		if important {
			v += " !important"
		}
		out = append(out, name+": "+v)
	}
	return strings.Join(out, "; ")
}

// splitDeclarations splits a style at the semicolons that are outside
// strings and parentheses (a data: URL inside url() has one). A split that
// differs from the browser's can only make us drop more: every piece is
// validated on its own and re-serialised.
func splitDeclarations(s string) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			if depth > 0 {
				depth--
			}
		case c == ';' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// cutImportant removes a trailing "!important", which the browser accepts
// with spaces around the "!".
func cutImportant(v string) (string, bool) {
	t := strings.TrimRight(v, " \t\n\r\f")
	if len(t) < len("important") || !strings.EqualFold(t[len(t)-len("important"):], "important") {
		return v, false
	}
	t = strings.TrimRight(t[:len(t)-len("important")], " \t\n\r\f")
	if !strings.HasSuffix(t, "!") {
		return v, false
	}
	return t[:len(t)-1], true
}

// cleanValue tokenises a declaration's value and returns its canonical form,
// or false if any part of it is not a token we accept.
func cleanValue(v string, kind propKind, img *imagePolicy) (string, bool) {
	var b strings.Builder
	depth := 0
	space := false
	i := 0
	for i < len(v) {
		c := v[i]
		if isCSSSpace(c) {
			space = true
			i++
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		switch {
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(v) && v[j] != c {
				// No escapes (they can hide any keyword) and no raw
				// newlines (they end a string in CSS).
				if v[j] == '\\' || v[j] == '\n' || v[j] == '\r' || v[j] == '\f' || isCSSControl(v[j]) {
					return "", false
				}
				j++
			}
			if j == len(v) || hasBannedWord(v[i+1:j]) {
				return "", false
			}
			b.WriteString(v[i : j+1])
			i = j + 1
		case startsNumber(v, i):
			j := i
			if v[j] == '+' || v[j] == '-' {
				j++
			}
			for j < len(v) && (isDigit(v[j]) || v[j] == '.') {
				j++
			}
			if j < len(v) && v[j] == '%' {
				j++
			} else {
				for j < len(v) && isNameChar(v[j]) {
					j++
				}
			}
			if hasBannedWord(v[i:j]) {
				return "", false
			}
			b.WriteString(v[i:j])
			i = j
		case c == '#':
			j := i + 1
			for j < len(v) && isNameChar(v[j]) {
				j++
			}
			if j == i+1 || hasBannedWord(v[i:j]) {
				return "", false
			}
			b.WriteString(v[i:j])
			i = j
		case isNameStart(v, i):
			j := i
			for j < len(v) && isNameChar(v[j]) {
				j++
			}
			name := v[i:j]
			if hasBannedWord(name) {
				return "", false
			}
			if j < len(v) && v[j] == '(' {
				fn := strings.ToLower(name)
				if fn == "url" {
					if kind != propImage {
						return "", false
					}
					raw, end, ok := readURLArg(v, j+1)
					if !ok {
						return "", false
					}
					repl, ok := img.cssURL(raw)
					if !ok {
						return "", false
					}
					b.WriteString(repl)
					i = end
					continue
				}
				if !cssFunctions[fn] {
					return "", false
				}
				depth++
				b.WriteString(fn)
				b.WriteByte('(')
				i = j + 1
				continue
			}
			b.WriteString(name)
			i = j
		case c == ')':
			if depth == 0 {
				return "", false
			}
			depth--
			b.WriteByte(c)
			i++
		case c == ',':
			b.WriteByte(c)
			i++
		case c == '/':
			// A slash separates font-size/line-height; "/*" would
			// open a comment.
			if i+1 < len(v) && v[i+1] == '*' {
				return "", false
			}
			b.WriteByte(c)
			i++
		case (c == '+' || c == '-' || c == '*') && depth > 0:
			// Operators inside calc().
			b.WriteByte(c)
			i++
		default:
			return "", false
		}
	}
	out := b.String()
	if depth != 0 || out == "" {
		return "", false
	}
	if kind == propPosition {
		switch strings.ToLower(out) {
		case "static", "relative":
		default:
			return "", false
		}
	}
	return out, true
}

// readURLArg reads the argument of url( starting at i: a quoted string or
// an unquoted URL, then the closing parenthesis. It returns the URL and the
// index after ")". Characters that CSS does not allow unescaped in an
// unquoted url, and escapes everywhere, make it fail.
func readURLArg(v string, i int) (string, int, bool) {
	for i < len(v) && isCSSSpace(v[i]) {
		i++
	}
	if i == len(v) {
		return "", 0, false
	}
	var raw string
	if q := v[i]; q == '"' || q == '\'' {
		j := i + 1
		for j < len(v) && v[j] != q {
			if v[j] == '\\' || v[j] == '\n' || v[j] == '\r' || v[j] == '\f' {
				return "", 0, false
			}
			j++
		}
		if j == len(v) {
			return "", 0, false
		}
		raw, i = v[i+1:j], j+1
	} else {
		j := i
		for j < len(v) && v[j] != ')' && !isCSSSpace(v[j]) {
			if c := v[j]; c == '"' || c == '\'' || c == '(' || c == '\\' || isCSSControl(c) {
				return "", 0, false
			}
			j++
		}
		raw, i = v[i:j], j
	}
	for i < len(v) && isCSSSpace(v[i]) {
		i++
	}
	if i == len(v) || v[i] != ')' {
		return "", 0, false
	}
	return raw, i + 1, true
}

func hasBannedWord(s string) bool {
	l := strings.ToLower(s)
	for _, w := range cssBannedWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

func isCSSSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isCSSControl(c byte) bool { return c < 0x20 && !isCSSSpace(c) || c == 0x7f }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isNameChar is a CSS name code point; every non-ASCII byte counts, so that
// an unquoted Korean font name (font-family: 맑은 고딕) is one name.
func isNameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '-' || c == '_' || c >= 0x80
}

// isNameStart reports whether an identifier starts at v[i]: a letter, "_"
// or non-ASCII, or "-" followed by one of those or another "-".
func isNameStart(v string, i int) bool {
	c := v[i]
	if c == '-' {
		return i+1 < len(v) && (isNameChar(v[i+1]) && !isDigit(v[i+1]))
	}
	return isNameChar(c) && !isDigit(c)
}

// startsNumber reports whether a number starts at v[i]: a digit, or a sign
// or "." followed by a digit (or a sign followed by ".digit").
func startsNumber(v string, i int) bool {
	c := v[i]
	if isDigit(c) {
		return true
	}
	next := func(k int) byte {
		if k < len(v) {
			return v[k]
		}
		return 0
	}
	switch c {
	case '.':
		return isDigit(next(i + 1))
	case '+', '-':
		return isDigit(next(i+1)) || next(i+1) == '.' && isDigit(next(i+2))
	}
	return false
}
