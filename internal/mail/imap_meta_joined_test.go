package mail

import (
	"bytes"
	"io"
	"testing"
)

// joined reads a delivered message from its two pieces exactly as the
// file of both would be read, at every offset and length.
func TestJoined_readsAsTheConcatenation(t *testing.T) {
	for _, pair := range [][2]string{
		{"Received: from x\r\n", "Subject: hi\r\n\r\nbody\r\n"},
		{"", "Subject: hi\r\n\r\nbody\r\n"},
		{"Received: from x\r\n", ""},
		{"", ""},
	} {
		head, rest := []byte(pair[0]), []byte(pair[1])
		whole := bytes.NewReader(append(bytes.Clone(head), rest...))
		j := joined{head, rest}
		n := len(head) + len(rest)
		for off := 0; off <= n+1; off++ {
			for size := 0; size <= n+2-off; size++ {
				want := make([]byte, size)
				wn, werr := whole.ReadAt(want, int64(off))
				got := make([]byte, size)
				gn, gerr := j.ReadAt(got, int64(off))
				if gn != wn || !bytes.Equal(got[:gn], want[:wn]) || (gerr == nil) != (werr == nil) || (werr == io.EOF) != (gerr == io.EOF) {
					t.Fatalf("%q+%q ReadAt(%d, %d) = %d %q %v, want %d %q %v", head, rest, size, off, gn, got[:gn], gerr, wn, want[:wn], werr)
				}
			}
		}
	}
}
