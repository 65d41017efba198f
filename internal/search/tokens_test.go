package search

import (
	"slices"
	"strings"
	"testing"
)

func TestTokensIndexesEveryKoreanBigramAndTheRunsLastSyllable(t *testing.T) {
	got := Tokens("견적서를 보내드립니다")
	want := []string{"견적", "적서", "서를", "를", "보내", "내드", "드립", "립니", "니다", "다"}
	if !slices.Equal(got, want) {
		t.Fatalf("Tokens = %q, want %q", got, want)
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"one-syllable run is the syllable itself", "꽃 a", []string{"꽃", "a"}},
		{"latin is lower-cased", "Invoice INVOICE invoice", []string{"invoice", "invoice", "invoice"}},
		{"full-width latin is NFKC-normalised", "ＡＢＣ １２３", []string{"abc", "123"}},
		{"accents are kept", "Café cafe Ärger", []string{"café", "cafe", "ärger"}},
		{"decomposed accents compose like precomposed ones", "Cafe\u0301", []string{"café"}},
		{"punctuation splits words", "e-mail, don't; 3.14/x_y", []string{"e", "mail", "don", "t", "3", "14", "x", "y"}},
		{"cyrillic and greek are words", "Привет ΚΑΛΗΜΕΡΑ", []string{"привет", "καλημερα"}},
		{"greek final sigma folds to sigma", "ΟΔΟΣ οδος", []string{"οδοσ", "οδοσ"}},
		{"digits and letters form one word", "ABC123 2026", []string{"abc123", "2026"}},
		{"digits and hangul are separate runs", "2026년 3월", []string{"2026", "년", "3", "월"}},
		{"compatibility characters expand", "㈜삼성 ①", []string{"주", "삼성", "성", "1"}},
		{"half-width katakana becomes full-width", "ｺｰﾋｰ", []string{"コー", "ーヒ", "ヒー", "ー"}},
		{"japanese mixes kanji and kana in one run", "東京に行く", []string{"東京", "京に", "に行", "行く", "く"}},
		{"chinese bigrams", "中华人民", []string{"中华", "华人", "人民", "民"}},
		{"emoji and symbols are ignored", "😀 ★ © → ❤️ 견적😀서 ok!", []string{"견적", "적", "서", "ok"}},
		{"katakana middle dot separates", "ジョン・スミス", []string{"ジョ", "ョン", "ン", "スミ", "ミス", "ス"}},
		{"ideographic space and punctuation separate", "회의록、　보고서。", []string{"회의", "의록", "록", "보고", "고서", "서"}},
		{"empty text", "", []string{}},
		{"only separators", " .,;!? \t\n", []string{}},
		{"invalid utf-8 separates", "ab\xffcd", []string{"ab", "cd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Tokens(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Tokens(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestTokensKeepsAddressesWholeAndSplit(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"email", "Kim@Example.co.kr", []string{"kim@example.co.kr", "kim", "example", "co", "kr"}},
		{"email in angle brackets at the end of a sentence", "<lee.park+x@mail.test>.",
			[]string{"lee.park+x@mail.test", "lee", "park", "x", "mail", "test"}},
		{"korean particle is not part of the address", "kim@example.com으로",
			[]string{"kim@example.com", "kim", "example", "com", "으로", "로"}},
		{"hangul before the address is not part of it", "담당kim@x.kr",
			[]string{"담당", "당", "kim@x.kr", "kim", "x", "kr"}},
		{"url without trailing punctuation or slash", "see https://Example.com/a?b=c/.",
			[]string{"see", "https://example.com/a?b=c", "https", "example", "com", "a", "b", "c"}},
		{"url followed by korean", "https://x.kr에서",
			[]string{"https://x.kr", "https", "x", "kr", "에서", "서"}},
		{"at sign without local part", "@mention", []string{"mention"}},
		{"at sign without domain", "kim@ ok", []string{"kim", "ok"}},
		{"unknown scheme is not a url", "ftp://x.kr xhttp://y.kr", []string{"ftp", "x", "kr", "xhttp", "y", "kr"}},
		{"two addresses in a row", "a@b.c,d@e.f", []string{"a@b.c", "a", "b", "c", "d@e.f", "d", "e", "f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Tokens(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Tokens(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestTokensCutsLongWordsAndAddresses(t *testing.T) {
	long := strings.Repeat("a", 3*maxWordRunes)
	got := Tokens(long + " b")
	if len(got) != 2 || got[0] != long[:maxWordRunes] || got[1] != "b" {
		t.Fatalf("Tokens(long word) = %q", got)
	}
	addr := "https://example.com/" + strings.Repeat("x", 3*maxAddressRunes)
	for _, tok := range Tokens(addr) {
		if n := len([]rune(tok)); n > maxAddressRunes {
			t.Fatalf("term of %d characters, want at most %d", n, maxAddressRunes)
		}
	}
}

// corpus100K is about 100 KB of mixed Korean and English mail text.
func corpus100K() string {
	para := "안녕하세요, 김철수입니다. 요청하신 2026년 3월 견적서를 보내드립니다. 검토 후 회신 부탁드립니다. " +
		"Please find the attached invoice (INV-2026-0042) for March; contact kim@example.co.kr or see https://example.com/billing?id=42. " +
		"감사합니다. 삼성전자 구매팀 드림\n"
	return strings.Repeat(para, 100*1024/len(para)+1)[:100*1024]
}

func BenchmarkTokens(b *testing.B) {
	text := corpus100K()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Tokens(text)
	}
}

// termsSize counts the three-byte characters eight bytes at a time; it
// must count what the plain definition counts, at every alignment and
// for every byte value next to every other.
func TestTermsSize_countsWhatTheDefinitionCounts(t *testing.T) {
	plain := func(text string) int {
		n := len(text) + 16
		for i := 0; i < len(text); i++ {
			if text[i]&0xF0 == 0xE0 {
				n += 4
			}
		}
		return n
	}
	texts := []string{"", "abc", "견적서를 보내드립니다", "회의 meeting 내일 tomorrow ① ＡＢＣ 😀 café", strings.Repeat("한", 33)}
	var all []byte
	for b := range 256 {
		all = append(all, byte(b), 0xE5, byte(255-b))
	}
	texts = append(texts, string(all))
	for _, text := range texts {
		for start := range min(len(text), 9) {
			if got, want := termsSize(text[start:]), plain(text[start:]); got != want {
				t.Errorf("termsSize(%q) = %d, want %d", text[start:], got, want)
			}
		}
	}
}
