package search

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// termsIn reports whether every required term of q is one of the document's
// index terms (a prefix term: the start of one). This is the check the index
// does, without positions.
func termsIn(doc string, q Query) bool {
	toks := Tokens(doc)
	for _, t := range q.Terms {
		if !slices.ContainsFunc(toks, t.matches) {
			return false
		}
	}
	return true
}

// terms builds expected Terms from a compact notation: "a" exact, "a*"
// prefix, "+a" adjacent to the previous term.
func terms(spec ...string) []Term {
	var out []Term
	for _, s := range spec {
		var t Term
		s, t.Adjacent = strings.CutPrefix(s, "+")
		t.Text, t.Prefix = strings.CutSuffix(s, "*")
		out = append(out, t)
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		want    []Term
		exclude []Term
	}{
		{"two-syllable korean word is its bigram", "견적", terms("견적"), nil},
		{"korean word of n syllables is n-1 adjacent bigrams", "견적서", terms("견적", "+적서"), nil},
		{"one-syllable korean word is a prefix", "견", terms("견*"), nil},
		{"one-syllable korean word is a prefix anywhere", "견 invoice", terms("견*", "invoice*"), nil},
		{"mixed korean, latin and digits", "삼성전자 invoice 2026",
			terms("삼성", "+성전", "+전자", "invoice", "2026*"), nil},
		{"last latin word is a prefix", "quarterly inv", terms("quarterly", "inv*"), nil},
		{"no latin prefix after a korean word", "inv 견적", terms("inv", "견적"), nil},
		{"case and width are folded like the index", "ＩＮＶＯＩＣＥ Kim", terms("invoice", "kim*"), nil},
		{"punctuation inside a word keeps its parts together", "e-mail", terms("e", "+mail*"), nil},
		{"address is kept whole, then its parts", "Kim@Example.co.kr",
			terms("kim@example.co.kr*", "+kim", "+example", "+co", "+kr*"), nil},
		{"address not typed last is exact", "kim@example.co.kr 견적",
			terms("kim@example.co.kr", "+kim", "+example", "+co", "+kr", "견적"), nil},
		{"quoted phrase keeps word order", `"annual report" 2026`,
			terms("annual", "+report", "2026*"), nil},
		{"closed phrase at the end is not type-ahead", `"annual report"`, terms("annual", "+report"), nil},
		{"unclosed phrase at the end is type-ahead", `"annual rep`, terms("annual", "+rep*"), nil},
		{"curly quotes are quotes", "“annual report”", terms("annual", "+report"), nil},
		{"korean phrase keeps the last syllable of inner words", `"견적서 보내"`,
			terms("견적", "+적서", "+서", "+보내"), nil},
		{"minus excludes a word", "invoice -draft", terms("invoice"), terms("draft")},
		{"minus excludes a phrase", `invoice -"old draft"`, terms("invoice"), terms("old", "+draft")},
		{"minus excludes a korean word", "견적 -취소", terms("견적"), terms("취소")},
		{"lone minus is not an exclusion", "a - b", terms("a", "b*"), nil},
		{"minus inside a word splits it", "x-y", terms("x", "+y*"), nil},
		{"operators are plain words", "a OR b NOT c AND d NEAR e",
			terms("a", "or", "b", "not", "c", "and", "d", "near", "e*"), nil},
		{"repeated words are asked once", "견적 견적 kim kim", terms("견적", "kim", "kim*"), nil},
		{"symbols and emoji are dropped", "😀 ★ invoice", terms("invoice*"), nil},
		{"only exclusions", "-spam", nil, terms("spam")},
		{"empty", "   ", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Parse(tt.query)
			if !reflect.DeepEqual(q.Terms, tt.want) || !reflect.DeepEqual(q.Exclude, tt.exclude) {
				t.Fatalf("Parse(%q) =\n  %+v\n  %+v\nwant\n  %+v\n  %+v", tt.query, q.Terms, q.Exclude, tt.want, tt.exclude)
			}
		})
	}
}

