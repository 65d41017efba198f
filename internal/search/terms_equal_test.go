package search

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// sameAsOracle checks every form of the tokenizer against the oracle (the
// tokenizer as it was, oracle_test.go): the index form (Terms, WriteTerms
// with chunks of several sizes, Tokens) term for term and byte for byte,
// and the tracked form (what Parse, Highlight and Substring read) rune
// for rune, span for span and token for token.
func sameAsOracle(text string) error {
	var o oracleScanner
	o.scan(text)
	want := o.texts()
	joined := strings.Join(want, " ")
	if got := Tokens(text); !slices.Equal(got, want) {
		return fmt.Errorf("Tokens = %q, oracle %q", got, want)
	}
	if got := Terms(text); got != joined {
		return fmt.Errorf("Terms = %q, oracle %q", got, joined)
	}
	// Small chunks put chunk ends next to every kind of term; 0 cuts at
	// every whitespace that allows it.
	for _, size := range []int{0, 1, 7, 64, 1000} {
		var b strings.Builder
		b.WriteString("x") // WriteTerms appends, and separates only its own terms
		writeTerms(&b, text, size)
		if got := b.String(); got != "x"+joined {
			return fmt.Errorf("writeTerms in chunks of %d = %q, oracle %q", size, got[1:], joined)
		}
	}

	var s scanner
	s.scan(text)
	got := s.texts()
	if !slices.Equal(got, want) {
		return fmt.Errorf("scan texts = %q, oracle %q", got, want)
	}
	if len(s.runes) != len(o.units) || len(s.spans) != len(o.units) {
		return fmt.Errorf("scan: %d runes, %d spans, oracle %d units", len(s.runes), len(s.spans), len(o.units))
	}
	for i, u := range o.units {
		if s.runes[i] != u.r || s.spans[i] != (span{u.start, u.end}) {
			return fmt.Errorf("scan: unit %d is %q %v, oracle %q [%d %d]", i, s.runes[i], s.spans[i], u.r, u.start, u.end)
		}
	}
	if len(s.toks) != len(o.toks) {
		return fmt.Errorf("scan: %d tokens, oracle %d", len(s.toks), len(o.toks))
	}
	for i, t := range o.toks {
		g := s.toks[i]
		if g.off != t.off || g.n != t.n || g.first != t.first || g.last != t.last || g.run != t.run || g.kind != t.kind || g.lone != t.lone {
			return fmt.Errorf("scan: token %d is %+v, oracle %+v", i, g, t)
		}
	}
	return nil
}

// edgeCases are texts made by hand to reach every branch of the
// tokenizer: scripts, normalisation, case folding, addresses and the cuts.
func edgeCases() []string {
	cases := edgeTexts()
	// Every pair, so that each case meets every other at a chunk end.
	out := append([]string(nil), cases...)
	for _, a := range cases {
		for _, b := range cases {
			if len(a)+len(b) < 2000 {
				out = append(out, a+" "+b, a+b)
			}
		}
	}
	return out
}

