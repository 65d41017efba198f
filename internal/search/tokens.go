package search

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Term length limits, in characters. Mail bodies carry base64 leftovers,
// hashes and tracking URLs; indexing them whole only bloats the index, and
// PostgreSQL refuses lexemes over 2 KB. Longer words and addresses are cut,
// on both the indexing and the query side, so a search for a long word still
// matches (on its first maxWordRunes characters).
const (
	maxWordRunes    = 64
	maxAddressRunes = 200
)

// MaxIndexedText is how much text of one field of a message is indexed,
// in bytes of UTF-8: about 340,000 Korean or a million Latin characters,
// far more than anyone reads; what follows is not found by search. The
// cap bounds the memory of indexing a message, whatever its size: each
// byte of Korean text becomes about 25 bytes of terms while they are made.
const MaxIndexedText = 1 << 20

// maxTextBytes bounds what one call of Tokens looks at.
const maxTextBytes = MaxIndexedText

// Tokens returns the index terms of text, in document order and with
// repeats, because FTS5 matches the chain of bigrams of a Korean word (and
// the parts of a quoted phrase) by position.
//
//   - Runs of letters, digits and combining marks outside the scripts below
//     are words: NFKC-normalised (full-width "ＡＢＣ" is "abc", "①" is "1"),
//     lower-cased, accents kept ("café" and "cafe" differ).
//   - A run of Hangul, Han, Hiragana and Katakana characters yields every
//     overlapping bigram, then its last character alone ("견적서" gives
//     "견적", "적서", "서"). The last character is what lets a one-character
//     query find a word that ends with it ("팀" in "개발팀").
//   - An e-mail address or http(s) URL is also emitted whole, lower-cased,
//     just before its parts.
//   - Everything else (punctuation, symbols, emoji, spaces) separates terms.
func Tokens(text string) []string {
	var s scanner
	s.scan(text)
	return s.texts()
}

// kind says what produced a token; Parse and Highlight treat them differently.
type kind uint8

const (
	kindWord    kind = iota // a run of alphabetic letters and digits
	kindBigram              // two adjacent characters of a CJK run
	kindChar                // the last character of a CJK run
	kindAddress             // a whole e-mail address or URL
)

// unit is one rune of the normalised, lower-cased text and the bytes of the
// original text it came from. NFKC may turn one original character into
// several runes ("㈜" is "(주)"), which then share the same span.
//
// Offsets are int32 to keep the working set of a large message small; Tokens
// looks at no more than maxTextBytes.
type unit struct {
	r          rune
	start, end int32
}

// token is one index term. Its text is buf[off:off+n] of the scanner; its
// runes are units first..last (one unit per rune, so a prefix of k runes is
// units first..first+k-1).
type token struct {
	off, n      int32
	first, last int32
	run         int32 // which run of the text produced it (-1 for addresses)
	kind        kind
	lone        bool // kindChar of a run that is one character long
}

// class is how a rune takes part in tokens.
type class uint8

const (
	sep  class = iota // separates tokens
	word              // part of a word
	cjk               // part of a bigram run
	mark              // a combining mark: belongs to the run it follows
)

// scanner holds the working state of one tokenisation, so that Tokens, Parse
// and Highlight share one implementation and the byte spans that only
// Highlight needs cost nothing extra.
type scanner struct {
	units []unit
	toks  []token
	buf   []byte // texts of all tokens, back to back
	str   string // buf as a string, made once by texts
}

// scan tokenises text into s.units and s.toks.
func (s *scanner) scan(text string) {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes] // a cut character is a separator, harmless
	}
	s.normalize(text)
	addrs := findAddresses(s.units)
	run := 0
	u := s.units
	for i := 0; i < len(u); {
		c := classOf(u[i].r)
		if c == sep || c == mark {
			// A mark with no letter before it (an emoji's variation
			// selector) is no word.
			i++
			continue
		}
		// An address starts at the first letter of its run: emit it before
		// the run's own tokens so the order is the same wherever the text is
		// cut (the query side tokenises each typed word alone).
		for len(addrs) > 0 && addrs[0][0] <= i {
			s.emit(kindAddress, addrs[0][0], addrs[0][1], -1, false)
			addrs = addrs[1:]
		}
		if c == word {
			j := i + 1
			for j < len(u) && isWordRune(u[j].r) {
				j++
			}
			s.emit(kindWord, i, min(j, i+maxWordRunes)-1, run, false)
			i = j
		} else {
			// Marks inside a CJK run (variation selectors of kanji, Hangul
			// tone marks) are left out of the bigrams, so that a name
			// typed without its variation selector still matches.
			prev, n := i, 1
			j := i + 1
			for ; j < len(u); j++ {
				cj := classOf(u[j].r)
				if cj == mark {
					continue
				}
				if cj != cjk {
					break
				}
				s.emitPair(prev, j, run)
				prev = j
				n++
			}
			s.emit(kindChar, prev, prev, run, n == 1)
			i = j
		}
		run++
	}
}

