package deliver

import (
	"math/rand/v2"
	"testing"
)

// bareLineEnds agrees with its definition, a CR or LF that is not half of
// a CRLF, read byte by byte, on every short mix of CR, LF and text.
func TestBareLineEnds_countsEveryLoneCRAndLF(t *testing.T) {
	byDefinition := func(b []byte) int {
		n := 0
		for i, c := range b {
			if c == '\n' && (i == 0 || b[i-1] != '\r') || c == '\r' && (i+1 == len(b) || b[i+1] != '\n') {
				n++
			}
		}
		return n
	}
	r := rand.New(rand.NewPCG(21, 4))
	for range 50_000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = "\r\na"[r.IntN(3)]
		}
		if got, want := bareLineEnds(b), byDefinition(b); got != want {
			t.Fatalf("bareLineEnds(%q) = %d, want %d", b, got, want)
		}
	}
}
