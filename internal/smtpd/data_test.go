package smtpd

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// readData runs a dataReader over in with a bufio buffer of size buf
// (16, the smallest, puts line ends across fills) and returns what it
// gave, its error, and what is left after it on the connection.
func readData(in []byte, buf int, maxSize int64, maxLine int) (out, rest []byte, err error) {
	br := bufio.NewReaderSize(bytes.NewReader(in), buf)
	d := newDataReader(br, maxSize, maxLine)
	out, err = io.ReadAll(d)
	rest, _ = io.ReadAll(br)
	return out, rest, err
}

func TestDataReader_linesDotsAndTheEnd(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, c := range []struct {
		name, in, out, rest string
		err                 error
	}{
		{"empty message", ".\r\n", "", "", nil},
		{"plain", "a\r\nb\r\n.\r\nQUIT\r\n", "a\r\nb\r\n", "QUIT\r\n", nil},
		{"stuffed dot", "..x\r\n..\r\n.\r\n", ".x\r\n.\r\n", "", nil},
		{"a dot inside a line stays", "a.b\r\n.\r\n", "a.b\r\n", "", nil},
		{"bare LF does not end the data", "a\n.\nb\r\n.\r\n", "a\n.\nb\r\n", "", nil},
		{"no smuggling past a bare LF", "a\n.\r\nMAIL FROM:<e@x>\r\n.\r\n", "a\n.\r\nMAIL FROM:<e@x>\r\n", "", nil},
		{"no smuggling past a bare CR", "a\r.\r\nx\r\n.\r\n", "a\r.\r\nx\r\n", "", nil},
		{"a line longer than the buffer", long + "\r\n." + long + "\r\n.\r\n", long + "\r\n" + long + "\r\n", "", nil},
		{"cut short", "a\r\nb", "a\r\nb", "", io.ErrUnexpectedEOF},
		{"cut after a line", "a\r\n", "a\r\n", "", io.ErrUnexpectedEOF},
		{"dot, CR, then the end", ".\r.\r\n.\r\n", "\r.\r\n", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, rest, err := readData([]byte(c.in), 16, 0, 0)
			if string(out) != c.out || !errors.Is(err, c.err) || string(rest) != c.rest {
				t.Fatalf("got %q, %v, rest %q; want %q, %v, rest %q", out, err, rest, c.out, c.err, c.rest)
			}
		})
	}
}

func TestDataReader_limits(t *testing.T) {
	msg := "12345678\r\n" // 10 bytes
	if out, _, err := readData([]byte(msg+".\r\n"), 16, 10, 0); err != nil || string(out) != msg {
		t.Fatalf("a message of exactly the limit: %q, %v", out, err)
	}
	if _, _, err := readData([]byte(msg+"x\r\n.\r\n"), 16, 10, 0); !errors.Is(err, errDataTooLarge) {
		t.Fatalf("a byte past the limit: %v", err)
	}
	if _, _, err := readData([]byte("abcdef\r\n.\r\n"), 16, 0, 8); err != nil {
		t.Fatalf("a line of exactly the line limit: %v", err)
	}
	if _, _, err := readData([]byte("abcdefg\r\n.\r\n"), 16, 0, 8); !errors.Is(err, errLineTooLong) {
		t.Fatalf("a line past the line limit: %v", err)
	}

	// After a limit, drain reads on to the end, so that the next command
	// is read from its start.
	br := bufio.NewReaderSize(strings.NewReader(strings.Repeat("y", 50)+"\r\n.\r\nNOOP\r\n"), 16)
	d := newDataReader(br, 20, 0)
	if _, err := io.ReadAll(d); !errors.Is(err, errDataTooLarge) {
		t.Fatal(err)
	}
	if err := d.drain(); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(br); string(rest) != "NOOP\r\n" {
		t.Fatalf("after drain: %q", rest)
	}
}

// reference is the byte-at-a-time reading of RFC 5321 §4.5.2 that the
// line-wise reader must match: a line starts after CRLF; a leading dot is
// removed; "." CRLF at a line's start ends the data.
func reference(in []byte) (out []byte, ended bool, used int) {
	lineStart, prevCR := true, false
	for i := 0; i < len(in); i++ {
		if lineStart && in[i] == '.' {
			if i+2 < len(in) && in[i+1] == '\r' && in[i+2] == '\n' {
				return out, true, i + 3
			}
			if i+2 >= len(in) && (i+1 == len(in) || in[i+1] == '\r') {
				// the end marker may be cut: what is there is not data yet
				return out, false, len(in)
			}
			lineStart = false
			continue
		}
		out = append(out, in[i])
		lineStart = prevCR && in[i] == '\n'
		prevCR = in[i] == '\r'
	}
	return out, false, len(in)
}

func FuzzDataReader(f *testing.F) {
	for _, s := range []string{".\r\n", "a\r\n..b\r\n.\r\nX", "a\n.\r\n.\r\n", "\r\n\r\n.\r\n", strings.Repeat("z", 40) + "\r\r\n.\r\n", ".\r", "."} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		want, ended, used := reference(in)
		out, rest, err := readData(in, 16, 0, 0)
		if ended {
			if err != nil || !bytes.Equal(out, want) || !bytes.Equal(rest, in[used:]) {
				t.Fatalf("in %q: got %q, %v, rest %q; want %q, rest %q", in, out, err, rest, want, in[used:])
			}
			return
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("in %q with no end: error %v", in, err)
		}
		if !bytes.HasPrefix(want, out) && !bytes.HasPrefix(out, want) {
			t.Fatalf("in %q with no end: got %q, want %q", in, out, want)
		}
	})
}