// emit appends the token made of units first..last.
func (s *scanner) emit(k kind, first, last, run int, lone bool) {
	off := len(s.buf)
	for _, x := range s.units[first : last+1] {
		s.buf = utf8.AppendRune(s.buf, x.r)
	}
	s.toks = append(s.toks, token{off: int32(off), n: int32(len(s.buf) - off), kind: k,
		first: int32(first), last: int32(last), run: int32(run), lone: lone})
}

// emitPair appends the bigram of units a and b (b > a; anything between them
// is a mark that is left out).
func (s *scanner) emitPair(a, b, run int) {
	off := len(s.buf)
	s.buf = utf8.AppendRune(s.buf, s.units[a].r)
	s.buf = utf8.AppendRune(s.buf, s.units[b].r)
	s.toks = append(s.toks, token{off: int32(off), n: int32(len(s.buf) - off), kind: kindBigram,
		first: int32(a), last: int32(b), run: int32(run)})
}

// texts returns the token strings. They are substrings of one string, so a
// 100 KB message costs two allocations rather than one per token.
func (s *scanner) texts() []string {
	s.str = string(s.buf)
	out := make([]string, len(s.toks))
	for i, t := range s.toks {
		out[i] = s.str[t.off : t.off+t.n]
	}
	return out
}

// normalize fills s.units with the NFKC form of text, folded to lower case.
// It walks the normalisation segment by segment so that every rune keeps the
// span of original bytes it came from (for Highlight).
func (s *scanner) normalize(text string) {
	// Sized for the common case so that appends rarely copy: about one
	// unit per character, and for Korean about one bigram per syllable.
	n := utf8.RuneCountInString(text)
	s.units = make([]unit, 0, n+8)
	s.toks = make([]token, 0, n/2+8)
	s.buf = make([]byte, 0, 2*len(text)+8)
	var it norm.Iter
	for pos := 0; pos < len(text); {
		// Mail is mostly in NFKC already: take that part rune by rune and
		// run the normaliser only over the segments that change.
		quick := pos + norm.NFKC.QuickSpanString(text[pos:])
		for pos < quick {
			r, n := utf8.DecodeRuneInString(text[pos:])
			s.units = append(s.units, unit{r: fold(r), start: int32(pos), end: int32(pos + n)})
			pos += n
		}
		if pos == len(text) {
			break
		}
		// One segment of the original: a character with its combining
		// marks, or one whose decomposition comes out in several pieces
		// ("㈜" is "(", "주", ")") before the iterator moves on. Every rune
		// of it gets the segment's whole span.
		it.InitString(norm.NFKC, text[pos:])
		first := len(s.units)
		for it.Pos() == 0 {
			seg := it.Next()
			if len(seg) == 0 {
				break
			}
			for len(seg) > 0 {
				r, n := utf8.DecodeRune(seg)
				seg = seg[n:]
				s.units = append(s.units, unit{r: fold(r), start: int32(pos)})
			}
		}
		end := pos + max(it.Pos(), 1) // always move on, whatever the iterator did
		for k := first; k < len(s.units); k++ {
			s.units[k].end = int32(end)
		}
		pos = end
	}
}

// fold lower-cases r. Greek final sigma becomes σ, because an upper-case
// "ΟΔΟΣ" lower-cases to "οδοσ" while the same word typed in lower case ends
// in "ς"; both must be one term.
func fold(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	r = unicode.ToLower(r)
	if r == 'ς' {
		r = 'σ'
	}
	return r
}

// classOf says how a (normalised, folded) rune takes part in tokens.
func classOf(r rune) class {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return word
		}
		return sep
	}
	if isCJK(r) {
		return cjk
	}
	if unicode.IsLetter(r) || unicode.IsNumber(r) {
		return word
	}
	if unicode.IsMark(r) {
		return mark
	}
	return sep
}

