package search

import (
	"strings"
	"testing"
)

// Whatever text holds the needle, the needle's query matches it (the index
// finds a superset); needles the index cannot narrow say so.
func TestSubstring_matchesEveryTextHoldingIt(t *testing.T) {
	texts := []string{
		"전자결재 올렸습니다",
		"결재",
		"회의록을 공유합니다. 결재 부탁드립니다",
		"ＡＢＣ결재서류", // full-width letters before the run
		"見積書の決裁をお願いします",
		"kim@example.co.kr결재",
	}
	for _, needle := range []string{"결재", "자결", "결재 부", "회의록", "의록을 공", "決裁", "書の決", "결재서류"} {
		q, ok := Substring(needle)
		if !ok {
			t.Errorf("Substring(%q): the index cannot narrow it, want a query", needle)
			continue
		}
		for _, text := range texts {
			if strings.Contains(text, needle) && !Match(text, q) {
				t.Errorf("Substring(%q) = %+v does not match %q, which holds it", needle, q, text)
			}
		}
	}
}

func TestSubstring_narrows(t *testing.T) {
	q, _ := Substring("결재")
	for text, want := range map[string]bool{
		"결재 부탁드립니다": true,
		"결정 재고":     false, // the syllables apart
		"재결":        false,
		"invoice":   false,
	} {
		if got := Match(text, q); got != want {
			t.Errorf("Substring(결재) matches %q: %v, want %v", text, got, want)
		}
	}
	// one phrase per run: 회의 and 결재 each adjacent, in any order
	q, _ = Substring("회의, 결재")
	if len(q.Terms) != 2 || q.Terms[1].Adjacent {
		t.Fatalf("Substring(회의, 결재) = %+v, want two separate terms", q)
	}
	if !Match("결재 후 회의", q) {
		t.Error("two runs must match in any order")
	}
}

func TestSubstring_whatTheIndexCannotNarrow(t *testing.T) {
	for _, needle := range []string{"", "ello", "invoice", "결", "결 재", "kim@example.com", "2026"} {
		if q, ok := Substring(needle); ok {
			t.Errorf("Substring(%q) = %+v, want no query (a word may be part of a longer one)", needle, q)
		}
	}
}

// The mark of a cut text is no term of any text or query.
func TestCutTerm_isNoTermOfTextOrQuery(t *testing.T) {
	for _, s := range []string{CutTerm, "cut", "!cut 결재"} {
		for _, tok := range Tokens(s) {
			if tok == CutTerm {
				t.Errorf("Tokens(%q) makes %q", s, CutTerm)
			}
		}
		for _, term := range Parse(s).Terms {
			if term.Text == CutTerm {
				t.Errorf("Parse(%q) asks for %q", s, CutTerm)
			}
		}
	}
}
