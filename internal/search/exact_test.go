package search

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExactNeedle(t *testing.T) {
	for s, want := range map[string]bool{
		"내일":                                 true,
		"회의실":                                true,
		"決裁":                                 true,
		"見積書":                                true,
		"が다":                                 true, // が is its own NFKC form
		"カタカナ":                               true,
		"내":                                  false, // one character: the index has it only as a prefix
		"내 일":                                false, // a space
		"a내일":                                false, // a Latin letter
		"내일A":                                false,
		"ㄴㅐ":                                 false, // compatibility jamo: NFKC makes conjoining jamo
		"내\u1100":                            false, // a conjoining jamo
		"\uf900다":                            false, // a compatibility ideograph: NFKC makes U+8C48
		"ｶﾀ":                                 false, // halfwidth katakana
		"가\u0301나":                           false, // a combining mark
		"":                                   false,
		"\xff\xfe":                           false,
		strings.Repeat("가", maxQueryTerms+1): true,
		strings.Repeat("가", maxQueryTerms+2): false, // Substring would drop bigrams
	} {
		if got := ExactNeedle(s); got != want {
			t.Errorf("ExactNeedle(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestExactText(t *testing.T) {
	for text, want := range map[string]bool{
		"":                           true,
		"내일 회의는 10시입니다.":             true,
		"내일\u00a0회의 ＡＢＣ ① ﬁle":       true, // NBSP, full-width Latin, ①, a ligature: changed, but no CJK
		"㈜한국 내일":                     true, // 주 stands alone between brackets
		"ㅋㅋ 내일 ㅎㅎ":                   true, // jamo are never part of an exact needle's bigram
		"내ㅋ일":                        true, // ...nor do they join the syllables around them
		"見積書の決裁":                     true,
		"㉮나":                         false, // 가나 made by NFKC
		"내ㅋㅏ":                        false, // ㅋㅏ composed into 카
		"내이\u11af":                   false, // 이 + ㄹ jamo composed into 일
		"가\u0301나":                   false, // the mark is skipped: bigram 가나
		"漢\ufe00字":                   false, // a variation selector skipped
		"\uf900다":                    false, // a compatibility ideograph folded
		"ｶﾀｶﾅ":                       false, // halfwidth katakana folded
		"か\u3099き":                   false, // composed into が
		"㍻年":                         false, // 平成 made by NFKC
		"가\u0301 나":                  true,  // a mark at a run's end joins nothing
		strings.Repeat("가나 ", 20000): true,
		strings.Repeat("가", MaxIndexedText/3+1): false, // longer than what is indexed
	} {
		if got := ExactText(text); got != want {
			t.Errorf("ExactText(%.40q) = %v, want %v", text, got, want)
		}
	}
}

// TestExactTextMeansTheIndexIsExact is the claim of exact.go, checked:
// over texts drawn from an alphabet of the characters that make the index
// differ from a substring search (compatibility and conjoining jamo,
// marks, variation selectors, folded forms, invalid UTF-8) around plain
// syllables, for every text ExactText accepts and every needle
// ExactNeedle accepts that is made of the alphabet's plain characters,
// the phrase matches (as Match finds it: what an index with positions
// answers)
// exactly when strings.ToLower(text) holds the needle. The texts it
// refuses must include ones where the two differ, or the check proves
// nothing.
func TestExactTextMeansTheIndexIsExact(t *testing.T) {
	alphabet := []string{
		"가", "나", "다", "이", "일", "카", "내", // plain syllables
		"ㄱ", "ㅏ", "ㅋ", "\u1100", "\u1161", "\u11af", // compatibility and conjoining jamo
		"\u0301", "\ufe00", "\u302e", // marks inside a run
		"㉮", "㈜", "\uffa1", "\uffc2", // folded into syllables or jamo
		"漢", "字", "\uf900", "か", "が", "\u3099", "ｶ", // Han and kana
		" ", "\u00a0", "a", "A", "-", "\n", "\xff", "\xea\xb0", // separators, words, broken UTF-8
	}
	var plains []string
	for _, c := range alphabet {
		if r, _ := utf8.DecodeRuneInString(c); len(c) == utf8.RuneLen(r) && plain(r) {
			plains = append(plains, c)
		}
	}
	var needles []string
	for _, a := range plains {
		for _, b := range plains {
			needles = append(needles, a+b)
			for _, c := range plains[:4] {
				needles = append(needles, a+b+c)
			}
		}
	}
	phrases := make([][]Term, len(needles))
	for i, n := range needles {
		if !ExactNeedle(n) {
			t.Fatalf("ExactNeedle(%q) = false: the test's needles must be exact ones", n)
		}
		q, _ := Substring(n)
		phrases[i] = q.Terms
	}
	rng := rand.New(rand.NewPCG(21, 7))
	exact, refusedDiffering := 0, 0
	for range 20000 {
		var b strings.Builder
		for range 2 + rng.IntN(10) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		text := b.String()
		ok := ExactText(text)
		if ok {
			exact++
		}
		lower := strings.ToLower(text)
		toks := Tokens(text) // what Match compares, once per text
		for i, n := range needles {
			index, substring := findGroup(toks, phrases[i], 0) >= 0, strings.Contains(lower, n)
			if ok && index != substring {
				t.Fatalf("ExactText(%q) = true, but the index says %v and the text says %v for %q (terms %q)",
					text, index, substring, n, Terms(text))
			}
			if !ok && index != substring {
				refusedDiffering++
			}
		}
	}
	if exact < 400 || refusedDiffering == 0 {
		t.Fatalf("%d texts exact, %d refused ones differ: the alphabet does not test the rule", exact, refusedDiffering)
	}
}

// The chunks of WriteTermsExact (normalised one at a time) find what the
// whole text finds.
func TestExactTextAcrossChunks(t *testing.T) {
	texts := []string{
		strings.Repeat("내일 회의 ", 50) + "㉮나 " + strings.Repeat("내일 ", 50),
		strings.Repeat("내일 회의 ", 50) + "가\u0301나",
		strings.Repeat("내일\u00a0회의 ㈜ ", 50),
		strings.Repeat("ㅋㅋ 내일 ", 80) + "내ㅋㅏ",
	}
	for _, text := range texts {
		want := ExactText(text)
		for _, size := range []int{1, 7, 64} {
			var b strings.Builder
			if got := writeTerms(&b, text, size); got != want {
				t.Errorf("writeTerms(%.30q, %d) exact %v, whole text %v", text, size, got, want)
			}
			if b.String() != Terms(text) {
				t.Errorf("writeTerms(%.30q, %d) changed the terms", text, size)
			}
		}
	}
}

// The mark of an exact text is no term of any text or query.
func TestExactTerm_isNoTermOfTextOrQuery(t *testing.T) {
	for _, s := range []string{ExactTerm, "exact", "!exact 결재", `"!exact"`} {
		for _, tok := range Tokens(s) {
			if tok == ExactTerm {
				t.Errorf("Tokens(%q) makes %q", s, ExactTerm)
			}
		}
		for _, term := range Parse(s).Terms {
			if term.Text == ExactTerm {
				t.Errorf("Parse(%q) asks for %q", s, ExactTerm)
			}
		}
		if q, _ := Substring(s); len(q.Terms) > 0 && q.Terms[0].Text == ExactTerm {
			t.Errorf("Substring(%q) asks for %q", s, ExactTerm)
		}
	}
}
