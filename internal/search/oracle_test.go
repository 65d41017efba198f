package search

// The tokenizer as it was before the index path stopped keeping positions
// (issue 21), verbatim but for its names: the oracle that the equality
// tests and FuzzTermsEqualOracle hold the new one to. Test-only on
// purpose: nothing but the tests may depend on it. The character classes
// (fold, classOf, isCJK, isWordRune and the address characters), which
// that change left alone, are shared with tokens.go.

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// oracleTokens returns the index terms of text, in document order and with
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
func oracleTokens(text string) []string {
	var s oracleScanner
	s.scan(text)
	return s.texts()
}

// oracleUnit is one rune of the normalised, lower-cased text and the bytes of the
// original text it came from. NFKC may turn one original character into
// several runes ("㈜" is "(주)"), which then share the same span.
//
// Offsets are int32 to keep the working set of a large message small; oracleTokens
// looks at no more than maxTextBytes.
type oracleUnit struct {
	r          rune
	start, end int32
}

// oracleToken is one index term. Its text is buf[off:off+n] of the oracleScanner; its
// runes are units first..last (one oracleUnit per rune, so a prefix of k runes is
// units first..first+k-1).
type oracleToken struct {
	off, n      int32
	first, last int32
	run         int32 // which run of the text produced it (-1 for addresses)
	kind        kind
	lone        bool // kindChar of a run that is one character long
}

// oracleScanner holds the working state of one tokenisation, so that oracleTokens, Parse
// and Highlight share one implementation and the byte spans that only
// Highlight needs cost nothing extra.
type oracleScanner struct {
	units []oracleUnit
	toks  []oracleToken
	buf   []byte // texts of all tokens, back to back
	str   string // buf as a string, made once by texts
}

// scan tokenises text into s.units and s.toks.
func (s *oracleScanner) scan(text string) {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes] // a cut character is a separator, harmless
	}
	s.normalize(text)
	addrs := oracleFindAddresses(s.units)
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

// emit appends the oracleToken made of units first..last.
func (s *oracleScanner) emit(k kind, first, last, run int, lone bool) {
	off := len(s.buf)
	for _, x := range s.units[first : last+1] {
		s.buf = utf8.AppendRune(s.buf, x.r)
	}
	s.toks = append(s.toks, oracleToken{off: int32(off), n: int32(len(s.buf) - off), kind: k,
		first: int32(first), last: int32(last), run: int32(run), lone: lone})
}

// emitPair appends the bigram of units a and b (b > a; anything between them
// is a mark that is left out).
func (s *oracleScanner) emitPair(a, b, run int) {
	off := len(s.buf)
	s.buf = utf8.AppendRune(s.buf, s.units[a].r)
	s.buf = utf8.AppendRune(s.buf, s.units[b].r)
	s.toks = append(s.toks, oracleToken{off: int32(off), n: int32(len(s.buf) - off), kind: kindBigram,
		first: int32(a), last: int32(b), run: int32(run)})
}

// texts returns the oracleToken strings. They are substrings of one string, so a
// 100 KB message costs two allocations rather than one per oracleToken.
func (s *oracleScanner) texts() []string {
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
func (s *oracleScanner) normalize(text string) {
	// Sized for the common case so that appends rarely copy: about one
	// oracleUnit per character, and for Korean about one bigram per syllable.
	n := utf8.RuneCountInString(text)
	s.units = make([]oracleUnit, 0, n+8)
	s.toks = make([]oracleToken, 0, n/2+8)
	s.buf = make([]byte, 0, 2*len(text)+8)
	var it norm.Iter
	for pos := 0; pos < len(text); {
		// Mail is mostly in NFKC already: take that part rune by rune and
		// run the normaliser only over the segments that change.
		quick := pos + norm.NFKC.QuickSpanString(text[pos:])
		for pos < quick {
			r, n := utf8.DecodeRuneInString(text[pos:])
			s.units = append(s.units, oracleUnit{r: fold(r), start: int32(pos), end: int32(pos + n)})
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
				s.units = append(s.units, oracleUnit{r: fold(r), start: int32(pos)})
			}
		}
		end := pos + max(it.Pos(), 1) // always move on, whatever the iterator did
		for k := first; k < len(s.units); k++ {
			s.units[k].end = int32(end)
		}
		pos = end
	}
}

// oracleFindAddresses returns the oracleUnit spans [first, last] of the e-mail addresses
// and http(s) URLs in u, in order and not overlapping.
func oracleFindAddresses(u []oracleUnit) [][2]int {
	var out [][2]int
	floor := 0 // an address never reaches back into the previous one
	for i := 0; i < len(u); i++ {
		if u[i].r == ':' {
			if first, last, ok := oracleUrlAt(u, i, floor); ok {
				out = append(out, [2]int{first, last})
				floor = last + 1
				i = last
			}
			continue
		}
		if u[i].r != '@' {
			continue
		}
		if first, last, ok := oracleEmailAt(u, i, floor); ok {
			out = append(out, [2]int{first, last})
			floor = last + 1
			i = last
		}
	}
	return out
}

// oracleEmailAt recognises local@domain around the '@' at u[at]. The character
// sets are the common ones (letters, digits, ". _ - +"), not all of RFC 5322:
// quoted local parts and rare symbols end the address early, which is
// harmless because the query side cuts the same way.
func oracleEmailAt(u []oracleUnit, at, floor int) (first, last int, ok bool) {
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

// oracleUrlAt recognises an http:// or https:// URL whose ':' is at u[colon].
func oracleUrlAt(u []oracleUnit, colon, floor int) (first, last int, ok bool) {
	if colon+2 >= len(u) || u[colon+1].r != '/' || u[colon+2].r != '/' {
		return 0, 0, false
	}
	first = colon
	for first > floor && 'a' <= u[first-1].r && u[first-1].r <= 'z' {
		first--
	}
	if !oracleIsWebScheme(u[first:colon]) {
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

// oracleIsWebScheme reports whether u spells "http" or "https" (already folded).
func oracleIsWebScheme(u []oracleUnit) bool {
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
