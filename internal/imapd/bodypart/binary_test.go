package bodypart

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"postroom/internal/imapd/wire"
)

func TestBinary(t *testing.T) {
	msg := crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: base64\n\n" +
		"AAEC/w==\n--b\nContent-Transfer-Encoding: Quoted-Printable\n\n" +
		"caf=C3=A9 =3d=\nsoft  \nA=B x=2\n--b\nContent-Transfer-Encoding: x-uuencode\n\nbegin\n--b\n" +
		"Content-Transfer-Encoding: 8bit\n\n\x00한\n--b\nContent-Transfer-Encoding: base64\n\nQU\r\n(*!)JD\nRA=\n=QUJD\n--b--\n")
	root := parse(t, msg)
	r := strings.NewReader(msg)
	tests := []struct {
		part []uint32
		want string
		err  error
	}{
		{path(1), "\x00\x01\x02\xff", nil},
		{path(2), "café =soft\r\nA=B x=2", nil},
		{path(3), "", ErrUnknownCTE},
		{path(4), "\x00한", nil},
		{path(5), "ABCDABC", nil},
		{path(6), "", ErrNoPart},
		{nil, msg, nil},
	}
	for _, tt := range tests {
		rd, err := Binary(r, root, tt.part)
		if !errors.Is(err, tt.err) {
			t.Errorf("BINARY%v: err %v, want %v", tt.part, err, tt.err)
			continue
		}
		if err != nil {
			if _, err := BinarySize(r, root, tt.part); !errors.Is(err, tt.err) {
				t.Errorf("BINARY.SIZE%v: err %v", tt.part, err)
			}
			continue
		}
		b, _ := io.ReadAll(rd)
		if string(b) != tt.want {
			t.Errorf("BINARY%v = %q, want %q", tt.part, b, tt.want)
		}
		if n, err := BinarySize(r, root, tt.part); err != nil || n != int64(len(tt.want)) {
			t.Errorf("BINARY.SIZE%v = %d, %v; want %d", tt.part, n, err, len(tt.want))
		}
	}
	// BINARY[2]<1.4> echoes the decoded octets 1..4 (issue 17 item 7).
	rd, n, err := BinaryRange(r, root, path(2), &wire.Partial{Origin: 1, Count: 4})
	if err != nil || n != 4 {
		t.Fatalf("BinaryRange: %d, %v", n, err)
	}
	if b, _ := io.ReadAll(rd); string(b) != "afé" {
		t.Errorf("BINARY[2]<1.4> = %q", b)
	}
	if _, n, _ := BinaryRange(r, root, path(1), &wire.Partial{Origin: 9, Count: 4}); n != 0 {
		t.Errorf("origin beyond the end: %d octets", n)
	}
}

// A long quoted-printable body decodes through small reads the same as
// through one.
func TestBinary_qpLong(t *testing.T) {
	body := strings.Repeat("=E2=82=AC abc   \r\n", 5000)
	msg := "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + body
	root := parse(t, msg)
	rd, err := Binary(strings.NewReader(msg), root, path(1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(io.LimitReader(rd, 1<<30))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("€ abc\r\n", 5000); string(b) != want {
		t.Errorf("decoded %d octets, want %d", len(b), len(want))
	}
}

// The decoders are io.Readers that behave under any read pattern.
func TestBinary_readerContract(t *testing.T) {
	msg := crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: base64\n\n" +
		"7ZWc6riAIO2FjeyKpO2KuA==\nAAEC\n--b\nContent-Transfer-Encoding: quoted-printable\n\n" +
		"=ED=95=9C=EA=B8=80 =\n  x  \ny=3D1\n--b--\n")
	root := parse(t, msg)
	for part, want := range map[uint32]string{1: "한글 텍스트\x00\x01\x02", 2: "한글   x\r\ny=1"} {
		rd, err := Binary(strings.NewReader(msg), root, path(part))
		if err != nil {
			t.Fatal(err)
		}
		if err := iotest.TestReader(rd, []byte(want)); err != nil {
			t.Errorf("BINARY[%d]: %v", part, err)
		}
		rd, _ = Binary(strings.NewReader(msg), root, path(part))
		if b, _ := io.ReadAll(iotest.OneByteReader(rd)); string(b) != want {
			t.Errorf("BINARY[%d] a byte at a time = %q, want %q", part, b, want)
		}
	}
}
