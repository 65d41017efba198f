package inflate

import (
	"bytes"
	"compress/flate"
	"io"
	"testing"
)

// BenchmarkInflate compares the Reader with compress/flate's on the same
// streams (1 MB of mail-like text, 1 MB of random bytes, level 6):
//
//	go test -run X -bench Inflate -benchmem ./internal/imapd/inflate/
func BenchmarkInflate(b *testing.B) {
	inputs := []struct {
		name string
		data []byte
	}{
		{"text", testText(1<<20, 21)},
		{"random", randomBytes(1<<20, 22)},
	}
	readers := []struct {
		name string
		open func(io.Reader) io.Reader
	}{
		{"inflate", func(r io.Reader) io.Reader { return NewReader(r) }},
		{"compress-flate", func(r io.Reader) io.Reader { return flate.NewReader(r) }},
	}
	for _, in := range inputs {
		comp := compressPieces(b, in.data, flate.DefaultCompression, 1)
		for _, rd := range readers {
			b.Run(in.name+"/"+rd.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.data)))
				buf := make([]byte, 32<<10)
				for b.Loop() {
					r := rd.open(bytes.NewReader(comp))
					n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf)
					if err != nil || n != int64(len(in.data)) {
						b.Fatalf("%d bytes, %v", n, err)
					}
				}
			})
		}
	}
}
