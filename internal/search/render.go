package search

import "strings"

// FTS5Tokenizer is the value of the tokenize option for an FTS5 table whose
// columns hold Tokens joined by single spaces:
//
//	CREATE VIRTUAL TABLE message_fts USING fts5(subject, addresses, body,
//	    tokenize = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Z* C*' separators ' '")
//
// It makes every character except the space a token character, so FTS5 sees
// exactly our terms. The plain 'unicode61 remove_diacritics 0' keeps Hangul
// bigrams whole but would split our whole-address terms at '@' and '.'
// (kim@example.co.kr would become kim, example, co, kr, and a pasted address
// would match as a phrase of its parts, breaking the adjacency of the query)
// and drops combining marks, cutting Devanagari or Thai words apart. The
// tests check the terms FTS5 stores against Tokens, through fts5vocab.
// Case folding by unicode61 is harmless: our terms are already lower case.
const FTS5Tokenizer = `unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Z* C*' separators ' '`

// FTS5 renders q for `WHERE table MATCH ?` (or `column MATCH ?` to search one
// column) over columns tokenised with FTS5Tokenizer:
//
//	"견적" + "적서" AND "inv"* NOT ("spam")
//
// Every term is a double-quoted string (quotes doubled inside), so nothing a
// user types is read as an FTS5 operator, column filter or NEAR group; a
// group of adjacent terms is an FTS5 phrase. It returns "" for an empty
// query, which must not be passed to MATCH.
func (q Query) FTS5() string {
	if q.Empty() {
		return ""
	}
	var b strings.Builder
	for i, g := range groups(q.Terms) {
		if i > 0 {
			b.WriteString(" AND ")
		}
		writeFTS5Phrase(&b, g)
	}
	// FTS5 has no unary NOT: "a NOT b NOT c" is (a NOT b) NOT c.
	for _, g := range groups(q.Exclude) {
		b.WriteString(" NOT (")
		writeFTS5Phrase(&b, g)
		b.WriteString(")")
	}
	return b.String()
}

func writeFTS5Phrase(b *strings.Builder, g []Term) {
	for k, t := range g {
		if k > 0 {
			b.WriteString(" + ")
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(t.Text, `"`, `""`))
		b.WriteByte('"')
		if t.Prefix {
			b.WriteByte('*')
		}
	}
}

// TSQuery renders q in PostgreSQL tsquery syntax, every term a quoted lexeme
// (quotes doubled and backslashes escaped inside) and ":*" for prefixes:
//
//	'견적' & '적서' & 'inv':* & !('spam')
//
// Adjacency is not rendered (<->): a tsvector keeps positions only up to
// 16383 and none at all when built with array_to_tsvector, so "followed by"
// would miss matches in long bodies; requiring all terms finds a superset,
// which Match can narrow if exactness matters. It returns "" for an empty
// query.
//
// The intended use stores array_to_tsvector($tokens) (the terms verbatim) and
// queries with `@@ $1::tsquery`, which takes the lexemes verbatim too. The
// string is also valid for to_tsquery('simple', $1), but that runs the
// PostgreSQL parser over each lexeme again and splits URLs differently from
// Tokens.
func (q Query) TSQuery() string {
	if q.Empty() {
		return ""
	}
	var b strings.Builder
	writeTSTerms(&b, q.Terms)
	for _, g := range groups(q.Exclude) {
		b.WriteString(" & !(")
		writeTSTerms(&b, g)
		b.WriteString(")")
	}
	return b.String()
}

func writeTSTerms(b *strings.Builder, terms []Term) {
	for k, t := range terms {
		if k > 0 {
			b.WriteString(" & ")
		}
		b.WriteByte('\'')
		for _, r := range t.Text {
			switch r {
			case '\'':
				b.WriteString("''")
			case '\\':
				b.WriteString(`\\`)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('\'')
		if t.Prefix {
			b.WriteString(":*")
		}
	}
}
