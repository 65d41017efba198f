package bodypart

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"postroom/internal/imapd/wire"
)

func TestParse_limits(t *testing.T) {
	// 100 nested messages: beyond maxDepth the rest is an opaque body.
	var b strings.Builder
	for range 100 {
		b.WriteString("Content-Type: message/rfc822\r\n\r\n")
	}
	b.WriteString("Subject: deepest\r\n\r\nx\r\n")
	root := parse(t, b.String())
	depth := 0
	for p := root; p.Message != nil; p = p.Message {
		depth++
	}
	if depth != maxDepth {
		t.Errorf("nesting %d, want it cut at %d", depth, maxDepth)
	}
	_ = wireBody(root, true)

	// More parts than maxParts: the rest of the multipart is opaque.
	b.Reset()
	b.WriteString("Content-Type: multipart/mixed; boundary=b\r\n\r\n")
	for i := range maxParts + 50 {
		fmt.Fprintf(&b, "--b\r\n\r\n%d\r\n", i)
	}
	b.WriteString("--b--\r\n")
	msg := b.String()
	root = parse(t, msg)
	if n := len(root.Parts); n != maxParts-1 {
		t.Errorf("%d parts, want %d (the root counts)", n, maxParts-1)
	}
	if root.End != int64(len(msg)) {
		t.Errorf("multipart ends at %d of %d", root.End, len(msg))
	}
}

type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("disk gone") }

func TestParse_ioError(t *testing.T) {
	if _, err := Parse(failingReader{}, 100); err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Errorf("Parse of a failing reader: %v", err)
	}
}

// A field folded over many lines is kept up to maxFieldLen and built in
// linear time: what parsing allocates stays far below lines × length.
func TestParse_longFoldedField(t *testing.T) {
	msg := "To: a@b.c" + strings.Repeat(",\r\n a@b.c", 100000) + "\r\nSubject: after\r\n\r\nbody\r\n"
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	root := parse(t, msg)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
		t.Errorf("parsing allocated %d bytes for a %d-octet header", n, len(msg))
	}
	e := root.Envelope()
	if e.Subject != "after" || len(e.To) == 0 || len(e.To) > maxFieldLen/7 {
		t.Errorf("subject %q, %d addresses", e.Subject, len(e.To))
	}
}

// A line longer than the read buffer is read in chunks; a CRLF split
// between two chunks still belongs to the delimiter that follows.
func TestParse_longLines(t *testing.T) {
	for _, n := range []int{32<<10 - 1, 32 << 10, 100000} {
		long := strings.Repeat("x", n)
		msg := "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX-Long: " + long + "\r\n\r\n" + long + "\r\n--b--\r\n"
		root := parse(t, msg)
		if len(root.Parts) != 1 {
			t.Fatalf("%d: %d parts", n, len(root.Parts))
		}
		got, err := sectionText(t, msg, root, &wire.Section{Part: path(1)})
		if err != nil || got != long {
			t.Errorf("line of %d: part 1 is %d octets (%v)", n, len(got), err)
		}
		if p := root.Parts[0]; p.Lines != 1 {
			t.Errorf("line of %d: %d lines", n, p.Lines)
		}
	}
}
