package inflate

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// fuzzMaxOut bounds what one input may decompress to (DEFLATE expands
// at most about 1032 times), so that the target stays fast; the slow
// read stops at fuzzMaxSlow.
const (
	fuzzMaxOut  = 1 << 20
	fuzzMaxSlow = 1 << 16
)

// errSlowLimit ends a slow read at fuzzMaxSlow bytes.
var errSlowLimit = errors.New("slow read limit")

// readAll decompresses in with the Reader, through a source that gives
// a byte per read and reads of 7 bytes when slow is set: every step is
// then interrupted and resumed.
func readAll(in []byte, slow bool) ([]byte, error) {
	var src io.Reader = bytes.NewReader(in)
	if !slow {
		return io.ReadAll(io.LimitReader(NewReader(src), fuzzMaxOut))
	}
	z := NewReader(iotest.OneByteReader(src))
	var out []byte
	buf := make([]byte, 7)
	for len(out) < fuzzMaxSlow {
		n, err := z.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
	return out, errSlowLimit
}

// FuzzInflate compares the Reader with compress/flate: on any input both
// decode, the output is the same; where flate decodes, so does the
// Reader; the Reader's errors are ErrCorrupt or io.ErrUnexpectedEOF; and
// reading slowly changes nothing.
//
//	go test -fuzz FuzzInflate -fuzztime 3m ./internal/imapd/inflate/
func FuzzInflate(f *testing.F) {
	for level := flate.HuffmanOnly; level <= flate.BestCompression; level += 3 {
		for _, data := range [][]byte{nil, []byte("a1 NOOP\r\n"), testText(3000, 11), randomBytes(300, 12)} {
			f.Add(compressPieces(f, data, level, 2))
		}
	}
	f.Add((&bitWriter{}).bits(1, 1).bits(1, 2).fixed('x').fixed(257).code(0, 5).fixed(256).bytes())
	f.Add([]byte{0x01, 0x03, 0x00, 0xfc, 0xff, 'a', 'b', 'c'})
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, in []byte) {
		want, wantErr := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(in)), fuzzMaxOut))
		got, gotErr := readAll(in, false)
		if gotErr != nil && !errors.Is(gotErr, ErrCorrupt) && !errors.Is(gotErr, io.ErrUnexpectedEOF) {
			t.Fatalf("error %v is neither ErrCorrupt nor io.ErrUnexpectedEOF", gotErr)
		}
		switch {
		case wantErr == nil && gotErr != nil:
			t.Fatalf("compress/flate decodes %d bytes; the Reader fails after %d: %v", len(want), len(got), gotErr)
		case wantErr != nil && gotErr == nil:
			t.Fatalf("compress/flate fails (%v) after %d bytes; the Reader decodes %d", wantErr, len(want), len(got))
		case wantErr == nil && !bytes.Equal(got, want):
			t.Fatalf("output differs from compress/flate's at byte %d (%d and %d bytes)", firstDiff(got, want), len(got), len(want))
		case wantErr != nil && !bytes.HasPrefix(got, want) && !bytes.HasPrefix(want, got):
			// both fail: the one that stops earlier must agree so far
			t.Fatalf("before failing, the outputs differ at byte %d (%d and %d bytes)", firstDiff(got, want), len(got), len(want))
		}

		slow, slowErr := readAll(in, true)
		if slowErr == errSlowLimit {
			if !bytes.HasPrefix(got, slow) {
				t.Fatalf("read slowly, the first %d bytes differ at byte %d", len(slow), firstDiff(got, slow))
			}
			return
		}
		if !bytes.Equal(slow, got) || (slowErr == nil) != (gotErr == nil) ||
			errors.Is(slowErr, ErrCorrupt) != errors.Is(gotErr, ErrCorrupt) {
			t.Fatalf("read slowly: %d bytes, %v; at once: %d bytes, %v", len(slow), slowErr, len(got), gotErr)
		}
	})
}
