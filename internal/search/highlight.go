package search

import (
	"slices"
	"unicode/utf8"
)

// Highlight returns the byte ranges [start, end) of text that match the
// required terms of q, sorted, with overlapping and touching ranges merged,
// for the UI to mark. Ranges are in the original text (not its normalised
// form) and fall on character boundaries: a full-width "ＩＮＶ" matched by
// "inv" is marked whole. A prefix term marks only the typed part: "견" in
// "견적서" marks "견", "inv" in "invoice" marks "inv". Excluded terms are not
// marked.
func Highlight(text string, q Query) [][2]int {
	if q.Empty() {
		return nil
	}
	var s scanner
	s.scan(text)
	toks := s.texts()
	var spans [][2]int
	for _, g := range groups(q.Terms) {
		for p := findGroup(toks, g, 0); p >= 0; p = findGroup(toks, g, p+1) {
			for k, t := range g {
				tok := s.toks[p+k]
				last := int(tok.last)
				if t.Prefix {
					last = int(tok.first) + utf8.RuneCountInString(t.Text) - 1
				}
				if last < int(tok.first) { // a prefix term "" would match anything
					continue
				}
				spans = append(spans, [2]int{int(s.spans[tok.first].start), int(s.spans[last].end)})
			}
		}
	}
	return mergeSpans(spans)
}

// mergeSpans sorts spans and joins those that overlap or touch: the bigrams
// "견적" and "적서" overlap, and marking "견적서" once reads better.
func mergeSpans(spans [][2]int) [][2]int {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	out := spans[:1]
	for _, sp := range spans[1:] {
		cur := &out[len(out)-1]
		if sp[0] <= cur[1] {
			cur[1] = max(cur[1], sp[1])
			continue
		}
		out = append(out, sp)
	}
	return out
}
