// Package search turns message text into index terms and user queries into
// index queries, for full-text search of mail in Korean, English and other
// languages.
//
// The index itself lives in the store backend (an SQLite FTS5 table or a
// PostgreSQL tsvector column); this package only decides what the terms are,
// so that both backends find the same messages:
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
// [Tokens] produces the terms of a document in order; [Parse] turns what a
// user typed into a [Query] built from the same tokenizer; [Query.FTS5] and
// [Query.TSQuery] render it for the two backends; [Match] is the reference
// semantics (what FTS5 answers, computed in Go) and [Highlight] finds the
// matched byte ranges for the UI.
//
// Storing: join [Tokens] with single spaces into an FTS5 column declared with
// tokenize = [FTS5Tokenizer], or store array_to_tsvector(tokens) in
// PostgreSQL and query it with $1::tsquery (see [Query.TSQuery]).
package search