// isCJK reports whether r is written without spaces between words and so
// indexed by bigrams: Hangul, Han, Hiragana and Katakana letters, and the
// prolonged sound mark ー, which is script Common but part of Katakana words
// (コーヒー).
func isCJK(r rune) bool {
	switch {
	case 0xAC00 <= r && r <= 0xD7A3: // Hangul syllables, by far the most common
		return true
	case 0x4E00 <= r && r <= 0x9FFF: // CJK unified ideographs
		return true
	case r == 0x30FC:
		return true
	case r < 0x1100: // nothing below Hangul Jamo is CJK
		return false
	}
	if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
		return false // CJK radicals, symbols and punctuation separate
	}
	return unicode.In(r, unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// findAddresses returns the unit spans [first, last] of the e-mail addresses
// and http(s) URLs in u, in order and not overlapping.
func findAddresses(u []unit) [][2]int {
	var out [][2]int
	floor := 0 // an address never reaches back into the previous one
	for i := 0; i < len(u); i++ {
		if u[i].r == ':' {
			if first, last, ok := urlAt(u, i, floor); ok {
				out = append(out, [2]int{first, last})
				floor = last + 1
				i = last
			}
			continue
		}
		if u[i].r != '@' {
			continue
		}
		if first, last, ok := emailAt(u, i, floor); ok {
			out = append(out, [2]int{first, last})
			floor = last + 1
			i = last
		}
	}
	return out
}

// emailAt recognises local@domain around the '@' at u[at]. The character
// sets are the common ones (letters, digits, ". _ - +"), not all of RFC 5322:
// quoted local parts and rare symbols end the address early, which is
// harmless because the query side cuts the same way.
func emailAt(u []unit, at, floor int) (first, last int, ok bool) {
	first = at
	for first > floor && isLocalRune(u[first-1].r) {
		first--
	}
	last = at
	for last+1 < len(u) && isDomainRune(u[last+1].r) {
		last++
	}
	// Trim punctuation at the ends: "<kim@example.com>." ends at "m".
	for first < at && classOf(u[first].r) != word {
		first++
	}
	for last > at && classOf(u[last].r) == sep {
		last--
	}
	if first == at || last == at {
		return 0, 0, false
	}
	return first, min(last, first+maxAddressRunes-1), true
}

// urlAt recognises an http:// or https:// URL whose ':' is at u[colon].
func urlAt(u []unit, colon, floor int) (first, last int, ok bool) {
	if colon+2 >= len(u) || u[colon+1].r != '/' || u[colon+2].r != '/' {
		return 0, 0, false
	}
	first = colon
	for first > floor && 'a' <= u[first-1].r && u[first-1].r <= 'z' {
		first--
	}
	if !isWebScheme(u[first:colon]) {
		return 0, 0, false
	}
	if first > 0 && isWordRune(u[first-1].r) {
		return 0, 0, false // "xhttp://" is not a URL we know
	}
	last = colon + 2
	for last+1 < len(u) && isURLRune(u[last+1].r) {
		last++
	}
	// A URL at the end of a sentence or in brackets does not own the
	// punctuation after it; a trailing '/' is dropped too, so that
	// "https://example.com/" and "https://example.com" are one term.
	for last > colon+2 && classOf(u[last].r) == sep {
		last--
	}
	if last == colon+2 {
		return 0, 0, false
	}
	return first, min(last, first+maxAddressRunes-1), true
}

// isWebScheme reports whether u spells "http" or "https" (already folded).
func isWebScheme(u []unit) bool {
	const s = "https"
	if len(u) != 4 && len(u) != 5 {
		return false
	}
	for i, x := range u {
		if x.r != rune(s[i]) {
			return false
		}
	}
	return true
}

// Addresses are made of word characters and a little punctuation, but not of
// Hangul or other CJK letters: Korean attaches particles to whatever precedes
// them ("kim@example.com으로", "https://example.com에서"), and those must not
// become part of the address. (Internationalised domains in Hangul lose their
// whole-address term; their parts are still indexed.)

func isWordRune(r rune) bool {
	c := classOf(r)
	return c == word || c == mark
}

func isLocalRune(r rune) bool {
	return isWordRune(r) || r == '.' || r == '_' || r == '-' || r == '+'
}

func isDomainRune(r rune) bool {
	return isWordRune(r) || r == '.' || r == '-'
}

func isURLRune(r rune) bool {
	if isWordRune(r) {
		return true
	}
	switch r {
	case '-', '.', '_', '~', ':', '/', '?', '#', '@', '&', '=', '%', '+':
		return true
	}
	return false
}
