package search

import (
	"strings"
	"testing"
)

// TestPlainEnd_takesPlainTextAndStopsWhereTheScannerMustLook: the fast
// path takes ASCII and Hangul up to a place a chunk may end, and leaves
// to the scanner what it alone reads right: other characters (which
// normalisation may change or combine) and addresses. That the terms are
// the same either way is the oracle tests' part (sameAsOracle cuts chunks
// of several sizes, so that every case there crosses both paths).
func TestPlainEnd_takesPlainTextAndStopsWhereTheScannerMustLook(t *testing.T) {
	for _, c := range []struct {
		text      string
		pos, size int
		end, stop int
	}{
		// all plain: to the end when it is within size, else the first cut after size
		{"견적서 Invoice 2026", 0, 100, len("견적서 Invoice 2026"), len("견적서 Invoice 2026")},
		{"안녕 hello world", 0, 1, len("안녕 "), len("안녕 ")},
		{"안녕 hello world", 0, 8, len("안녕 hello "), len("안녕 hello ")},
		{"안녕 hello world", len("안녕 "), 1, len("안녕 hello "), len("안녕 hello ")},
		// a character that is not plain: the last cut before it, if any
		{"회의 자료\u00a0입니다", 0, 100, len("회의 "), len("회의 자료")},
		{"자료\u00a0입니다", 0, 100, 0, len("자료")},
		{"cafe\u0301 ok", 0, 100, 0, len("cafe")},
		{"ＡＢＣ", 0, 100, 0, 0},
		{"東京 회의", 0, 100, 0, 0},
		// where an address may start
		{"mail kim@example.com now", 0, 100, len("mail "), len("mail kim")},
		{"see https://x.kr now", 0, 100, len("see "), len("see https")},
		{"12:30 http:/x a/b", 0, 100, len("12:30 http:/x a/b"), len("12:30 http:/x a/b")},
		// a syllable cut at the end of the text is not plain
		{"회의 자" + "료"[:2], 0, 100, len("회의 "), len("회의 자")},
		// a cut needs a plain character after the space
		{"abc \u0301x", 0, 1, 0, len("abc ")},
	} {
		end, stop := plainEnd(c.text, c.pos, c.size)
		if end != c.end || stop != c.stop {
			t.Errorf("plainEnd(%q, %d, %d) = %d, %d; want %d, %d", c.text, c.pos, c.size, end, stop, c.end, c.stop)
		}
	}
}

// TestWriteTerms_plainTextTakesTheFastPath: a long Korean and English
// body is written by writePlain from its first byte to its last, so the
// scanner's buffers stay empty (they would hold its runes otherwise).
func TestWriteTerms_plainTextTakesTheFastPath(t *testing.T) {
	text := strings.Repeat("견적서를 보내드립니다. Please find the INVOICE-2026 attached.\r\n", 500)
	var s scanner
	for pos := 0; pos < len(text); {
		end, _ := plainEnd(text, pos, chunkBytes)
		if end == pos {
			t.Fatalf("no plain stretch at %d of %d: %q", pos, len(text), text[pos:min(pos+40, len(text))])
		}
		s.writePlain(text[pos:end])
		pos = end
	}
	if len(s.runes) != 0 {
		t.Fatalf("the scanner decoded %d runes", len(s.runes))
	}
	if got, want := string(s.out), Terms(text); got != want {
		t.Fatalf("writePlain wrote %d bytes of terms, Terms %d", len(got), len(want))
	}
}
