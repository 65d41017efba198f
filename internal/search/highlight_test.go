package search

import (
	"reflect"
	"testing"
)

func TestHighlight(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		query string
		want  []string // the marked parts of text, in order
	}{
		{"korean word inside a longer word", "견적서를 보내드립니다", "견적", []string{"견적"}},
		{"korean substring", "견적서를 보내드립니다", "적서", []string{"적서"}},
		{"overlapping bigrams merge", "견적서를 보내드립니다", "견적서", []string{"견적서"}},
		{"one syllable marks only that syllable", "견적서를 보내드립니다", "견", []string{"견"}},
		{"one syllable at the end of a run", "개발팀 회의", "팀", []string{"팀"}},
		{"every occurrence", "견적 요청, 견적서 회신", "견적", []string{"견적", "견적"}},
		{"two words", "견적서를 보내드립니다", "견적 드립", []string{"견적", "드립"}},
		{"english word any case", "Invoice and INVOICE", "invoice x", []string{"Invoice", "INVOICE"}},
		{"english prefix marks the typed part", "The attached invoice.", "attached inv", []string{"attached", "inv"}},
		{"full-width text marked in the original bytes", "ＩＮＶＯＩＣＥ 2026", "invoice 2026", []string{"ＩＮＶＯＩＣＥ", "2026"}},
		{"compatibility character marked whole", "㈜삼성 공지", "주", []string{"㈜"}},
		{"decomposed accent marked with its mark", "Cafe\u0301 ok", "café ok", []string{"Cafe\u0301", "ok"}},
		{"address marked whole", "From: <kim@example.co.kr>", "kim@example.co.kr", []string{"kim@example.co.kr"}},
		{"phrase marked as one", "the annual report", `"annual report"`, []string{"annual", "report"}},
		{"excluded words are not marked", "invoice draft", "invoice -draft", []string{"invoice"}},
		{"no match", "hello", "견적", nil},
		{"empty query", "hello", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range Highlight(tt.text, Parse(tt.query)) {
				got = append(got, tt.text[r[0]:r[1]])
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Highlight(%q, %q) marks %q, want %q", tt.text, tt.query, got, tt.want)
			}
		})
	}
}

func TestHighlightRanges(t *testing.T) {
	// Byte offsets, so the UI can slice the UTF-8 text: each syllable is 3 bytes.
	got := Highlight("a 견적서 b", Parse("적서"))
	if want := [][2]int{{5, 11}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Highlight = %v, want %v", got, want)
	}
}

func TestMergeSpansJoinsOverlappingAndTouchingRanges(t *testing.T) {
	got := mergeSpans([][2]int{{10, 12}, {0, 3}, {3, 6}, {2, 4}, {11, 15}, {20, 21}})
	if want := [][2]int{{0, 6}, {10, 15}, {20, 21}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("mergeSpans = %v, want %v", got, want)
	}
}