// edgeTexts are the cases of edgeCases one by one.
func edgeTexts() []string {
	long := strings.Repeat("abcdefghij", 20)
	korean := strings.Repeat("가나다라마바사아자차", 30)
	return []string{
		"", " ", "\r\n", "a", "가", "A", "ＡＢＣ １２３ ｱｲｳ ｺｰﾋｰ", "①②③ ㈜삼성 ㎏ ㍿ ﷺ ﬁ ﬀ Ⅻ ½",
		"Café cafe\u0301 Ärger A\u0308rger ĳ Ǆ", "ΟΔΟΣ οδος ς Σ İstanbul ß ẞ", "Привет мир ЁЖ",
		"東京に行く コーヒー ジョン・スミス 中华人民 한국어 テスト", "ᄀᄁ ᄀ\u1161 각\u11a8 가\u11a8 \u1100\u1161\u11a8 ㄱㅏ ᆨ",
		"견적서를 보내드립니다", "2026년 3월 15일", "3.14 1,000,000 -42 +1 1e10 0x1F 12:30 2026-03-15 ₩1,000 $5.99 ٣٤ ߁ 𝟘𝟙",
		"😀 ★ © → ❤️ 견적😀서 ok! 👨‍👩‍👧 🇰🇷 1️⃣ a\ufe0f 가\ufe0f나 漢\U000e0100字",
		"\u0301 \u0301a a\u0301\u0302 가\u0301나 \u200d\u200c \ufeffword soft\u00adhyphen zero\u200bwidth",
		"e-mail, don't; 3.14/x_y a.b_c-d+e", "nul\x00byte bad\xffutf8 \xe3\x80 \xed\xa0\x80 \xf4\x90\x80\x80",
		long + " " + long + long, korean, "a" + korean + "1", "Ａ" + long,
		"Kim@Example.co.kr", "<lee.park+x@mail.test>.", "kim@example.com으로", "담당kim@x.kr",
		"see https://Example.com/a?b=c/.", "https://x.kr에서", "@mention", "kim@ ok", "ftp://x.kr xhttp://y.kr",
		"a@b.c,d@e.f", "a@@b", "@@", "a@b@c@d", ".@.", "_a@b_", "-a-@-b-", "a@b.", "a@.b", "a.@b",
		"HTTPS://X.KR HTTP://Y", "https:// http:/x https:/ https:x http://", "https://a@b.c/d", "mailto:kim@x.kr",
		"x@https://y.kr", "https://y.kr/@kim@x.kr", "https://y.kr/a:b:c//d", "éhttps://x.kr 1https://x.kr",
		"ｋｉｍ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｈｔｔｐｓ：／／ｘ．ｋｒ", "kim\u0301@x\u0301.kr\u0301", "\u0301kim@x.kr",
		"._\u0301abc@x.y", "x.\u0301y@z.w", "-\u0301\u0301y@z.w",
		"https://example.com/" + strings.Repeat("x", 3*maxAddressRunes),
		"https://example.com/" + strings.Repeat("x", maxAddressRunes) + "@" + strings.Repeat("y", maxAddressRunes) + ".kr tail",
		strings.Repeat("l", 300) + "@d.kr", "x@\u0301 y", "x@\u0301\u0302.\u0303 y",
		// The second address starts inside the first's run and has no run
		// of its own: it waits for the next run, across a chunk end.
		strings.Repeat("l", 300) + "@\u0301 x", "https://" + strings.Repeat("y", 200) + "z@\u0301\ty", strings.Repeat("l.", 300) + "@d.kr x",
		strings.Repeat("a", 190) + "@" + strings.Repeat("b", 5) + ".c" + strings.Repeat("d", 10) + "@e.f",
		"https://" + strings.Repeat("y/", 100) + "a@b" + strings.Repeat("z", 200) + "@q.kr 가",
		"tab\there new\nline cr\rlf\r\nend", "ideographic\u3000space 회의록、　보고서。",
	}
}

func TestTermsEqualOracleOnEdgeCases(t *testing.T) {
	for _, text := range edgeCases() {
		if err := sameAsOracle(text); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
	}
}

// TestTermsEqualOracleAtTheCap checks texts at and over MaxIndexedText:
// the cut in the middle of a character, the chunk that ends there, and
// long texts without any place to cut a chunk.
func TestTermsEqualOracleAtTheCap(t *testing.T) {
	para := "안녕하세요 kim@example.co.kr 견적서를 보내드립니다. Invoice INV-2026 https://x.kr/a?b=c ＡＢＣ\n"
	body := strings.Repeat(para, MaxIndexedText/len(para)+2)
	for _, cut := range []int{MaxIndexedText - 4, MaxIndexedText - 1, MaxIndexedText, MaxIndexedText + 1, MaxIndexedText + 2, len(body)} {
		text := body[:cut]
		if err := sameAsOracle(text); err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
	// No whitespace at all: one chunk, however small the chunk size.
	solid := strings.Repeat("가나다abc.def@x.kr,", MaxIndexedText/20+10)
	if err := sameAsOracle(solid); err != nil {
		t.Fatalf("text without whitespace: %v", err)
	}
}

// FuzzTermsEqualOracle holds every form of the tokenizer to the oracle on
// whatever text (sameAsOracle). Two runs of two minutes found no
// difference (docs/performance.md, "Index terms without positions"):
//
//	go test ./internal/search -run '^$' -fuzz FuzzTermsEqualOracle -fuzztime 2m
func FuzzTermsEqualOracle(f *testing.F) {
	for _, s := range edgeTexts() {
		if len(s) < 1000 {
			f.Add(s)
		}
	}
	for _, s := range hostileQueries {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if err := sameAsOracle(text); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
	})
}
