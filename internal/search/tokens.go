package search

import (
	"math/bits"
	"strings"
	"sync"
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
// byte of Korean text becomes about 2.2 bytes of terms (WriteTerms; the
// tracked form that Parse and Highlight use keeps a span per character
// and a record per term besides, several times that).
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
	t := Terms(text)
	if t == "" {
		return []string{}
	}
	// No term holds a space (spaces separate terms, and no address takes
	// one), so the split gives back exactly the terms.
	return strings.Split(t, " ")
}

// Terms returns the terms of text (see Tokens) joined by single spaces,
// the form in which both backends store them (store.IndexText).
func Terms(text string) string {
	var b strings.Builder
	WriteTerms(&b, text)
	return b.String()
}

// WriteTerms writes Terms(text) to b. It is the delivery path's
// tokenizer (issue 21): it keeps no byte positions and no token records,
// which only Parse, Highlight and Substring need, and it normalises the
// text a chunk at a time into one reused buffer, so that its memory is
// the terms it writes and little else, however long the text.
func WriteTerms(b *strings.Builder, text string) {
	writeTerms(b, text, chunkBytes)
}

// WriteTermsExact is WriteTerms, and reports in the same pass whether
// the terms answer exact needles exactly (ExactText): whether the text
// deserves ExactTerm.
func WriteTermsExact(b *strings.Builder, text string) (exact bool) {
	return writeTerms(b, text, chunkBytes)
}

// writeTerms is WriteTermsExact with chunks of about size bytes (the
// tests cut small chunks to put many chunk ends where terms and
// addresses are).
func writeTerms(b *strings.Builder, text string, size int) (exact bool) {
	cut := len(text) > maxTextBytes
	if cut {
		text = text[:maxTextBytes] // a cut character is a separator, harmless
	}
	b.Grow(termsSize(text))
	scratch := scratchPool.Get().(*scratchBufs)
	s := scanner{runes: scratch.runes[:0], out: scratch.out[:0]}
	for pos := 0; pos < len(text); {
		// Plain stretches straight from their bytes (tokens_plain.go);
		// an address of the last chunk is still to be written first.
		end, stop := pos, pos
		if len(s.pend) == 0 {
			end, stop = plainEnd(text, pos, size)
		}
		if end > pos {
			s.writePlain(text[pos:end])
		} else {
			end = chunkEnd(text, stop, 0)
			s.normalize(text[pos:end])
			s.scanChunk(end == len(text))
		}
		b.Write(s.out)
		s.out = s.out[:0]
		pos = end
	}
	// an odd chunk without whitespace is not kept
	if cap(s.runes) <= 4*chunkBytes && cap(s.out) <= 16*chunkBytes {
		scratch.runes, scratch.out = s.runes[:0], s.out[:0]
		scratchPool.Put(scratch)
	}
	return !cut && !s.inexact
}

// termsSize guesses how long the terms of text are, so that the builder
// is made once: about as long as the text, but a character of three bytes
// of UTF-8 (Hangul, Han, kana) is mostly a bigram and a space, seven.
func termsSize(text string) int {
	n := len(text) + 16
	// Eight bytes at a time: count the bytes whose top nibble is 0xE,
	// made zero by the xor, with the exact zero-byte test (no carry
	// crosses a byte, so no byte is miscounted).
	const ones7, highs, leads = 0x7F7F7F7F7F7F7F7F, 0x8080808080808080, 0xE0E0E0E0E0E0E0E0
	i := 0
	for ; i+8 <= len(text); i += 8 {
		w := uint64(text[i]) | uint64(text[i+1])<<8 | uint64(text[i+2])<<16 | uint64(text[i+3])<<24 |
			uint64(text[i+4])<<32 | uint64(text[i+5])<<40 | uint64(text[i+6])<<48 | uint64(text[i+7])<<56
		y := w&0xF0F0F0F0F0F0F0F0 ^ leads
		zero := ^((y&ones7 + ones7) | y | ones7) & highs
		n += 4 * bits.OnesCount64(zero)
	}
	for ; i < len(text); i++ {
		if text[i]&0xF0 == 0xE0 {
			n += 4
		}
	}
	return n
}

// chunkBytes is about how much text WriteTerms normalises at a time.
const chunkBytes = 8 << 10

// scratchPool holds the buffers of WriteTerms, so that delivering a
// message does not allocate them per field: a chunk's normalised runes,
// and its terms, written to the caller's builder once per chunk (a
// []byte takes a rune in a few inlined instructions, which the builder's
// WriteRune does not: issue 21).
var scratchPool = sync.Pool{New: func() any {
	return &scratchBufs{runes: make([]rune, 0, chunkBytes+chunkBytes/4), out: make([]byte, 0, 3*chunkBytes)}
}}

