package sqlite

// The FTS5 dialect of internal/search: the tokenizer setting of
// message_index, under which FTS5 sees exactly the terms search.Tokens
// makes, and the MATCH expression a search.Query becomes. internal/search
// decides what the terms are; how FTS5 is told about them is this
// backend's business. The tests check both against a real FTS5 and
// against search.Match.

import (
	"strings"

	"postroom/internal/search"
)

// fts5Tokenizer is the value of the tokenize option for an FTS5 table whose
// columns hold search.Tokens joined by single spaces (message_index, see
// the migrations), as FTS5 reads it; fts5Tokenize is the option as a
// CREATE VIRTUAL TABLE writes it.
//
// It is FTS5's ascii tokenizer with every ASCII character but the space
// (and NUL, which no text holds) a token character, so that FTS5 sees
// exactly our terms: a term holds only token characters (ASCII letters
// and digits are ones already, every byte of a non-ASCII character is one
// under ascii), and the single spaces between terms are the only
// separators. The ascii tokenizer does not decode UTF-8 or look up
// character classes, which unicode61 did for every character (14 % of the
// CPU of a large APPEND, issue 21); it folds A-Z to lower case, which our
// terms are already. The search index was made with
// "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Z* C*'
// separators ' '" before: the same terms, but unicode61 also folded the
// case of non-ASCII letters, which search.Tokens lower-cases itself.
//
// The plain 'unicode61 remove_diacritics 0' would keep Hangul bigrams whole
// but split our whole-address terms at '@' and '.' (kim@example.co.kr would
// become kim, example, co, kr, and a pasted address would match as a phrase
// of its parts, breaking the adjacency of the query) and drop combining
// marks, cutting Devanagari or Thai words apart. The tests check the terms
// FTS5 stores against search.Tokens, through fts5vocab.
var fts5Tokenizer = "ascii tokenchars '" + strings.ReplaceAll(asciiTokenChars(), "'", "''") + "'"

// fts5Tokenize is the tokenize option of a CREATE VIRTUAL TABLE ... USING
// fts5(...) for fts5Tokenizer.
var fts5Tokenize = `tokenize = "` + strings.ReplaceAll(fts5Tokenizer, `"`, `""`) + `"`

// asciiTokenChars is every ASCII character but NUL, the space, letters
// and digits (token characters of the ascii tokenizer already).
func asciiTokenChars() string {
	var b strings.Builder
	for c := byte(1); c < 0x80; c++ {
		if c == ' ' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// fts5Query renders q for `WHERE table MATCH ?` (or `column MATCH ?` to
// search one column, or inside a column filter `col : (...)`) over columns
// tokenised with fts5Tokenizer:
//
//	"견적" + "적서" AND "inv"* NOT ("spam")
//
// Every term is a double-quoted string (quotes doubled inside), so nothing a
// user types is read as an FTS5 operator, column filter or NEAR group; a
// group of adjacent terms (search.Query.Groups) is an FTS5 phrase, which
// FTS5 matches on consecutive positions: the answer is exactly
// search.Match's. It returns "" for an empty query, which must not be
// passed to MATCH.
func fts5Query(q search.Query) string {
	if q.Empty() {
		return ""
	}
	required, excluded := q.Groups()
	var b strings.Builder
	for i, g := range required {
		if i > 0 {
			b.WriteString(" AND ")
		}
		writeFTS5Phrase(&b, g)
	}
	// FTS5 has no unary NOT: "a NOT b NOT c" is (a NOT b) NOT c.
	for _, g := range excluded {
		b.WriteString(" NOT (")
		writeFTS5Phrase(&b, g)
		b.WriteString(")")
	}
	return b.String()
}

func writeFTS5Phrase(b *strings.Builder, g []search.Term) {
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
