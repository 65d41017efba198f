package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what one query may ask, so that a pasted paragraph cannot build
// an expression the backends refuse (FTS5 nests each NOT one level deeper
// and stops at 256) or that takes long to answer. Dropping required terms
// only widens the result, which stays correct for an AND query.
const (
	maxQueryTerms   = 128
	maxExcludeTerms = 32
	maxQueryBytes   = 4096
)

// Query is a parsed user query: every group of Terms must occur in the
// document and no group of Exclude may.
//
// A group is a term with Adjacent false followed by the terms with Adjacent
// true: the tokens of one typed word (the bigrams of a Korean word, the parts
// of "e-mail" or of an address) or of one quoted phrase, which must occur one
// right after the other. An index that keeps positions can check that; one
// that does not can only require all of them, and [Match] narrows its
// candidates if exactness matters. [Query.Groups] gives the groups.
type Query struct {
	Terms   []Term
	Exclude []Term
}

// Term is one index term of a query.
type Term struct {
	Text string
	// Prefix matches every index term that starts with Text: the word being
	// typed ("inv" finds "invoice") and a lone CJK character ("견" finds the
	// bigram "견적").
	Prefix bool
	// Adjacent says this term must be the index term right after the one
	// matched by the previous term.
	Adjacent bool
}

// Empty reports whether the query has no required terms. An empty query
// cannot be answered from an index (which cannot express "everything
// except"), so the backends render it as "" and the caller should not search.
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// Groups splits the query into its groups of adjacent terms (see [Query]):
// every required group must occur, and a document holding any excluded
// group is not a match. Each group starts with a term whose Adjacent is
// false. This is the structure each backend renders in its own query
// syntax (as a phrase, or as terms all required); the slices share q's
// arrays.
func (q Query) Groups() (required, excluded [][]Term) {
	return groups(q.Terms), groups(q.Exclude)
}

// chunk is one unit of what the user typed: a whitespace-separated word or a
// quoted phrase, possibly excluded with a leading '-'.
type chunk struct {
	text    string
	exclude bool
	closed  bool // a phrase whose closing quote was typed
}

// Parse turns what a user types into a Query, using the tokenizer that built
// the index, so that a query term is exactly an index term:
//
//   - "견적서" becomes its bigrams "견적" + "적서", all required and adjacent:
//     any substring of two or more characters of an indexed run is found.
//     (The run's last character is not required: in the document the word
//     may go on, "견적서를".)
//   - A one-character CJK word is a prefix term: "견" finds "견적".
//   - The last word of the query, when it is a Latin word or an address, is a
//     prefix term (type-ahead: "inv" finds "invoice", "kim@exa" finds
//     "kim@example.com"), unless it closes a quoted phrase or is excluded.
//   - Other words are exact terms, lower-cased and normalised like the index.
//   - "a quoted phrase" keeps its words in order; -word and -"a phrase"
//     exclude. The words AND, OR, NOT and other operators of the backends are
//     ordinary words here.
func Parse(q string) Query {
	if len(q) > maxQueryBytes {
		// Cut at a space so that no word is cut into a different word.
		cut := strings.LastIndexFunc(q[:maxQueryBytes], unicode.IsSpace)
		if cut < 0 {
			cut = maxQueryBytes
			for cut > 0 && !utf8.RuneStart(q[cut]) {
				cut--
			}
		}
		q = q[:cut]
	}
	chunks := splitQuery(q)
	var out Query
	seen := map[string]bool{} // groups already added, to drop repeated words
	for ci, c := range chunks {
		typeAhead := ci == len(chunks)-1 && !c.exclude && !c.closed
		g := chunkTerms(c.text, typeAhead)
		if len(g) == 0 {
			continue
		}
		key := groupKey(c.exclude, g)
		if seen[key] {
			continue
		}
		seen[key] = true
		if c.exclude {
			// An excluded group is all or nothing: a shorter one would
			// exclude more.
			if len(out.Exclude)+len(g) <= maxExcludeTerms {
				out.Exclude = append(out.Exclude, g...)
			}
		} else {
			// The head of a required group still has to occur, so cutting
			// a long one (a pasted Korean sentence) only widens the result.
			out.Terms = append(out.Terms, g[:min(len(g), maxQueryTerms-len(out.Terms))]...)
		}
	}
	return out
}