func TestParsedKoreanTermsAreIndexTermsOfTheDocument(t *testing.T) {
	const doc = "견적서를 보내드립니다"
	tests := []struct {
		query string
		want  bool
	}{
		{"견적", true},    // the word's head
		{"적서", true},    // a substring in the middle
		{"견적서", true},   // the whole word
		{"견적서를", true},  // with its particle
		{"견", true},     // one syllable: prefix of a bigram
		{"다", true},     // one syllable at the end of a run
		{"드립니다", true},  // a later word
		{"견적 보내", true}, // two words, AND
		{"견적서 invoice", false},
		{"견서", false}, // not a substring
		{"적", true},   // prefix of 적서
		{"뷁", false},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q := Parse(tt.query)
			if got := termsIn(doc, q); got != tt.want {
				t.Fatalf("terms of Parse(%q) = %+v in Tokens(%q): %v, want %v", tt.query, q.Terms, doc, got, tt.want)
			}
			if got := Match(doc, q); got != tt.want {
				t.Fatalf("Match(%q, Parse(%q)) = %v, want %v", doc, tt.query, got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		query string
		want  bool
	}{
		{"one syllable finds a word ending with it", "개발팀 회의", "팀", true},
		{"bigrams must be adjacent", "견적 그리고 적서", "견적서", false},
		{"all terms are bigrams of the doc but not in a row", "견적 적서", "견적서", false},
		{"substring across a particle", "삼성전자의 견적서", "전자의", true},
		{"mixed query", "삼성전자 Invoice for 2026-03", "삼성전자 invoice 2026", true},
		{"english prefix", "Please see the attached invoice.", "attached inv", true},
		{"english prefix only on the last word", "Please see the attached invoice.", "inv attached", false},
		{"exact english word is not a prefix", "invoices due", "invoice due", false},
		{"full-width query finds ascii", "ABC Corp", "ＡＢＣ", true},
		{"accents are kept", "cafe", "café", false},
		{"pasted address", "From: Kim <kim@example.co.kr>", "kim@example.co.kr", true},
		{"another address is not the pasted one", "kim@example.co.kr.evil.test", "kim@example.co.kr evil", false},
		{"typed address prefix", "kim@example.co.kr", "kim@exa", true},
		{"domain alone finds the address", "kim@example.co.kr", "example.co.kr", true},
		{"url", "see https://example.com/pay?id=42 now", "https://example.com/pay?id=42", true},
		{"phrase in order", "the annual report is late", `"annual report"`, true},
		{"phrase out of order", "the report is annual", `"annual report"`, false},
		{"excluded word", "invoice draft", "invoice -draft", false},
		{"excluded word absent", "invoice final", "invoice -draft", true},
		{"excluded one syllable is a prefix", "견적 취소", "견적 -취", false},
		{"only exclusions match nothing", "anything", "-spam", false},
		{"japanese", "東京都に行きます", "東京", true},
		{"japanese one kanji", "東京都に行きます", "都", true},
		{"chinese substring", "中华人民共和国", "人民共和", true},
		{"katakana word", "コーヒーを飲む", "コーヒー", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Match(tt.doc, Parse(tt.query)); got != tt.want {
				t.Fatalf("Match(%q, Parse(%q) = %+v) = %v, want %v", tt.doc, tt.query, Parse(tt.query), got, tt.want)
			}
		})
	}
}

func TestParseBoundsLongQueries(t *testing.T) {
	var words []string
	for i := range 1000 {
		words = append(words, fmt.Sprintf("w%d", i))
	}
	q := Parse(strings.Join(words, " ") + " -" + strings.Join(words, " -"))
	if len(q.Terms) == 0 || len(q.Terms) > maxQueryTerms || len(q.Exclude) > maxExcludeTerms {
		t.Fatalf("%d terms, %d excluded; want 1..%d and at most %d", len(q.Terms), len(q.Exclude), maxQueryTerms, maxExcludeTerms)
	}
	q = Parse(strings.Repeat("가", 10000))
	if len(q.Terms) == 0 || len(q.Terms) > maxQueryTerms {
		t.Fatalf("one long korean word: %d terms, want 1..%d", len(q.Terms), maxQueryTerms)
	}
}
