package inflate

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// testText is text with the repetition of mail: headers, Korean and
// English lines, some of them the same.
func testText(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	words := []string{"From:", "To:", "Subject:", "견적서", "회의", "내일", "mailbox", "the", "IMAP",
		"UID", "FETCH", "BODY[]", "안녕하세요", "\r\n", "\r\n", "message", "Postroom", "한국어", "1234", "*"}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.Bytes()[:n]
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// compressPieces compresses data with compress/flate at level, flushing
// (a sync flush: an empty stored block) after each piece.
func compressPieces(tb testing.TB, data []byte, level int, pieces int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, level)
	if err != nil {
		tb.Fatal(err)
	}
	step := max(1, len(data)/pieces)
	for i := 0; i < len(data); i += step {
		if _, err := w.Write(data[i:min(len(data), i+step)]); err != nil {
			tb.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestRoundTrip_flateWriter: whatever compress/flate writes, at every
// level and with flushes between the pieces, comes back byte for byte,
// however the input and the reads are cut.
func TestRoundTrip_flateWriter(t *testing.T) {
	inputs := map[string][]byte{
		"empty":      nil,
		"one byte":   {'x'},
		"text 1k":    testText(1000, 1),
		"text 300k":  testText(300_000, 2),
		"random 70k": randomBytes(70_000, 3),
		"zeros 100k": make([]byte, 100_000),
	}
	for name, data := range inputs {
		for level := flate.HuffmanOnly; level <= flate.BestCompression; level++ {
			for _, pieces := range []int{1, 7} {
				comp := compressPieces(t, data, level, pieces)
				readers := map[string]func() io.Reader{
					"whole":       func() io.Reader { return bytes.NewReader(comp) },
					"byte a time": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(comp)) },
					"half reads":  func() io.Reader { return iotest.HalfReader(bytes.NewReader(comp)) },
				}
				for how, src := range readers {
					if how != "whole" && len(data) > 100_000 {
						continue // slow and no new paths
					}
					t.Run(fmt.Sprintf("%s/level %d/%d pieces/%s", name, level, pieces, how), func(t *testing.T) {
						got, err := io.ReadAll(NewReader(src()))
						if err != nil {
							t.Fatalf("read: %v", err)
						}
						if !bytes.Equal(got, data) {
							t.Fatalf("got %d bytes, want %d; first difference at %d", len(got), len(data), firstDiff(got, data))
						}
					})
				}
			}
		}
	}
}

// TestRoundTrip_smallReads: reads of a few bytes at a time see the same
// stream (the window is handed out in pieces, wrapping around).
func TestRoundTrip_smallReads(t *testing.T) {
	data := testText(200_000, 4)
	comp := compressPieces(t, data, 6, 3)
	z := NewReader(bytes.NewReader(comp))
	var got []byte
	buf := make([]byte, 13)
	for {
		n, err := z.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("first difference at %d of %d", firstDiff(got, data), len(data))
	}
}

// TestReset_reuses: a Reader reset onto a second stream decodes it.
func TestReset_reuses(t *testing.T) {
	a, b := testText(5000, 5), randomBytes(5000, 6)
	z := NewReader(bytes.NewReader(compressPieces(t, a, 9, 1)))
	if got, err := io.ReadAll(z); err != nil || !bytes.Equal(got, a) {
		t.Fatalf("first stream: %v", err)
	}
	z.Reset(bytes.NewReader(compressPieces(t, b, 1, 2)))
	if got, err := io.ReadAll(z); err != nil || !bytes.Equal(got, b) {
		t.Fatalf("second stream: %v", err)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// bitWriter writes a DEFLATE bit stream by hand (RFC 1951 §3.1.1).
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

// bits writes the n low bits of v, least significant first (header
// fields and extra bits).
func (w *bitWriter) bits(v uint64, n uint) *bitWriter {
	w.acc |= v << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
	return w
}

// code writes a Huffman code of n bits, most significant bit first.
func (w *bitWriter) code(c uint64, n uint) *bitWriter {
	return w.bits(uint64(reverse(uint32(c), n)), n)
}

// align pads to a byte boundary with zero bits.
func (w *bitWriter) align() *bitWriter {
	if w.nbits > 0 {
		w.bits(0, 8-w.nbits)
	}
	return w
}

func (w *bitWriter) bytes() []byte { return append([]byte(nil), w.align().out...) }

// fixedCode is the fixed Huffman code of a literal/length symbol (RFC
// 1951 §3.2.6) and its length.
func fixedCode(sym int) (uint64, uint) {
	switch {
	case sym < 144:
		return uint64(0x30 + sym), 8
	case sym < 256:
		return uint64(0x190 + sym - 144), 9
	case sym < 280:
		return uint64(sym - 256), 7
	default:
		return uint64(0xc0 + sym - 280), 8
	}
}

func (w *bitWriter) fixed(sym int) *bitWriter { return w.code(fixedCode(sym)) }

// TestHandWritten_valid: streams written bit by bit decode to what the
// RFC says: fixed literals, an overlapping back-reference, a stored
// block, and a dynamic block whose code lengths use every repeat code
// (RFC 1951 §3.2.7).
func TestHandWritten_valid(t *testing.T) {
	w := &bitWriter{}
	// fixed block: "ab", then length 7 (symbol 261) at distance 2
	// (distance code 1), "ababababa"
	w.bits(0, 1).bits(1, 2).fixed('a').fixed('b').fixed(261).code(1, 5).fixed(256)
	// stored block "xyz"
	w.bits(0, 1).bits(0, 2).align().bits(3, 16).bits(0xfffc, 16)
	w.out = append(w.out, "xyz"...)
	// the final block: dynamic, literals 'A'..'G' and end-of-block, all
	// of 3 bits, the code length code using 0, 3, 16, 17 and 18
	w.bits(1, 1).bits(2, 2)
	// HLIT 257 (+257), HDIST 1 (+1), HCLEN 19 (+4), each minus its base
	w.bits(0, 5).bits(0, 5).bits(15, 4)
	clens := map[int]uint64{0: 2, 3: 2, 16: 2, 17: 3, 18: 3}
	for _, sym := range clenOrder {
		w.bits(clens[int(sym)], 3)
	}
	// canonical: 0 -> 00, 3 -> 01, 16 -> 10, 17 -> 110, 18 -> 111
	w.code(0b111, 3).bits(65-11, 7)  // 18: symbols 0..64 get length 0
	w.code(0b01, 2)                  // 'A' (65): 3
	w.code(0b10, 2).bits(6-3, 2)     // 16: 'B'..'G' (66..71) the same
	w.code(0b110, 3).bits(10-3, 3)   // 17: 72..81 zero
	w.code(0b111, 3).bits(138-11, 7) // 18: 82..219 zero
	w.code(0b111, 3).bits(36-11, 7)  // 18: 220..255 zero
	w.code(0b01, 2)                  // 256: 3
	w.code(0b00, 2)                  // distance 0: 0 (no distance codes)
	// literal/length code: 'A' -> 000 ... 'G' -> 110, end-of-block 111
	w.code(0, 3).code(1, 3).code(2, 3).code(0, 3).code(0b111, 3)
	got, err := io.ReadAll(NewReader(bytes.NewReader(w.bytes())))
	if err != nil {
		t.Fatal(err)
	}
	if want := "ababababaxyzABCA"; string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestCorrupt: each kind of broken input is an error that says what is
// wrong, matches ErrCorrupt (or io.ErrUnexpectedEOF when it stops short),
// and the bytes decoded before it still come out.
func TestCorrupt(t *testing.T) {
	dynHeader := func(hlit, hdist, hclen uint64) *bitWriter {
		return (&bitWriter{}).bits(1, 1).bits(2, 2).bits(hlit-257, 5).bits(hdist-1, 5).bits(hclen-4, 4)
	}
	valid := compressPieces(t, testText(4000, 7), 6, 1)
	tests := []struct {
		name   string
		in     []byte
		before string // decoded before the error
		want   string // in the message
		eof    bool   // io.ErrUnexpectedEOF, not ErrCorrupt
	}{
		{name: "empty input", in: nil, eof: true, want: "block header"},
		{name: "no final block", in: (&bitWriter{}).bits(0, 1).bits(1, 2).fixed('h').fixed('i').fixed(256).bytes(), before: "hi", eof: true},
		{name: "truncated", in: valid[:len(valid)/2], eof: true, want: "Huffman-coded data"},
		{name: "reserved block type", in: (&bitWriter{}).bits(1, 1).bits(3, 2).bytes(), want: "block type 3"},
		{name: "stored length complement", in: (&bitWriter{}).bits(1, 1).bits(0, 2).align().bits(5, 16).bits(0, 16).bytes(), want: "does not match its complement"},
		{name: "fixed symbol 286", in: (&bitWriter{}).bits(1, 1).bits(1, 2).fixed('x').fixed(286).bytes(), before: "x", want: "symbol 286 is reserved"},
		{name: "fixed distance 30", in: (&bitWriter{}).bits(1, 1).bits(1, 2).fixed('x').fixed(257).code(30, 5).bytes(), before: "x", want: "distance symbol 30 is reserved"},
		{name: "distance before the start", in: (&bitWriter{}).bits(1, 1).bits(1, 2).fixed('x').fixed(257).code(1, 5).bytes(), before: "x", want: "distance 2 reaches before the start"},
		{name: "too many literal codes", in: dynHeader(287, 1, 4).bytes(), want: "287 literal/length codes"},
		{name: "too many distance codes", in: dynHeader(257, 31, 4).bytes(), want: "31 distance codes"},
		{name: "over-subscribed code length code", in: dynHeader(257, 1, 4).bits(1, 3).bits(1, 3).bits(1, 3).bits(1, 3).bytes(), want: "over-subscribed"},
		{name: "incomplete code length code", in: dynHeader(257, 1, 4).bits(1, 3).bits(0, 3).bits(0, 3).bits(2, 3).bytes(), want: "incomplete"},
		{name: "repeat before the first length", in: dynHeader(257, 1, 4).bits(1, 3).bits(0, 3).bits(0, 3).bits(1, 3).code(1, 1).bits(0, 2).bytes(), want: "before the first"},
		{name: "repeat past the end", in: dynHeader(257, 1, 4).bits(0, 3).bits(0, 3).bits(1, 3).bits(1, 3).
			code(1, 1).bits(127, 7).code(1, 1).bits(127, 7).bytes(), want: "repeated past the last symbol"},
		{name: "no end-of-block code", in: dynHeader(257, 1, 4).bits(0, 3).bits(0, 3).bits(1, 3).bits(1, 3).
			code(1, 1).bits(127, 7).code(1, 1).bits(120-11, 7).bytes(), want: "no end-of-block code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := io.ReadAll(NewReader(bytes.NewReader(tt.in)))
			if err == nil {
				t.Fatalf("no error; decoded %q", got)
			}
			if tt.eof != errors.Is(err, io.ErrUnexpectedEOF) || tt.eof == errors.Is(err, ErrCorrupt) {
				t.Errorf("error %q: ErrUnexpectedEOF %v, ErrCorrupt %v; want unexpected EOF %v",
					err, errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, ErrCorrupt), tt.eof)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "inflate: ") {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
			if tt.before != "" && string(got) != tt.before {
				t.Errorf("decoded %q before the error, want %q", got, tt.before)
			}
		})
	}
}

// failingReader returns its error after its data.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestReadError_wrapped: an error of the underlying reader comes back
// wrapped, with where it happened, after the bytes decoded before it.
func TestReadError_wrapped(t *testing.T) {
	boom := errors.New("connection reset")
	in := (&bitWriter{}).bits(0, 1).bits(1, 2).fixed('o').fixed('k').fixed(256).bytes()
	got, err := io.ReadAll(NewReader(&failingReader{data: in, err: boom}))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "reading compressed input") {
		t.Fatalf("error %v, want it to wrap %v", err, boom)
	}
	if string(got) != "ok" {
		t.Fatalf("decoded %q before the error, want \"ok\"", got)
	}
}