// splitQuery cuts the typed query into words and phrases. Quotes may be
// typed as ", ＂ or the curly “ ” that phones and word processors substitute.
func splitQuery(q string) []chunk {
	var out []chunk
	for i := 0; i < len(q); {
		r, n := utf8.DecodeRuneInString(q[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		var c chunk
		if r == '-' || r == '－' {
			if r2, _ := utf8.DecodeRuneInString(q[i+n:]); i+n < len(q) && !unicode.IsSpace(r2) {
				c.exclude = true
				i += n
				r, n = utf8.DecodeRuneInString(q[i:])
			}
		}
		if isQuote(r) {
			i += n
			end := strings.IndexFunc(q[i:], isQuote)
			if end < 0 {
				c.text, i = q[i:], len(q)
			} else {
				c.text, c.closed = q[i:i+end], true
				_, qn := utf8.DecodeRuneInString(q[i+end:])
				i += end + qn
			}
		} else {
			end := strings.IndexFunc(q[i:], func(r rune) bool { return unicode.IsSpace(r) || isQuote(r) })
			if end < 0 {
				end = len(q) - i
			}
			c.text = q[i : i+end]
			i += end
		}
		out = append(out, c)
	}
	return out
}

func isQuote(r rune) bool {
	return r == '"' || r == '＂' || r == '“' || r == '”'
}

// chunkTerms tokenises one typed word or phrase into one group of adjacent
// terms. typeAhead says the user may still be typing its end.
func chunkTerms(text string, typeAhead bool) []Term {
	var s scanner
	s.scan(text)
	if len(s.toks) == 0 {
		return nil
	}
	texts := s.texts()
	lastRun, lastUnit := int32(-1), int32(-1)
	for _, t := range s.toks {
		if t.kind != kindAddress {
			lastRun, lastUnit = t.run, t.last
		}
	}
	var g []Term
	for i, t := range s.toks {
		term := Term{Text: texts[i]}
		switch t.kind {
		case kindChar:
			if t.run == lastRun {
				// In the document this run may go on ("견적" in "견적서"):
				// its last character is then not a term of its own, but
				// the first half of a bigram.
				if !t.lone {
					continue
				}
				term.Prefix = true
			}
		case kindWord:
			term.Prefix = typeAhead && t.run == lastRun
		case kindAddress:
			term.Prefix = typeAhead && t.last == lastUnit
		}
		term.Adjacent = len(g) > 0
		g = append(g, term)
	}
	return g
}

// groupKey identifies a group for dropping repeats.
func groupKey(exclude bool, g []Term) string {
	var b strings.Builder
	if exclude {
		b.WriteByte('-')
	}
	for _, t := range g {
		b.WriteString(t.Text)
		if t.Prefix {
			b.WriteByte('*')
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// groups splits terms into their groups of adjacent terms.
func groups(terms []Term) [][]Term {
	var out [][]Term
	for i := 0; i < len(terms); {
		j := i + 1
		for j < len(terms) && terms[j].Adjacent {
			j++
		}
		out = append(out, terms[i:j])
		i = j
	}
	return out
}

// Match reports whether text matches q: every required group occurs (its
// terms on consecutive index terms), no excluded group does. It is the
// reference for the backends (an index with positions answers exactly
// this) and can re-check candidates from an index that ignores adjacency.
func Match(text string, q Query) bool {
	if q.Empty() {
		return false
	}
	toks := Tokens(text)
	for _, g := range groups(q.Terms) {
		if findGroup(toks, g, 0) < 0 {
			return false
		}
	}
	for _, g := range groups(q.Exclude) {
		if findGroup(toks, g, 0) >= 0 {
			return false
		}
	}
	return true
}

// findGroup returns the first position p >= from where group g matches toks
// (g[k] matching toks[p+k]), or -1.
func findGroup(toks []string, g []Term, from int) int {
	for p := from; p+len(g) <= len(toks); p++ {
		ok := true
		for k, t := range g {
			if !t.matches(toks[p+k]) {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
	}
	return -1
}

// matches reports whether the index term tok satisfies t.
func (t Term) matches(tok string) bool {
	if t.Prefix {
		return strings.HasPrefix(tok, t.Text)
	}
	return tok == t.Text
}
