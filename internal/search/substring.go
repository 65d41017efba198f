package search

// CutTerm is appended to the terms of a text that was cut at
// MaxIndexedText, so that a search which must be exact (Substring) knows
// which texts the index holds only in part and reads those too. Tokens
// never makes it and Parse never asks for it: '!' separates terms.
const CutTerm = "!cut"

// Cut is the query that finds the texts marked with CutTerm.
var Cut = Query{Terms: []Term{{Text: CutTerm}}}

// Substring returns the index query that every text containing s as a
// substring matches: for each run of two or more Hangul, Han, Hiragana or
// Katakana characters in s, the run's bigrams as one phrase. Such a run of
// s lies inside a run of the text, so the text's terms hold the same
// bigrams at consecutive positions (see Tokens). Words of other scripts
// give no terms: "ello" is inside "hello", whose only term is "hello".
//
// ok is false when s has no such run: the index cannot narrow a search for
// s, and every text must be read. When ok, the index finds a superset of
// the texts containing s (the bigrams may stand in another order, or only
// in NFKC form) among the texts indexed whole: read those, and the texts
// marked with CutTerm, to be exact. (One difference remains: a text in
// which a syllable is followed by a conjoining jamo, which no Korean input
// method makes, is indexed as NFKC composes the two.) For a needle
// ExactNeedle accepts, the texts marked with ExactTerm need no reading:
// the index's answer is theirs (exact.go).
//
// This serves substring searches such as IMAP's (RFC 9051 §6.4.4), where
// Parse serves what a user types in the webmail.
func Substring(s string) (q Query, ok bool) {
	var sc scanner
	sc.scan(s)
	texts := sc.texts()
	run := int32(-1)
	for i, t := range sc.toks {
		if t.kind != kindBigram {
			continue
		}
		if len(q.Terms) == maxQueryTerms {
			break // a superset still: fewer terms match more texts
		}
		q.Terms = append(q.Terms, Term{Text: texts[i], Adjacent: t.run == run})
		run = t.run
	}
	return q, !q.Empty()
}
