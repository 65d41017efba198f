package compose

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// lineLimit is where header lines are folded (RFC 5322 §2.1.1: 78
// characters SHOULD, CRLF excluded).
const lineLimit = 76

// maxWordBytes is how many bytes of text one encoded word carries: 36
// bytes (12 Hangul syllables) are 48 base64 characters, and "=?UTF-8?B?"
// + 48 + "?=" is 60, under RFC 2047 §2's 75 and short enough to follow
// most field names on the first line.
const maxWordBytes = 36

// longestWord is the longest run without white space that an ASCII value
// may have and still be folded within a line.
const longestWord = 60

// needsEncoding reports whether text must be written as encoded words: it
// is not printable ASCII, it contains "=?" (a reader would decode it), or
// it has a word too long to fold.
func needsEncoding(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x7f || c < 0x20 && c != '\t' {
			return true
		}
		if c == ' ' || c == '\t' {
			run = 0
		} else if run++; run > longestWord {
			return true
		}
	}
	return strings.Contains(s, "=?")
}

// encodeWords writes s as RFC 2047 B-encoded UTF-8 words, split between
// characters, separated by spaces where the field may fold. Readers join
// adjacent encoded words without the space between them (RFC 2047 §6.2).
func encodeWords(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > maxWordBytes {
				break
			}
			n += size
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(s[:n])) + "?=")
		s = s[n:]
	}
	return b.String()
}

// text encodes an unstructured value (Subject) when it must be.
func text(s string) string {
	if needsEncoding(s) {
		return encodeWords(s)
	}
	return s
}

// field is one header field, value already encoded.
type field struct{ name, value string }

// header is an ordered list of fields.
type header []field

func (h *header) add(name, value string) { *h = append(*h, field{name, value}) }

// write appends the fields, folded, each ending in CRLF.
func (h header) write(b *strings.Builder) {
	for _, f := range h {
		fold(b, f.name, f.value)
	}
}

// fold writes "name: value" CRLF, breaking the line before a space when it
// would pass lineLimit (right after the colon too: the value may start
// with folding white space). Unfolding (removing each CRLF before white space,
// RFC 5322 §2.2.3) gives the value back exactly.
func fold(b *strings.Builder, name, value string) {
	b.WriteString(name)
	b.WriteString(":")
	lineLen := len(name) + 1
	value = " " + value
	for value != "" {
		// The next segment: a space and what follows up to the next space.
		next := strings.IndexByte(value[1:], ' ')
		seg := value
		if next >= 0 {
			seg = value[:next+1]
		}
		// A line of white space alone would be taken for the end of the
		// field by some readers: never break before one.
		if lineLen+len(seg) > lineLimit && seg[0] == ' ' && strings.TrimSpace(seg) != "" {
			b.WriteString("\r\n")
			lineLen = 0
		}
		b.WriteString(seg)
		lineLen += len(seg)
		value = value[len(seg):]
	}
	b.WriteString("\r\n")
}
