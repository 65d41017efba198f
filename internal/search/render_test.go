package search

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFTS5(t *testing.T) {
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{"empty query renders nothing", Query{}, ""},
		{"only exclusions render nothing", Query{Exclude: terms("spam")}, ""},
		{"adjacent terms are a phrase", Query{Terms: terms("견적", "+적서")}, `"견적" + "적서"`},
		{"groups are ANDed", Query{Terms: terms("견적", "inv*")}, `"견적" AND "inv"*`},
		{"prefix inside a phrase", Query{Terms: terms("kim@exa*", "+kim", "+exa*")}, `"kim@exa"* + "kim" + "exa"*`},
		{"exclusions follow with NOT", Query{Terms: terms("a"), Exclude: terms("b", "+c", "d*")},
			`"a" NOT ("b" + "c") NOT ("d"*)`},
		{"quotes are doubled", Query{Terms: terms(`say"hi"`)}, `"say""hi"""`},
		{"operators stay strings", Query{Terms: terms("or", "not", "near", "col:x", "a*b", "(x)")},
			`"or" AND "not" AND "near" AND "col:x" AND "a*b" AND "(x)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.FTS5(); got != tt.want {
				t.Fatalf("FTS5() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTSQuery(t *testing.T) {
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{"empty query renders nothing", Query{}, ""},
		{"only exclusions render nothing", Query{Exclude: terms("spam")}, ""},
		{"all terms are ANDed, adjacency dropped", Query{Terms: terms("견적", "+적서", "inv*")}, `'견적' & '적서' & 'inv':*`},
		{"exclusions are negated groups", Query{Terms: terms("a"), Exclude: terms("b", "+c", "d*")},
			`'a' & !('b' & 'c') & !('d':*)`},
		{"quotes are doubled and backslashes escaped", Query{Terms: terms(`o'brien\x`)}, `'o''brien\\x'`},
		{"operators stay lexemes", Query{Terms: append(terms("&", "|", "!", "<->"), Term{Text: ":*"}, Term{Text: "("})},
			`'&' & '|' & '!' & '<->' & ':*' & '('`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.TSQuery(); got != tt.want {
				t.Fatalf("TSQuery() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRenderingsOfHostileInputAreWellFormed(t *testing.T) {
	for _, in := range hostileQueries {
		q := Parse(in)
		if err := checkRenderings(q); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

// hostileQueries are inputs full of the backends' own syntax.
var hostileQueries = []string{
	`"`, `""`, `"""`, `'`, `''`, `\`, `\\`, `\"`, `\'`, `*`, `**`, `-`, `--x`, `-"`, `-""`,
	`a AND b OR c NOT d`, `NEAR(a b, 3)`, `NEAR`, `AND`, `OR`, `NOT`, `^a`, `a:b`, `{a b}:c`, `col:"x"`,
	`a & b | !c`, `a <-> b`, `a <2> b`, `'a':*`, `a:*`, `a:AB`, `(a`, `a)`, `((((`, `a*`, `*a`, `+a`,
	`"unclosed`, `'unclosed`, "tab\there", "new\nline", "nul\x00byte", "bad\xffutf8",
	`kim@example.co.kr`, `"kim@example.co.kr"`, `-kim@example.co.kr`, `https://x.kr/a?b=c&d='e'`,
	`견적 AND 적서`, `"견적서" -"취소"`, `＂견적＂`, `－견적`, `“견적”`, `x"y"z`, `a"b c"d`,
}

// checkRenderings checks that q's FTS5 and TSQuery strings are well-formed
// and say exactly q, by parsing them back with the validators below.
func checkRenderings(q Query) error {
	for _, t := range append(slices0(q.Terms), q.Exclude...) {
		if t.Text == "" {
			return errors.New("empty term")
		}
		if strings.IndexFunc(t.Text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return fmt.Errorf("term %q has a space or control character", t.Text)
		}
		if !utf8.ValidString(t.Text) {
			return fmt.Errorf("term %q is not UTF-8", t.Text)
		}
	}
	if q.Empty() {
		if q.FTS5() != "" || q.TSQuery() != "" {
			return fmt.Errorf("empty query renders %q and %q", q.FTS5(), q.TSQuery())
		}
		return nil
	}
	pos, neg, err := parseFTS5(q.FTS5())
	if err != nil {
		return fmt.Errorf("FTS5 %s: %v", q.FTS5(), err)
	}
	if !reflect.DeepEqual(pos, q.Terms) || !reflect.DeepEqual(neg, q.Exclude) {
		return fmt.Errorf("FTS5 %s reads back as %+v NOT %+v, want %+v NOT %+v", q.FTS5(), pos, neg, q.Terms, q.Exclude)
	}
	pos, neg, err = parseTSQuery(q.TSQuery())
	if err != nil {
		return fmt.Errorf("TSQuery %s: %v", q.TSQuery(), err)
	}
	if !reflect.DeepEqual(pos, withoutAdjacency(q.Terms)) || !reflect.DeepEqual(neg, q.Exclude) {
		return fmt.Errorf("TSQuery %s reads back as %+v NOT %+v, want %+v NOT %+v", q.TSQuery(), pos, neg, q.Terms, q.Exclude)
	}
	return nil
}

func slices0(ts []Term) []Term { return append([]Term(nil), ts...) }

func withoutAdjacency(ts []Term) []Term {
	out := slices0(ts)
	for i := range out {
		out[i].Adjacent = false
	}
	return out
}

// parseFTS5 is a validator for the subset of the FTS5 query syntax that
// FTS5() emits:
//
//	query  = phrase { " AND " phrase } { " NOT (" phrase ")" }
//	phrase = string [ "*" ] { " + " string [ "*" ] }
//	string = '"' { any character but '"' | '""' } '"'   (not empty)
//
// Anything else, in particular a bare word or operator outside quotes, is an
// error. It returns the terms read, with Adjacent set inside phrases.
func parseFTS5(s string) (pos, neg []Term, err error) {
	p := &reader{s: s}
	phrase := func() ([]Term, error) {
		var g []Term
		for {
			text, err := p.quoted('"', false)
			if err != nil {
				return nil, err
			}
			t := Term{Text: text, Adjacent: len(g) > 0}
			t.Prefix = p.eat("*")
			g = append(g, t)
			if !p.eat(" + ") {
				return g, nil
			}
		}
	}
	for {
		g, err := phrase()
		if err != nil {
			return nil, nil, err
		}
		pos = append(pos, g...)
		if !p.eat(" AND ") {
			break
		}
	}
	for p.eat(" NOT (") {
		g, err := phrase()
		if err != nil {
			return nil, nil, err
		}
		neg = append(neg, g...)
		if !p.eat(")") {
			return nil, nil, p.fail("want )")
		}
	}
	if !p.done() {
		return nil, nil, p.fail("trailing text")
	}
	return pos, neg, nil
}

// parseTSQuery is a validator for the subset of the tsquery syntax that
// TSQuery() emits:
//
//	query  = lexeme { " & " lexeme } { " & !(" lexeme { " & " lexeme } ")" }
//	lexeme = "'" { any character but "'" and "\" | "''" | "\" any } "'" [ ":*" ]
func parseTSQuery(s string) (pos, neg []Term, err error) {
	p := &reader{s: s}
	lexemes := func() ([]Term, error) {
		var g []Term
		for {
			text, err := p.quoted('\'', true)
			if err != nil {
				return nil, err
			}
			g = append(g, Term{Text: text, Prefix: p.eat(":*"), Adjacent: len(g) > 0})
			if strings.HasPrefix(p.s[p.i:], " & !(") || !p.eat(" & ") {
				return g, nil
			}
		}
	}
	g, err := lexemes()
	if err != nil {
		return nil, nil, err
	}
	pos = withoutAdjacency(g)
	for p.eat(" & !(") {
		g, err := lexemes()
		if err != nil {
			return nil, nil, err
		}
		neg = append(neg, g...)
		if !p.eat(")") {
			return nil, nil, p.fail("want )")
		}
	}
	if !p.done() {
		return nil, nil, p.fail("trailing text")
	}
	return pos, neg, nil
}

type reader struct {
	s string
	i int
}

func (p *reader) eat(tok string) bool {
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *reader) done() bool { return p.i == len(p.s) }

func (p *reader) fail(msg string) error { return fmt.Errorf("at %d of %q: %s", p.i, p.s, msg) }

// quoted reads a non-empty string in quote characters q, where q is escaped
// by doubling it and, if backslash is set, any character by a backslash.
func (p *reader) quoted(q byte, backslash bool) (string, error) {
	if !p.eat(string(q)) {
		return "", p.fail("want " + string(q))
	}
	var b strings.Builder
	for {
		if p.done() {
			return "", p.fail("unterminated string")
		}
		c := p.s[p.i]
		switch {
		case c == q && p.i+1 < len(p.s) && p.s[p.i+1] == q:
			b.WriteByte(q)
			p.i += 2
		case c == q:
			p.i++
			if b.Len() == 0 {
				return "", p.fail("empty string")
			}
			return b.String(), nil
		case c == '\\' && backslash:
			if p.i+1 == len(p.s) {
				return "", p.fail("dangling backslash")
			}
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

// FuzzParse checks that whatever a user types, Parse gives terms that are
// index terms and renderings that are well-formed and mean the query, that
// a text matches the query made from it, and that Highlight stays in bounds.
//
//	go test ./internal/search -run '^$' -fuzz FuzzParse -fuzztime 30s
func FuzzParse(f *testing.F) {
	for _, s := range hostileQueries {
		f.Add(s)
	}
	for _, s := range []string{"견적서를 보내드립니다", "삼성전자 invoice 2026", "ＡＢＣ", "東京都", "コーヒー", "㈜삼성", "Cafe\u0301", "ΟΔΟΣ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q := Parse(in)
		if err := checkRenderings(q); err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		// A message whose text is exactly what was typed must be found by
		// it: the query side and the index side tokenise alike.
		if !q.Empty() && len(q.Exclude) == 0 && !Match(in, q) {
			t.Fatalf("Match(%q, Parse(itself) = %+v) = false; Tokens = %q", in, q, Tokens(in))
		}
		h := Highlight(in, q)
		if !q.Empty() && len(q.Exclude) == 0 && len(h) == 0 {
			t.Fatalf("Highlight(%q, Parse(itself)) is empty", in)
		}
		boundary := map[int]bool{len(in): true} // where characters (or invalid bytes) start
		for i := range in {
			boundary[i] = true
		}
		end := -1
		for _, r := range h {
			if r[0] <= end || r[0] >= r[1] || r[1] > len(in) {
				t.Fatalf("Highlight(%q) = %v: ranges out of order or bounds", in, h)
			}
			if !boundary[r[0]] || !boundary[r[1]] {
				t.Fatalf("Highlight(%q) = %v: range cuts a character", in, h)
			}
			end = r[1]
		}
	})
}