type scratchBufs struct {
	runes []rune
	out   []byte
}

// chunkEnd returns where the chunk of text that starts at pos ends: just
// after an ASCII space, tab or line end at least size bytes on, before a
// character that starts a normalisation segment. No term, address or
// normalisation segment spans such a place, and no scan for an address
// looks back across it (see findAddresses), so the chunks give the terms
// the whole text gives. Without such a place the chunk is the rest of the
// text.
func chunkEnd(text string, pos, size int) int {
	for i := pos + size; i < len(text)-1; i++ {
		if isCutSpace(text[i]) && norm.NFKC.PropertiesString(text[i+1:]).BoundaryBefore() {
			return i + 1
		}
	}
	return len(text)
}

// kind says what produced a token; Parse and Highlight treat them differently.
type kind uint8

const (
	kindWord    kind = iota // a run of alphabetic letters and digits
	kindBigram              // two adjacent characters of a CJK run
	kindChar                // the last character of a CJK run
	kindAddress             // a whole e-mail address or URL
)

// span is the bytes of the original text that a rune of the normalised
// text came from. NFKC may turn one original character into several runes
// ("㈜" is "(주)"), which then share the same span.
//
// Offsets are int32 to keep the working set of a large message small; a
// scan looks at no more than maxTextBytes.
type span struct {
	start, end int32
}

// token is one term with its positions. Its text is out[off:off+n] of the
// scanner; its runes are runes first..last (so a prefix of k runes is
// runes first..first+k-1).
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

// scanner holds the working state of one tokenisation. One core loop
// (normalize, then scanChunk) serves two forms: tracked (scan: the whole
// text at once, with each rune's span and each token's kind, runes and
// run, for Parse, Highlight and Substring) and the index form
// (WriteTerms: the terms joined by spaces and nothing else, a chunk at a
// time).
type scanner struct {
	track bool
	runes []rune    // the normalised, folded text (of this chunk)
	spans []span    // tracked: the span of each rune
	toks  []token   // tracked: the tokens, in order
	out   []byte    // tracked: the texts of toks back to back; else the terms of this chunk joined by spaces
	terms int       // how many terms were written to out
	addrs [][2]int  // the addresses of this chunk (see findAddresses)
	pend  []string  // addresses of past chunks still to write (see scanChunk)
	str   string    // tracked: out as a string, made once by texts
	it    norm.Iter // here, not in normalize: there it would go to the heap at each chunk
	// changed holds, as [start, end) pairs in runes, the parts of runes
	// that normalisation made rather than took from the text as they
	// were (see normalize); next is how far emitPair has looked into it.
	// inexact says a bigram broke the rule of ExactText (see emitPair).
	changed []int32
	next    int
	inexact bool
}

// scan tokenises the whole of text into s.runes, s.spans and s.toks.
func (s *scanner) scan(text string) {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes] // a cut character is a separator, harmless
	}
	// Sized for the common case so that appends rarely copy: about one
	// rune per character, and for Korean about one bigram per syllable.
	n := utf8.RuneCountInString(text)
	s.track = true
	s.runes = make([]rune, 0, n+8)
	s.spans = make([]span, 0, n+8)
	s.toks = make([]token, 0, n/2+8)
	s.out = make([]byte, 0, 2*len(text)+8)
	s.normalize(text)
	s.scanChunk(true)
}

