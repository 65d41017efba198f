package search

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hostileQueries are inputs full of the backends' own syntax (FTS5's and
// tsquery's). The backends' tests render them too; here they must give
// index terms.
var hostileQueries = []string{
	`"`, `""`, `"""`, `'`, `''`, `\`, `\\`, `\"`, `\'`, `*`, `**`, `-`, `--x`, `-"`, `-""`,
	`a AND b OR c NOT d`, `NEAR(a b, 3)`, `NEAR`, `AND`, `OR`, `NOT`, `^a`, `a:b`, `{a b}:c`, `col:"x"`,
	`a & b | !c`, `a <-> b`, `a <2> b`, `'a':*`, `a:*`, `a:AB`, `(a`, `a)`, `((((`, `a*`, `*a`, `+a`,
	`"unclosed`, `'unclosed`, "tab\there", "new\nline", "nul\x00byte", "bad\xffutf8",
	`kim@example.co.kr`, `"kim@example.co.kr"`, `-kim@example.co.kr`, `https://x.kr/a?b=c&d='e'`,
	`견적 AND 적서`, `"견적서" -"취소"`, `＂견적＂`, `－견적`, `“견적”`, `x"y"z`, `a"b c"d`,
}

func TestParseOfHostileInputGivesIndexTerms(t *testing.T) {
	for _, in := range hostileQueries {
		if err := checkTerms(Parse(in)); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

// checkTerms checks that every term of q could be an index term (not
// empty, no space or control character, UTF-8) and that Groups cuts q
// into groups each starting at a non-adjacent term and together holding
// exactly q's terms in order.
func checkTerms(q Query) error {
	for _, t := range append(append([]Term(nil), q.Terms...), q.Exclude...) {
		if t.Text == "" {
			return fmt.Errorf("empty term")
		}
		if strings.IndexFunc(t.Text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return fmt.Errorf("term %q has a space or control character", t.Text)
		}
		if !utf8.ValidString(t.Text) {
			return fmt.Errorf("term %q is not UTF-8", t.Text)
		}
	}
	required, excluded := q.Groups()
	for _, c := range []struct {
		groups [][]Term
		terms  []Term
	}{{required, q.Terms}, {excluded, q.Exclude}} {
		var flat []Term
		for _, g := range c.groups {
			for k, t := range g {
				if t.Adjacent != (k > 0) {
					return fmt.Errorf("group %+v: term %d has Adjacent %v", g, k, t.Adjacent)
				}
			}
			flat = append(flat, g...)
		}
		if !reflect.DeepEqual(flat, c.terms) {
			return fmt.Errorf("groups %+v do not hold the terms %+v", c.groups, c.terms)
		}
	}
	return nil
}

func TestGroups(t *testing.T) {
	q := Query{Terms: terms("견적", "+적서", "inv*", "a", "+b", "+c*"), Exclude: terms("x", "y", "+z")}
	required, excluded := q.Groups()
	want := [][]Term{terms("견적", "+적서"), terms("inv*"), terms("a", "+b", "+c*")}
	if !reflect.DeepEqual(required, want) {
		t.Errorf("required = %+v, want %+v", required, want)
	}
	if want := [][]Term{terms("x"), terms("y", "+z")}; !reflect.DeepEqual(excluded, want) {
		t.Errorf("excluded = %+v, want %+v", excluded, want)
	}
	if r, e := (Query{}).Groups(); r != nil || e != nil {
		t.Errorf("empty query: %+v, %+v", r, e)
	}
}

// FuzzParse checks that whatever a user types, Parse gives terms that are
// index terms grouped as Groups says, that a text matches the query made
// from it, and that Highlight stays in bounds. (The backends fuzz their
// renderings of Parse in FuzzFTS5Query and FuzzTSQuery.)
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
		if err := checkTerms(q); err != nil {
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
