package bodypart

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"postroom/internal/imapd/wire"
)

// FuzzParse drives everything FETCH uses on one message and checks that
// nothing panics, the tree's offsets nest inside the message, every
// section's range lies inside it and BINARY.SIZE is what BINARY yields.
// Seeds are the table tests' messages and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		rfcNested, "", "\r\n", "Subject: x", "a\x00b\r\n\r\n\x00",
		crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\nContent-Type: message/rfc822\n\nSubject: i\n\nx\n--b--\n"),
		crlf("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: s\n\nbody\n--d--\n"),
		"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: base64\n\nAAEC/w==\n--b\nContent-Transfer-Encoding: quoted-printable\n\na=3D=\nb\n",
		"From: A Group:Ed <c@a.test>,joe@where.test;, <@r.test:x@y>, \"q\\\"\"@z (c)\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		r := bytes.NewReader(msg)
		size := int64(len(msg))
		root, err := Parse(r, size)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		checkTree(t, root, 0, size)
		if root.HeaderStart != 0 || root.End != size {
			t.Fatalf("BODY[] is %d..%d of %d octets", root.HeaderStart, root.End, size)
		}
		var buf bytes.Buffer
		w := wire.NewWriter(&buf)
		w.Start("*").BodyStructure(root.Structure(), true).Envelope(root.Envelope()).End()
		if err := w.Flush(); err != nil {
			t.Fatalf("writing: %v", err)
		}
		head, err := ParseHeader(r, size)
		if err != nil {
			t.Fatalf("ParseHeader: %v", err)
		}
		if head.BodyStart != root.BodyStart || head.Envelope() == nil {
			t.Fatalf("ParseHeader: body at %d, Parse: %d", head.BodyStart, root.BodyStart)
		}
		paths := allPaths(root)
		for _, p := range paths {
			for _, spec := range []string{"", "HEADER", "TEXT", "MIME", "HEADER.FIELDS", "HEADER.FIELDS.NOT"} {
				if spec == "MIME" && len(p) == 0 {
					continue
				}
				sec := &wire.Section{Part: p, Specifier: spec}
				if strings.HasPrefix(spec, "HEADER.FIELDS") {
					sec.Fields = []string{"SUBJECT", "CONTENT-TYPE"}
				}
				sr, err := Section(r, root, sec)
				if errors.Is(err, ErrNoPart) {
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", sec, err)
				}
				if outer, off, n := sr.Outer(); outer == io.ReaderAt(r) && (off < 0 || n < 0 || off+n > size) {
					t.Fatalf("%s: range %d+%d outside the message of %d", sec, off, n, size)
				}
				if _, err := io.Copy(io.Discard, Partial(sr, &wire.Partial{Origin: 3, Count: 5})); err != nil {
					t.Fatalf("%s: %v", sec, err)
				}
			}
			rd, err := Binary(r, root, p)
			if errors.Is(err, ErrUnknownCTE) || errors.Is(err, ErrNoPart) {
				continue
			}
			if err != nil {
				t.Fatalf("BINARY%v: %v", p, err)
			}
			n, err := io.Copy(io.Discard, rd)
			if err != nil {
				t.Fatalf("BINARY%v: %v", p, err)
			}
			if sz, err := BinarySize(r, root, p); err != nil || sz != n {
				t.Fatalf("BINARY.SIZE%v = %d, %v; BINARY gave %d", p, sz, err, n)
			}
		}
	})
}

// checkTree checks that p's offsets are ordered and inside [lo, hi].
func checkTree(t *testing.T, p *Part, lo, hi int64) {
	t.Helper()
	if !(lo <= p.HeaderStart && p.HeaderStart <= p.BodyStart && p.BodyStart <= p.End && p.End <= hi) {
		t.Fatalf("part %d/%d/%d outside [%d, %d]", p.HeaderStart, p.BodyStart, p.End, lo, hi)
	}
	if p.Lines < 0 || p.Lines > p.Size() {
		t.Fatalf("part of %d octets has %d lines", p.Size(), p.Lines)
	}
	for _, c := range p.Parts {
		checkTree(t, c, p.BodyStart, p.End)
	}
	if p.Message != nil {
		checkTree(t, p.Message, p.BodyStart, p.End)
	}
}

// allPaths lists the part numbers Find resolves (and one past each
// level), at most a few thousand.
func allPaths(root *Part) [][]uint32 {
	out := [][]uint32{nil}
	var walk func(prefix []uint32)
	walk = func(prefix []uint32) {
		if len(prefix) > 80 || len(out) > 3000 {
			return
		}
		for i := uint32(1); ; i++ {
			p := append(prefix[:len(prefix):len(prefix)], i)
			out = append(out, p)
			if _, err := Find(root, p); err != nil {
				return
			}
			walk(p)
		}
	}
	walk(nil)
	return out
}
