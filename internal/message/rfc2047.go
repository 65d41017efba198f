package message

// RFC 2047 encoded words ("=?charset?B?...?=") as mailers really send them.
// Beyond the RFC, and on purpose:
//   - adjacent encoded words in the same charset are joined before charset
//     decoding, so a multi-byte character split across two words (which
//     RFC 2047 §5 forbids, and CP949 and UTF-8 mailers do all the same)
//     comes out whole;
//   - encoded words glued to other text or to each other without the
//     separating whitespace (RFC 2047 §5 wants it) are decoded too;
//   - B words with missing padding are decoded;
//   - raw 8-bit bytes that are not UTF-8 are CP949 (Korean mailers put
//     them in Subject and display names without any encoding).
// Words in an unknown charset and words that do not decode are left as they
// are, so nothing is lost.

import (
	"strings"
	"unicode/utf8"
)

// maxEncodedWord bounds the length of one encoded word we look at. RFC 2047
// §2 allows 75 characters; real ones are longer, but not megabytes.
const maxEncodedWord = 4096

// DecodeHeader decodes RFC 2047 encoded words in any supported charset and
// returns valid UTF-8. Unknown charsets and broken words are left as they
// are; raw 8-bit bytes that are not valid UTF-8 are decoded as CP949.
func DecodeHeader(s string) string {
	if !strings.Contains(s, "=?") {
		return decodeRaw(s)
	}
	var (
		out      strings.Builder
		pending  []byte // decoded bytes of adjacent words in one charset
		pendCS   string // their charset label; "" when nothing is pending
		lastWord bool   // the previous segment was a decoded encoded word
	)
	flushWord := func() {
		if pendCS == "" {
			return
		}
		enc, _ := lookupCharset(pendCS)
		out.WriteString(decodeWith(enc, pending))
		pending, pendCS = pending[:0], ""
	}
	writeText := func(text string) {
		if text == "" {
			return
		}
		flushWord()
		out.WriteString(decodeRaw(text))
		lastWord = false
	}
	i := 0
	for i < len(s) {
		j := strings.Index(s[i:], "=?")
		if j < 0 {
			break
		}
		j += i
		w, n, ok := parseEncodedWord(s[j:])
		if !ok {
			// Not a word: keep "=?" as text and look further on.
			writeText(s[i : j+2])
			i = j + 2
			continue
		}
		// RFC 2047 §6.2: whitespace between adjacent encoded words is
		// ignored.
		if text := s[i:j]; !lastWord || !isBlank(text) {
			writeText(text)
		}
		i = j + n
		if _, known := lookupCharset(w.charset); !known {
			writeText(s[j:i])
			continue
		}
		if pendCS == "" || normCharset(pendCS) != normCharset(w.charset) {
			flushWord()
			pendCS = w.charset
		}
		pending = append(pending, w.data...)
		lastWord = true
	}
	writeText(s[i:])
	flushWord()
	return out.String()
}

// decodeRaw returns s unchanged when it is valid UTF-8 (ASCII and RFC 6532
// headers) and decodes it as CP949 otherwise. Raw ISO-2022-KR, which old
// Korean mailers put in headers unencoded, is decoded too.
func decodeRaw(s string) string {
	if strings.Contains(s, "\x1b$)C") {
		return decodeWith(iso2022KR{}, []byte(s))
	}
	if utf8.ValidString(s) {
		return s
	}
	return decodeWith(cp949, []byte(s))
}

// isBlank reports whether s is only spaces, tabs and line breaks.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

// encodedWord is one parsed and transfer-decoded encoded word.
type encodedWord struct {
	charset string
	data    []byte
}

// parseEncodedWord parses the encoded word at the start of s (RFC 2047 §2:
// "=?" charset "?" encoding "?" encoded-text "?="). It returns the word,
// the number of bytes it spans and whether it is well-formed.
func parseEncodedWord(s string) (encodedWord, int, bool) {
	if len(s) > maxEncodedWord {
		s = s[:maxEncodedWord]
	}
	if !strings.HasPrefix(s, "=?") {
		return encodedWord{}, 0, false
	}
	q1 := strings.IndexByte(s[2:], '?')
	if q1 <= 0 {
		return encodedWord{}, 0, false
	}
	charset := s[2 : 2+q1]
	for i := 0; i < len(charset); i++ {
		if c := charset[i]; c <= ' ' || c >= 0x7f || c == '=' {
			return encodedWord{}, 0, false
		}
	}
	// RFC 2231 §5: "charset*language"; the language is of no use here.
	if k := strings.IndexByte(charset, '*'); k >= 0 {
		charset = charset[:k]
	}
	rest := s[2+q1+1:]
	if len(rest) < 2 || rest[1] != '?' {
		return encodedWord{}, 0, false
	}
	mode := rest[0]
	text := rest[2:]
	end := strings.Index(text, "?=")
	if end < 0 {
		return encodedWord{}, 0, false
	}
	text = text[:end]
	n := 2 + q1 + 1 + 2 + end + 2
	var data []byte
	switch mode {
	case 'B', 'b':
		var ok bool
		data, ok = decodeBase64Word(text)
		if !ok {
			return encodedWord{}, 0, false
		}
	case 'Q', 'q':
		data = decodeQWord(text)
	default:
		return encodedWord{}, 0, false
	}
	return encodedWord{charset: charset, data: data}, n, true
}

// decodeBase64Word decodes the text of a B word (RFC 2047 §4.1). It accepts
// missing padding and ignores whitespace, but refuses other characters
// outside the alphabet: such a word is not an encoded word at all.
func decodeBase64Word(text string) ([]byte, bool) {
	for i := 0; i < len(text); i++ {
		if c := text[i]; b64Value(c) < 0 && c != '=' && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return nil, false
		}
	}
	return decodeBase64([]byte(text)), true
}

// decodeQWord decodes the text of a Q word (RFC 2047 §4.2): "_" is a space
// and "=XX" a byte; a "=" not followed by two hex digits stays as it is.
func decodeQWord(text string) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			out = append(out, unhex(text[i+1])<<4|unhex(text[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}
