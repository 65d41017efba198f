package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// When the index answers a substring search exactly (issue 21: SEARCH
// BODY 내일 read 90,000 files to confirm what the index had found).
//
// Substring's phrase is in general a superset: normalisation folds
// compatibility characters into the bigrams (㉮나 is indexed as 가나), the
// tokenizer skips combining marks inside a run (가◌́나 gives the bigram
// 가나), and conjoining jamo compose with the syllable before them. None
// of that happens in most mail. For the texts where it provably does not
// (ExactText; the indexer marks them with ExactTerm) and the needles made
// of plain CJK characters only (ExactNeedle), the index's answer is the
// substring search's answer, both ways:
//
//   - If the terms hold the phrase Substring(s), some run of the
//     normalised text holds the bigrams of s at consecutive positions,
//     so, no mark being skipped, its characters consecutively; each of
//     them is plain and in a plain-plain bigram, so (ExactText) was taken
//     from the text as it was, one character for one, from consecutive
//     places (normalisation drops nothing): the text holds s, and so does
//     its strings.ToLower, which leaves CJK characters alone.
//   - If strings.ToLower(text) holds s, so does text (no character
//     lower-cases to a CJK one); its characters there are consecutive and
//     plain. A plain character is not changed by NFKC unless what follows
//     combines with it, and then the bigram would hold a changed
//     character, which ExactText refuses; so the normalised text holds s
//     within one run, whose bigrams are then consecutive terms: the
//     phrase.
//
// Both hold of the terms as an index with positions keeps them (FTS5, and
// search.Match). An index without positions (PostgreSQL's) answers
// exactly only a needle of two characters: its one bigram.

// ExactTerm is appended to the terms of a text for which ExactText holds,
// so that an exact search may trust the index's answer for the needles
// ExactNeedle accepts without reading the text. A text without it (one
// indexed before the mark existed, or one that fails ExactText) must be
// read. Tokens never makes it and Parse never asks for it: '!' separates
// terms.
const ExactTerm = "!exact"

// ExactText reports whether the terms of text (Terms, WriteTermsExact)
// hold the phrase Substring(s) exactly when strings.ToLower(text) holds
// s, for every s that ExactNeedle accepts: whether text deserves
// ExactTerm. It holds when the whole text is indexed (it is not longer
// than MaxIndexedText) and no bigram of two plain characters (see
// ExactNeedle) has a character that normalisation made or changed
// (compatibility jamo composed into a syllable, ㉮ or the halfwidth forms
// folded, a syllable composed with a following jamo) or skips a combining
// mark between them. Other changes are harmless and common: the
// non-breaking spaces of HTML mail, full-width Latin, ①, and even ㈜,
// whose 주 stands alone between brackets and makes no bigram.
func ExactText(text string) bool {
	var b strings.Builder
	return WriteTermsExact(&b, text)
}

// ExactNeedle reports whether a substring search for s is one the index
// answers exactly in the texts marked with ExactTerm (see ExactText):
// s is two or more plain CJK characters and nothing else (Hangul
// syllables, Han ideographs, kana: isCJK), none of which NFKC changes
// whatever surrounds it, so that Substring(s) is one phrase of s's own
// bigrams, all of them (no more than a query takes). Any other character
// (a space, a Latin letter, a conjoining or compatibility jamo) makes the
// index's answer a superset again: read the candidates.
func ExactNeedle(s string) bool {
	n := 0
	for _, r := range s {
		if !plain(r) {
			return false
		}
		n++
	}
	return n >= 2 && n-1 <= maxQueryTerms
}

// plain reports whether r is a character an exact needle may hold: a
// CJK character (isCJK, so that a run of them is one run of bigrams)
// that has no case, that NFKC leaves as it is (が stays, 豈 and ㄱ do
// not), and that composes with nothing before it, so that a string of
// them is its own NFKC form; conjoining jamo, which compose with each
// other, are not plain.
func plain(r rune) bool {
	switch {
	case 0xAC00 <= r && r <= 0xD7A3, 0x4E00 <= r && r <= 0x9FFF: // syllables and unified ideographs
		return true
	case !isCJK(r), isJamo(r), unicode.ToLower(r) != r:
		return false
	}
	var buf [utf8.UTFMax]byte
	c := buf[:utf8.EncodeRune(buf[:], r)]
	p := norm.NFKC.Properties(c)
	return norm.NFKC.IsNormal(c) && p.BoundaryBefore() && p.CCC() == 0
}

// isJamo reports whether r is a conjoining Hangul jamo (Hangul Jamo and
// its extensions A and B).
func isJamo(r rune) bool {
	return 0x1100 <= r && r <= 0x11FF || 0xA960 <= r && r <= 0xA97F || 0xD7B0 <= r && r <= 0xD7FF
}
