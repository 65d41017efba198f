package bodypart

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"postroom/internal/imapd/wire"
)

// Binary returns BINARY[part] (RFC 3516 §4.2): the part's body with its
// Content-Transfer-Encoding removed. BINARY[] is the whole message as
// stored; a multipart part is its body as stored (RFC 2045 allows only
// identity encodings there). Decoding is lenient and cannot fail on
// content (stray characters in base64 are skipped, a bad quoted-printable
// escape stays as written), so the size BinarySize counts is the size
// Binary yields. An encoding it does not know is ErrUnknownCTE (NO
// [UNKNOWN-CTE]).
func Binary(r io.ReaderAt, root *Part, part []uint32) (io.Reader, error) {
	if len(part) == 0 {
		return io.NewSectionReader(r, root.HeaderStart, root.End-root.HeaderStart), nil
	}
	p, err := Find(root, part)
	if err != nil {
		return nil, err
	}
	raw := io.NewSectionReader(r, p.BodyStart, p.Size())
	if len(p.Parts) > 0 {
		return raw, nil
	}
	switch strings.ToLower(p.Encoding) {
	case "", "7bit", "8bit", "binary":
		return raw, nil
	case "base64":
		return &base64Reader{src: bufio.NewReader(raw)}, nil
	case "quoted-printable":
		return &qpReader{src: bufio.NewReader(raw)}, nil
	}
	return nil, fmt.Errorf("bodypart: %q: %w", truncate(p.Encoding, 40), ErrUnknownCTE)
}

// BinarySize is BINARY.SIZE[part]: the size of what Binary yields. For
// an encoded part it decodes the part once, in bounded memory.
func BinarySize(r io.ReaderAt, root *Part, part []uint32) (int64, error) {
	rd, err := Binary(r, root, part)
	if err != nil {
		return 0, err
	}
	if sr, ok := rd.(*io.SectionReader); ok {
		return sr.Size(), nil
	}
	n, err := io.Copy(io.Discard, rd)
	if err != nil {
		return 0, fmt.Errorf("bodypart: decoding part: %w", err)
	}
	return n, nil
}

// BinaryRange is BINARY[part]<p>: the decoded content clipped to p, and
// its size, known before the literal is written (so an encoded part is
// decoded twice: once to count, once to send).
func BinaryRange(r io.ReaderAt, root *Part, part []uint32, p *wire.Partial) (io.Reader, int64, error) {
	size, err := BinarySize(r, root, part)
	if err != nil {
		return nil, 0, err
	}
	rd, err := Binary(r, root, part)
	if err != nil {
		return nil, 0, err
	}
	off, n := PartialRange(size, p)
	if sr, ok := rd.(*io.SectionReader); ok {
		return io.NewSectionReader(sr, off, n), n, nil
	}
	if _, err := io.CopyN(io.Discard, rd, off); err != nil {
		return nil, 0, fmt.Errorf("bodypart: decoding part: %w", err)
	}
	return io.LimitReader(rd, n), n, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// base64Reader decodes base64 leniently: characters outside the alphabet
// are skipped, "=" ends a quantum (what was read of it is decoded), and
// decoding goes on after it (concatenated encodings).
type base64Reader struct {
	src  *bufio.Reader
	quad [4]byte
	nq   int
	out  [3]byte
	nout int // pending bytes in out, from the start
	eof  bool
}

func b64val(c byte) (byte, bool) {
	switch {
	case c >= 'A' && c <= 'Z':
		return c - 'A', true
	case c >= 'a' && c <= 'z':
		return c - 'a' + 26, true
	case c >= '0' && c <= '9':
		return c - '0' + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}

// flush decodes the quantum read so far into out.
func (d *base64Reader) flush() {
	q := d.quad
	for i := d.nq; i < 4; i++ {
		q[i] = 0
	}
	v := uint32(q[0])<<18 | uint32(q[1])<<12 | uint32(q[2])<<6 | uint32(q[3])
	d.out = [3]byte{byte(v >> 16), byte(v >> 8), byte(v)}
	d.nout = max(d.nq-1, 0) // 2 chars: 1 byte, 3: 2, 4: 3
	d.nq = 0
}

func (d *base64Reader) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		if d.nout > 0 {
			c := copy(b[n:], d.out[:d.nout])
			copy(d.out[:], d.out[c:d.nout])
			d.nout -= c
			n += c
			continue
		}
		if d.eof {
			break
		}
		c, err := d.src.ReadByte()
		if err == io.EOF {
			d.eof = true
			d.flush()
			continue
		}
		if err != nil {
			return n, err
		}
		if c == '=' {
			if d.nq > 0 {
				d.flush()
			}
			continue
		}
		if v, ok := b64val(c); ok {
			d.quad[d.nq] = v
			d.nq++
			if d.nq == 4 {
				d.flush()
			}
		}
	}
	if n == 0 && d.eof {
		return 0, io.EOF
	}
	return n, nil
}

// qpReader decodes quoted-printable (RFC 2045 §6.7) leniently: "=XX"
// (either case) is the octet, "=" before a line break (with white space
// between) is a soft break, any other "=" stays; white space at the end
// of a line is dropped; line breaks stay as stored.
type qpReader struct {
	src   *bufio.Reader
	buf   []byte
	out   []byte // decoded, not yet returned
	space []byte // white space that may end a line
	eof   bool
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func (d *qpReader) Read(b []byte) (int, error) {
	if len(d.out) == 0 {
		d.out = d.buf[:0]
	}
	for len(d.out) < len(b) && !d.eof {
		if err := d.step(); err != nil {
			return 0, err
		}
	}
	d.buf = d.out[:0:cap(d.out)]
	if len(d.out) == 0 && d.eof {
		return 0, io.EOF
	}
	n := copy(b, d.out)
	d.out = d.out[n:]
	return n, nil
}

// step decodes a little more input into out.
func (d *qpReader) step() error {
	c, err := d.src.ReadByte()
	if err == io.EOF {
		d.eof = true // white space at the end of the last line is dropped too
		return nil
	}
	if err != nil {
		return err
	}
	switch c {
	case ' ', '\t':
		if len(d.space) >= 1024 {
			d.out = append(d.out, d.space...)
			d.space = d.space[:0]
		}
		d.space = append(d.space, c)
		return nil
	case '\r', '\n':
		d.space = d.space[:0] // RFC 2045 §6.7 rule 3
		d.out = append(d.out, c)
		return nil
	}
	d.out = append(d.out, d.space...)
	d.space = d.space[:0]
	if c != '=' {
		d.out = append(d.out, c)
		return nil
	}
	peek, _ := d.src.Peek(2)
	if len(peek) == 2 {
		if h, ok := unhex(peek[0]); ok {
			if l, ok := unhex(peek[1]); ok {
				d.src.Discard(2)
				d.out = append(d.out, h<<4|l)
				return nil
			}
		}
	}
	// A soft line break: "=" [white space] (CRLF / LF / end).
	for i := 0; ; i++ {
		p, _ := d.src.Peek(i + 1)
		if len(p) <= i {
			d.src.Discard(i) // "=" and white space at the end
			return nil
		}
		switch p[i] {
		case ' ', '\t':
			if i < 1024 {
				continue
			}
		case '\n':
			d.src.Discard(i + 1)
			return nil
		case '\r':
			if q, _ := d.src.Peek(i + 2); len(q) == i+2 && q[i+1] == '\n' {
				d.src.Discard(i + 2)
				return nil
			}
		}
		break
	}
	d.out = append(d.out, '=')
	return nil
}