// scanChunk writes the tokens of s.runes. last says no chunk follows.
func (s *scanner) scanChunk(last bool) {
	addrs := findAddresses(s.addrs[:0], s.runes)
	s.addrs = addrs
	run := 0
	u := s.runes
	for i := 0; i < len(u); {
		c := classOf(u[i])
		if c == sep || c == mark {
			// A mark with no letter before it (an emoji's variation
			// selector) is no word.
			i++
			continue
		}
		// An address starts at the first letter of its run: emit it before
		// the run's own tokens so the order is the same wherever the text is
		// cut (the query side tokenises each typed word alone). (One cut
		// at maxAddressRunes lets the next address start inside a run: it
		// waits for the next run, perhaps in the next chunk.)
		for _, p := range s.pend {
			s.open()
			s.out = append(s.out, p...)
		}
		s.pend = s.pend[:0]
		for len(addrs) > 0 && addrs[0][0] <= i {
			s.emit(kindAddress, addrs[0][0], addrs[0][1], -1, false)
			addrs = addrs[1:]
		}
		if c == word {
			j := i + 1
			for j < len(u) && isWordRune(u[j]) {
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
				cj := cjk
				if r := u[j]; r < 0xAC00 || r > 0xD7A3 { // not a Hangul syllable, by far the most common
					cj = classOf(r)
				}
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
	if !last {
		// Only the index form comes in chunks, so these need no token
		// record.
		for _, a := range addrs {
			s.pend = append(s.pend, string(u[a[0]:a[1]+1]))
		}
	}
}

// open starts a term and returns where its text starts in s.out: in the
// index form terms are separated by one space.
func (s *scanner) open() int {
	if !s.track && s.terms > 0 {
		s.out = append(s.out, ' ')
	}
	s.terms++
	return len(s.out)
}

// emit writes the token made of runes first..last.
func (s *scanner) emit(k kind, first, last, run int, lone bool) {
	off := s.open()
	for _, r := range s.runes[first : last+1] {
		s.out = appendRune(s.out, r)
	}
	s.record(off, k, first, last, run, lone)
}

// emitPair writes the bigram of runes a and b (b > a; anything between
// them is a mark that is left out). A bigram of two plain characters
// (the only ones an exact needle's bigrams hold) that skips a mark, or
// one of whose characters normalisation made or changed, is not the
// text's own: the text is not exact (ExactText).
func (s *scanner) emitPair(a, b, run int) {
	if (b != a+1 || s.isChanged(a) || s.isChanged(b)) && plain(s.runes[a]) && plain(s.runes[b]) {
		s.inexact = true
	}
	off := s.open()
	s.out = appendRune(appendRune(s.out, s.runes[a]), s.runes[b])
	s.record(off, kindBigram, a, b, run, false)
}

// record keeps the token whose text starts at off, when tracking.
func (s *scanner) record(off int, k kind, first, last, run int, lone bool) {
	if s.track {
		s.toks = append(s.toks, token{off: int32(off), n: int32(len(s.out) - off), kind: k,
			first: int32(first), last: int32(last), run: int32(run), lone: lone})
	}
}

// isChanged reports whether rune i of runes is in one of the changed
// parts. emitPair asks about ascending runes, so the search goes on from
// where the last one stopped.
func (s *scanner) isChanged(i int) bool {
	c := s.changed
	for s.next < len(c) && int(c[s.next+1]) <= i {
		s.next += 2
	}
	return s.next < len(c) && int(c[s.next]) <= i
}

// appendRune appends the UTF-8 of r, which is never a surrogate (runes
// come from decoding and normalising text): the three bytes of Hangul
// and Han, most of what a Korean body's terms are, without a call.
func appendRune(b []byte, r rune) []byte {
	switch {
	case r < utf8.RuneSelf:
		return append(b, byte(r))
	case 0x800 <= r && r < 0x10000 && !(0xD800 <= r && r < 0xE000):
		return append(b, byte(0xE0|r>>12), byte(0x80|(r>>6)&0x3F), byte(0x80|r&0x3F))
	}
	return utf8.AppendRune(b, r)
}

// texts returns the token strings. They are substrings of one string, so a
// 100 KB message costs two allocations rather than one per token.
func (s *scanner) texts() []string {
	s.str = string(s.out)
	out := make([]string, len(s.toks))
	for i, t := range s.toks {
		out[i] = s.str[t.off : t.off+t.n]
	}
	return out
}

// normalize sets s.runes to the NFKC form of text, folded to lower case,
// and when tracking s.spans to where each rune came from. It walks the
// normalisation segment by segment so that every rune keeps the span of
// original bytes it came from.
func (s *scanner) normalize(text string) {
	s.runes = s.runes[:0]
	s.changed, s.next = s.changed[:0], 0
	it := &s.it
	for pos := 0; pos < len(text); {
		// Most of it is ASCII and Hangul syllables, which are in NFKC
		// when no combining character follows: take those without the
		// normaliser's tables, and without case tables but ASCII's.
		r, n := plainAt(text, pos)
		for n > 0 {
			var next rune
			var m int
			if pos+n < len(text) {
				if next, m = plainAt(text, pos+n); m == 0 {
					break // r may combine with what follows
				}
			}
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			s.runes = append(s.runes, r)
			if s.track {
				s.spans = append(s.spans, span{int32(pos), int32(pos + n)})
			}
			pos += n
			r, n = next, m
		}
		if pos == len(text) {
			break
		}
		// Mail is mostly in NFKC already: take that part rune by rune and
		// run the normaliser only over the segments that change.
		quick := pos + norm.NFKC.QuickSpanString(text[pos:])
		for pos < quick {
			r, n := utf8.DecodeRuneInString(text[pos:])
			s.runes = append(s.runes, fold(r))
			if s.track {
				s.spans = append(s.spans, span{int32(pos), int32(pos + n)})
			}
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
		first := len(s.runes)
		for it.Pos() == 0 {
			seg := it.Next()
			if len(seg) == 0 {
				break
			}
			for len(seg) > 0 {
				r, n := utf8.DecodeRune(seg)
				seg = seg[n:]
				s.runes = append(s.runes, fold(r))
			}
		}
		end := pos + max(it.Pos(), 1) // always move on, whatever the iterator did
		if len(s.runes) > first {
			s.changed = append(s.changed, int32(first), int32(len(s.runes)))
		} else {
			s.inexact = true // text left out would join what is around it
		}
		if s.track {
			for range len(s.runes) - first {
				s.spans = append(s.spans, span{int32(pos), int32(end)})
			}
		}
		pos = end
	}
}

// plainAt returns the rune at text[pos] if it is ASCII or a Hangul
// syllable (else n is 0). Neither is changed by NFKC or combines with what
// comes before it.
func plainAt(text string, pos int) (r rune, n int) {
	c := text[pos]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	if 0xEA <= c && c <= 0xED && pos+2 < len(text) { // where U+AC00..U+D7A3 start in UTF-8
		// decoded here: three bytes, a lead that no overlong form or
		// surrogate shares with the syllables' range, checked below
		c1, c2 := text[pos+1], text[pos+2]
		if c1&0xC0 == 0x80 && c2&0xC0 == 0x80 {
			r = rune(c&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
			if 0xAC00 <= r && r <= 0xD7A3 {
				return r, 3
			}
		}
	}
	return 0, 0
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

// findAddresses appends to out the rune spans [first, last] of the e-mail
// addresses and http(s) URLs in u, in order and not overlapping. No scan
// goes back or forward over a space: an address is made of no spaces.
func findAddresses(out [][2]int, u []rune) [][2]int {
	floor := 0 // an address never reaches back into the previous one
	for i := 0; i < len(u); i++ {
		if u[i] == ':' {
			if first, last, ok := urlAt(u, i, floor); ok {
				out = append(out, [2]int{first, last})
				floor = last + 1
				i = last
			}
			continue
		}
		if u[i] != '@' {
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
func emailAt(u []rune, at, floor int) (first, last int, ok bool) {
	first = at
	for first > floor && isLocalRune(u[first-1]) {
		first--
	}
	last = at
	for last+1 < len(u) && isDomainRune(u[last+1]) {
		last++
	}
	// Trim punctuation at the ends: "<kim@example.com>." ends at "m".
	for first < at && classOf(u[first]) != word {
		first++
	}
	for last > at && classOf(u[last]) == sep {
		last--
	}
	if first == at || last == at {
		return 0, 0, false
	}
	return first, min(last, first+maxAddressRunes-1), true
}

// urlAt recognises an http:// or https:// URL whose ':' is at u[colon].
func urlAt(u []rune, colon, floor int) (first, last int, ok bool) {
	if colon+2 >= len(u) || u[colon+1] != '/' || u[colon+2] != '/' {
		return 0, 0, false
	}
	first = colon
	for first > floor && 'a' <= u[first-1] && u[first-1] <= 'z' {
		first--
	}
	if !isWebScheme(u[first:colon]) {
		return 0, 0, false
	}
	if first > 0 && isWordRune(u[first-1]) {
		return 0, 0, false // "xhttp://" is not a URL we know
	}
	last = colon + 2
	for last+1 < len(u) && isURLRune(u[last+1]) {
		last++
	}
	// A URL at the end of a sentence or in brackets does not own the
	// punctuation after it; a trailing '/' is dropped too, so that
	// "https://example.com/" and "https://example.com" are one term.
	for last > colon+2 && classOf(u[last]) == sep {
		last--
	}
	if last == colon+2 {
		return 0, 0, false
	}
	return first, min(last, first+maxAddressRunes-1), true
}

// isWebScheme reports whether u spells "http" or "https" (already folded).
func isWebScheme(u []rune) bool {
	const s = "https"
	if len(u) != 4 && len(u) != 5 {
		return false
	}
	for i, x := range u {
		if x != rune(s[i]) {
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
