package postgres

// The tsquery dialect of internal/search: message_index holds
// array_to_tsvector of search.Tokens (the terms verbatim, see putIndex),
// and a search.Query becomes a tsquery cast with ::tsquery, which takes the
// lexemes verbatim too, so PostgreSQL's parser never splits our terms
// again (Hangul bigrams, whole addresses). internal/search decides what the
// terms are; how PostgreSQL is told about them is this backend's business.
// The tests check the rendering against a real server and search.Match.

import (
	"strings"

	"postroom/internal/search"
)

// tsQuery renders q in PostgreSQL tsquery syntax, every term a quoted lexeme
// (quotes doubled and backslashes escaped inside) and ":*" for prefixes:
//
//	'견적' & '적서' & 'inv':* & !('spam')
//
// Adjacency is not rendered (<->): a tsvector keeps positions only up to
// 16383 and none at all when built with array_to_tsvector, so "followed by"
// would miss matches in long bodies. Requiring all terms finds a superset
// of search.Match's answer, which Match can narrow if exactness matters; an
// excluded group (search.Query.Groups) excludes a message holding all its
// terms anywhere. It returns "" for an empty query.
//
// The string is also valid for to_tsquery('simple', $1), but that runs the
// PostgreSQL parser over each lexeme again and splits URLs differently from
// search.Tokens: use $1::tsquery.
func tsQuery(q search.Query) string {
	if q.Empty() {
		return ""
	}
	_, excluded := q.Groups()
	var b strings.Builder
	writeTSTerms(&b, q.Terms)
	for _, g := range excluded {
		b.WriteString(" & !(")
		writeTSTerms(&b, g)
		b.WriteString(")")
	}
	return b.String()
}

func writeTSTerms(b *strings.Builder, terms []search.Term) {
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
