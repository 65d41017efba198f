package message

// Plain text of a message for search and list previews, and the attachment
// list. Which parts are "the body" follows RFC 2046:
//   - multipart/alternative (§5.1.4): one alternative, text/plain preferred
//     (it is the author's own plain text; HTML is stripped only when there
//     is nothing else);
//   - other multiparts (mixed §5.1.3, related RFC 2387, ...): every inline
//     part in order;
//   - message/rfc822 shown inline (a forwarded message): its body;
//   - attachments are never body text.

import (
	"bytes"
	"html"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Text returns the best plain-text rendering of the body, decoded to UTF-8,
// with LF line breaks. HTML-only messages are stripped of their markup.
func (m *Message) Text() string {
	if m.text == nil {
		t, _ := renderText(m.Root, 0, 0)
		return t
	}
	m.text.once.Do(func() { m.text.s, _ = renderText(m.Root, 0, 0) })
	return m.text.s
}

// textMemo is a Message's Text, rendered once (a Message may be read by
// the indexer while its delivery goes on).
type textMemo struct {
	once sync.Once
	s    string
}

// TextRawSize adds up the raw bodies of the parts Text may decode: the
// text/plain and text/html parts that are not attachments. Rendering the
// whole Text of a message whose text parts are small costs what a
// prefix of it does.
func (m *Message) TextRawSize() int {
	n := 0
	if m.Root == nil {
		return 0
	}
	m.Root.Walk(func(p *Part) bool {
		if p.IsAttachment() {
			return false
		}
		if p.ContentType == "text/plain" || p.ContentType == "text/html" {
			n += len(p.RawBody())
		}
		return true
	})
	return n
}

// TextPrefix returns the start of Text, at most max bytes of it (cut at a
// character boundary). Each part is decoded from no more of its raw body
// than that needs, so memory stays a small multiple of max however large
// the message: what search indexing and list previews use (an
// unauthenticated sender controls the size).
func (m *Message) TextPrefix(max int) string {
	if max <= 0 {
		return ""
	}
	t, _ := renderText(m.Root, 0, max)
	return cutUTF8(t, max)
}

// previewScan is how much body text Preview looks at: enough to find n
// visible characters after any reasonable run of blank lines.
const previewScan = 64 << 10

// cutUTF8 returns s cut to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Preview returns up to n runes of the body's plain text (see Text), with
// all runs of whitespace collapsed to one space and invisible formatting
// characters (zero-width spaces, soft hyphens, BOMs: the padding that
// newsletters put after their preview text) removed.
func (m *Message) Preview(n int) string {
	if n <= 0 {
		return ""
	}
	scan := max(previewScan, 16*n)
	// The whole text of a small message is what its word index renders
	// too (Text keeps it); a prefix of a large one is all a preview needs.
	if m.TextRawSize() <= scan {
		p, _ := collapse(m.Text(), n)
		return p
	}
	// A long text is rendered from a short prefix first: the preview of
	// a 200 KB body took its first 64 KiB decoded (and, for HTML, many
	// times that of markup stripped) for 200 characters (issue 21). The
	// short prefix is taken only when the preview is whole, n runes
	// that end well inside it, away from where its parts were cut.
	short := max(previewFirst, 16*n)
	if p, used := collapse(m.TextPrefix(short), n); used >= 0 && used <= short/2 {
		return p
	}
	p, _ := collapse(m.TextPrefix(scan), n)
	return p
}

// previewFirst is the prefix of a long text Preview renders first.
const previewFirst = 8 << 10

// collapse returns up to n runes of text as Preview shows them, and how
// many bytes of text it read for them; -1 when it found fewer than n.
func collapse(text string, n int) (string, int) {
	var b strings.Builder
	count, space := 0, false
	for i, r := range text {
		if count >= n {
			return b.String(), i
		}
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case isInvisible(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
			count++
			if count >= n {
				return b.String(), i
			}
		}
		b.WriteRune(r)
		count++
	}
	if count >= n {
		return b.String(), len(text)
	}
	return b.String(), -1
}

// isInvisible reports runes that take no room on screen.
func isInvisible(r rune) bool {
	switch r {
	case '\u00ad', '\u034f', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\ufeff':
		return true
	}
	return unicode.Is(unicode.Cc, r)
}

// HasAttachment reports whether the message has files to list (Files):
// an attachment other than a picture its HTML body shows by cid:.
func (m *Message) HasAttachment() bool {
	return len(m.Files()) > 0
}

// Attachments lists the attachment parts in message order. The parts
// inside an attachment (an attached message's own attachments) are not
// listed separately.
func (m *Message) Attachments() []*Part {
	var out []*Part
	m.Root.Walk(func(p *Part) bool {
		if p.IsAttachment() {
			out = append(out, p)
			return false
		}
		return true
	})
	return out
}

// textKind ranks a rendering for multipart/alternative.
type textKind int

const (
	kindNone  textKind = iota
	kindHTML           // text from stripped HTML
	kindPlain          // text the author wrote as text/plain
)

// renderText renders p as plain text and tells what kind of source it came
// from. A limit above 0 bounds the text wanted: rendering may return more,
// but decodes no more of a part than the limit needs.
func renderText(p *Part, depth, limit int) (string, textKind) {
	if p == nil || depth > maxDepth {
		return "", kindNone
	}
	switch {
	case p.IsAttachment():
		return "", kindNone
	case p.ContentType == "multipart/alternative":
		best, bestKind := "", kindNone
		for _, c := range p.Children {
			// An empty text/plain alternative (some mailers send one) does
			// not hide the HTML.
			if t, k := renderText(c, depth+1, limit); k > bestKind && strings.TrimSpace(t) != "" {
				best, bestKind = t, k
			}
			if bestKind == kindPlain {
				break // nothing ranks higher: the HTML that usually follows is not decoded (issue 21)
			}
		}
		return best, bestKind
	case p.IsMultipart() || len(p.Children) > 0:
		var texts []string
		kind, size := kindNone, 0
		for _, c := range p.Children {
			if limit > 0 && size >= limit {
				break
			}
			if t, k := renderText(c, depth+1, limit-size); k != kindNone {
				if t = strings.TrimSpace(t); t != "" {
					texts = append(texts, t)
					size += len(t) + 2
				}
				kind = max(kind, k)
			}
		}
		return strings.Join(texts, "\n\n"), kind
	case p.ContentType == "text/plain":
		return p.textPrefix(limit, 3), kindPlain
	case p.ContentType == "text/html":
		// markup is most of an HTML body: decode more of it for the text
		return htmlToText(p.textPrefix(limit, 8)), kindHTML
	}
	return "", kindNone
}

// htmlBlockTags start a new line in the text rendering.
var htmlBlockTags = map[string]bool{
	"br": true, "p": true, "div": true, "tr": true, "li": true, "ul": true,
	"ol": true, "table": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "blockquote": true, "pre": true, "hr": true,
	"dt": true, "dd": true, "section": true, "article": true, "header": true,
	"footer": true, "address": true, "center": true,
}

// htmlSkipTags hide their content: it is not text a reader sees.
var htmlSkipTags = map[string]bool{
	"script": true, "style": true, "head": true, "title": true, "noscript": true,
	"template": true, "svg": true, "object": true,
}

// htmlToText strips the markup of an HTML body: tags removed, block tags
// turned into line breaks, the content of script, style and head dropped,
// comments dropped, character references decoded. It is a text extractor
// for previews and search, not a sanitiser: rendered HTML goes through the
// safe-HTML policy instead.
func htmlToText(s string) string {
	var b strings.Builder
	text := func(t string) {
		t = html.UnescapeString(t)
		// Source line breaks are spaces in HTML.
		t = strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == '\t' {
				return ' '
			}
			return r
		}, t)
		b.WriteString(t)
	}
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			text(s)
			break
		}
		text(s[:lt])
		s = s[lt:]
		if strings.HasPrefix(s, "<!--") {
			if end := strings.Index(s[4:], "-->"); end >= 0 {
				s = s[4+end+3:]
			} else {
				s = ""
			}
			continue
		}
		name, closing, ok := tagName(s)
		if !ok {
			// "a < b": a lone '<' is text.
			text("<")
			s = s[1:]
			continue
		}
		s = s[tagEnd(s):]
		switch {
		case htmlBlockTags[name]:
			b.WriteByte('\n')
		case name == "td" || name == "th":
			b.WriteByte(' ')
		}
		if !closing && htmlSkipTags[name] {
			// Skip to the matching end tag (or the end of input).
			if end := indexFold(s, "</"+name); end >= 0 {
				s = s[end:]
				s = s[tagEnd(s):]
			} else {
				s = ""
			}
		}
	}
	return tidyLines(b.String())
}

