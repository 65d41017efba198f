package sqlite

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"postroom/internal/search"
)

// queryTerms builds search.Terms from a compact notation: "a" exact, "a*"
// prefix, "+a" adjacent to the previous term.
func queryTerms(spec ...string) []search.Term {
	var out []search.Term
	for _, s := range spec {
		var t search.Term
		s, t.Adjacent = strings.CutPrefix(s, "+")
		t.Text, t.Prefix = strings.CutSuffix(s, "*")
		out = append(out, t)
	}
	return out
}

func TestFTS5Query(t *testing.T) {
	tests := []struct {
		name string
		q    search.Query
		want string
	}{
		{"empty query renders nothing", search.Query{}, ""},
		{"only exclusions render nothing", search.Query{Exclude: queryTerms("spam")}, ""},
		{"adjacent terms are a phrase", search.Query{Terms: queryTerms("견적", "+적서")}, `"견적" + "적서"`},
		{"groups are ANDed", search.Query{Terms: queryTerms("견적", "inv*")}, `"견적" AND "inv"*`},
		{"prefix inside a phrase", search.Query{Terms: queryTerms("kim@exa*", "+kim", "+exa*")}, `"kim@exa"* + "kim" + "exa"*`},
		{"exclusions follow with NOT", search.Query{Terms: queryTerms("a"), Exclude: queryTerms("b", "+c", "d*")},
			`"a" NOT ("b" + "c") NOT ("d"*)`},
		{"quotes are doubled", search.Query{Terms: queryTerms(`say"hi"`)}, `"say""hi"""`},
		{"operators stay strings", search.Query{Terms: queryTerms("or", "not", "near", "col:x", "a*b", "(x)")},
			`"or" AND "not" AND "near" AND "col:x" AND "a*b" AND "(x)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fts5Query(tt.q); got != tt.want {
				t.Fatalf("fts5Query() = %s, want %s", got, tt.want)
			}
		})
	}
}

// The index table is made with the tokenizer this file's tests check
// against search.Tokens; the two must not drift apart.
func TestSchema_indexIsMadeWithFTS5Tokenizer(t *testing.T) {
	found := false
	for _, m := range migrations {
		if strings.Contains(m, "USING fts5(") {
			found = strings.Contains(m, fts5Tokenize)
		}
	}
	if !found {
		t.Fatalf("message_index is not made with %q", fts5Tokenize)
	}
}

// hostileQueries are inputs full of FTS5's (and tsquery's) own syntax.
var hostileQueries = []string{
	`"`, `""`, `"""`, `'`, `''`, `\`, `\\`, `\"`, `\'`, `*`, `**`, `-`, `--x`, `-"`, `-""`,
	`a AND b OR c NOT d`, `NEAR(a b, 3)`, `NEAR`, `AND`, `OR`, `NOT`, `^a`, `a:b`, `{a b}:c`, `col:"x"`,
	`a & b | !c`, `a <-> b`, `a <2> b`, `'a':*`, `a:*`, `a:AB`, `(a`, `a)`, `((((`, `a*`, `*a`, `+a`,
	`"unclosed`, `'unclosed`, "tab\there", "new\nline", "nul\x00byte", "bad\xffutf8",
	`kim@example.co.kr`, `"kim@example.co.kr"`, `-kim@example.co.kr`, `https://x.kr/a?b=c&d='e'`,
	`견적 AND 적서`, `"견적서" -"취소"`, `＂견적＂`, `－견적`, `“견적”`, `x"y"z`, `a"b c"d`,
}

func TestFTS5QueryOfHostileInputIsWellFormed(t *testing.T) {
	for _, in := range hostileQueries {
		if err := checkFTS5Query(search.Parse(in)); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

// FuzzFTS5Query checks that whatever a user types, the FTS5 rendering of
// its query is well-formed and says exactly the query.
//
//	go test ./internal/store/sqlite -run '^$' -fuzz FuzzFTS5Query -fuzztime 30s
func FuzzFTS5Query(f *testing.F) {
	for _, s := range hostileQueries {
		f.Add(s)
	}
	for _, s := range []string{"견적서를 보내드립니다", "삼성전자 invoice 2026", "ＡＢＣ", "東京都", "コーヒー", "㈜삼성", "Cafe\u0301", "ΟΔΟΣ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if err := checkFTS5Query(search.Parse(in)); err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
	})
}

// checkFTS5Query checks that fts5Query(q) is well-formed and says exactly
// q, by parsing it back with parseFTS5.
func checkFTS5Query(q search.Query) error {
	s := fts5Query(q)
	if q.Empty() {
		if s != "" {
			return fmt.Errorf("empty query renders %q", s)
		}
		return nil
	}
	pos, neg, err := parseFTS5(s)
	if err != nil {
		return fmt.Errorf("FTS5 %s: %v", s, err)
	}
	if !reflect.DeepEqual(pos, q.Terms) || !reflect.DeepEqual(neg, q.Exclude) {
		return fmt.Errorf("FTS5 %s reads back as %+v NOT %+v, want %+v NOT %+v", s, pos, neg, q.Terms, q.Exclude)
	}
	return nil
}

// parseFTS5 is a validator for the subset of the FTS5 query syntax that
// fts5Query emits:
//
//	query  = phrase { " AND " phrase } { " NOT (" phrase ")" }
//	phrase = string [ "*" ] { " + " string [ "*" ] }
//	string = '"' { any character but '"' | '""' } '"'   (not empty)
//
// Anything else, in particular a bare word or operator outside quotes, is an
// error. It returns the terms read, with Adjacent set inside phrases.
func parseFTS5(s string) (pos, neg []search.Term, err error) {
	p := &ftsReader{s: s}
	phrase := func() ([]search.Term, error) {
		var g []search.Term
		for {
			text, err := p.quoted()
			if err != nil {
				return nil, err
			}
			t := search.Term{Text: text, Adjacent: len(g) > 0}
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

type ftsReader struct {
	s string
	i int
}

func (p *ftsReader) eat(tok string) bool {
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *ftsReader) done() bool { return p.i == len(p.s) }

func (p *ftsReader) fail(msg string) error { return fmt.Errorf("at %d of %q: %s", p.i, p.s, msg) }

// quoted reads a non-empty FTS5 string: double quotes, a double quote
// inside escaped by doubling it.
func (p *ftsReader) quoted() (string, error) {
	if !p.eat(`"`) {
		return "", p.fail(`want "`)
	}
	var b strings.Builder
	for {
		if p.done() {
			return "", p.fail("unterminated string")
		}
		c := p.s[p.i]
		switch {
		case c == '"' && p.i+1 < len(p.s) && p.s[p.i+1] == '"':
			b.WriteByte('"')
			p.i += 2
		case c == '"':
			p.i++
			if b.Len() == 0 {
				return "", p.fail("empty string")
			}
			return b.String(), nil
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}
