// Package search turns message text into index terms and user queries into
// index queries, for full-text search of mail in Korean, English and other
// languages.
//
// The index itself lives in the store backend (an SQLite FTS5 table or a
// PostgreSQL tsvector column), and so does the query language it speaks;
// this package only decides what the terms are, so that both backends find
// the same messages:
//
//   - Words of alphabetic scripts (Latin, Cyrillic, Greek, ...) and numbers
//     are terms, NFKC-normalised and lower-cased, accents kept.
//   - Hangul, Han, Hiragana and Katakana have no reliable word boundaries
//     (Korean attaches particles: 견적서를), so each run of them is indexed as
//     its overlapping two-character bigrams plus its last character. Any
//     substring of two or more characters is then a chain of bigrams, and a
//     single character is a prefix of some term. (SQLite's trigram tokenizer
//     cannot do this: most Korean words are two syllables.)
//   - E-mail addresses and http(s) URLs are split like any text and are also
//     kept whole, so that a pasted address finds exactly that address.
//
// [Tokens] produces the terms of a document in order, and [Terms] and
// [WriteTerms] the same terms joined by spaces, as the index stores them,
// without the positions that only highlighting needs; [Parse] turns what a
// user typed into a [Query] built from the same tokenizer, whose
// [Query.Groups] are the phrases a backend renders; [Match] is the
// reference semantics (what an index with positions answers, computed in
// Go); [Substring] narrows a literal substring search to index terms, and
// [ExactNeedle] and [ExactText] say when the index's answer to it is
// exact (exact.go); and [Highlight] finds the matched byte ranges for
// the UI.
//
// The renderings belong to the backends, each in its own dialect: the FTS5
// MATCH expression and the FTS5 tokenizer setting that keeps our terms
// whole are in internal/store/sqlite (fts5query.go); the tsquery over
// array_to_tsvector of the terms is in internal/store/postgres
// (tsquery.go). Both backends store [Tokens] verbatim and test their
// rendering against a real server and against [Match].
package search