// tagName reads the name of the tag at s[0] == '<'. ok is false when s does
// not start a tag (or a declaration such as <!DOCTYPE>, reported as "!").
func tagName(s string) (name string, closing, ok bool) {
	i := 1
	if i < len(s) && s[i] == '/' {
		closing = true
		i++
	}
	if i < len(s) && (s[i] == '!' || s[i] == '?') {
		return "!", closing, true
	}
	start := i
	for i < len(s) && (isASCIILetter(s[i]) || (i > start && s[i] >= '0' && s[i] <= '9')) {
		i++
	}
	if i == start {
		return "", false, false
	}
	return strings.ToLower(s[start:i]), closing, true
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// tagEnd returns the index just past the '>' that closes the tag at the
// start of s, skipping quoted attribute values; len(s) if unclosed.
func tagEnd(s string) int {
	var quote byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		}
	}
	return len(s)
}

// indexFold is strings.Index for an ASCII needle, ignoring ASCII case.
func indexFold(s, needle string) int {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], needle) {
			return i
		}
	}
	return -1
}

// tidyLines collapses runs of spaces within lines, trims every line and
// keeps at most one empty line in a row.
func tidyLines(s string) string {
	var out []string
	blank := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.FieldsFunc(line, func(r rune) bool {
			return r == ' ' || r == '\u00a0' || r == '\t'
		}), " ")
		if line == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// sniffHTMLCharset finds the charset an HTML body declares in a <meta> tag
// within its first 2,048 bytes (HTML5 §13.2.3.2 looks at 1,024; mail
// bodies carry more preamble), or "".
func sniffHTMLCharset(body []byte) string {
	head := body[:min(len(body), 2048)]
	lower := bytes.ToLower(head)
	for off := 0; ; {
		i := bytes.Index(lower[off:], []byte("charset"))
		if i < 0 {
			return ""
		}
		off += i + len("charset")
		j := off
		for j < len(lower) && (lower[j] == ' ' || lower[j] == '\t') {
			j++
		}
		if j >= len(lower) || lower[j] != '=' {
			continue
		}
		j++
		for j < len(lower) && (lower[j] == ' ' || lower[j] == '"' || lower[j] == '\'') {
			j++
		}
		k := j
		for k < len(lower) && (isASCIILetter(lower[k]) || (lower[k] >= '0' && lower[k] <= '9') || lower[k] == '-' || lower[k] == '_' || lower[k] == ':' || lower[k] == '.') {
			k++
		}
		if k > j && utf8.Valid(lower[j:k]) {
			return string(lower[j:k])
		}
	}
}
