package blob

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// ReadAll returns the bytes whatever the size it is told, read in small
// pieces or large, and allocates once when told the right size.
func TestReadAll_anySizeHintReadsEverything(t *testing.T) {
	data := bytes.Repeat([]byte("메일 body 0123456789\r\n"), 5000)
	for _, size := range []int64{0, -1, 1, 100, int64(len(data)) - 1, int64(len(data)), int64(len(data)) + 1, 10 * int64(len(data)), maxSizeHint + 1} {
		for name, r := range map[string]io.Reader{
			"whole":     bytes.NewReader(data),
			"one byte":  iotest.OneByteReader(bytes.NewReader(data)),
			"data+EOF":  iotest.DataErrReader(bytes.NewReader(data)),
			"half read": iotest.HalfReader(bytes.NewReader(data)),
		} {
			got, err := ReadAll(r, size)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("size %d, %s: %d bytes, %v; want %d bytes", size, name, len(got), err, len(data))
			}
		}
	}
	br := bytes.NewReader(data)
	allocs := testing.AllocsPerRun(10, func() {
		br.Reset(data)
		if _, err := ReadAll(br, int64(len(data))); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 1 {
		t.Errorf("told the right size: %v allocations, want 1", allocs)
	}
}

// A read error is returned with the bytes before it.
func TestReadAll_returnsTheReadError(t *testing.T) {
	boom := errors.New("boom")
	got, err := ReadAll(io.MultiReader(bytes.NewReader([]byte("abc")), iotest.ErrReader(boom)), 10)
	if !errors.Is(err, boom) || string(got) != "abc" {
		t.Errorf("got %q, %v; want abc, boom", got, err)
	}
}
