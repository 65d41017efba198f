package bodypart

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"postroom/internal/imapd/wire"
	"postroom/internal/message"
)

// bigMessage builds a message of about size octets: a text part, an HTML
// part and base64 attachments of 76-column lines.
func bigMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: 김철수 <kim@example.kr>\r\nTo: a@example.com, b@example.com\r\nSubject: 견적서 송부\r\n" +
		"Date: Thu, 15 Feb 2007 01:02:03 +0200\r\nMessage-ID: <big@example.kr>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\n" +
		"Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		strings.Repeat("안녕하세요. 견적서를 보내 드립니다.\r\n", 50) + "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		strings.Repeat("<p>안녕하세요</p>\r\n", 50) + "--alt--\r\n")
	chunk := bytes.Repeat([]byte{0, 1, 2, 0xff, 'x'}, 57/5+1)[:57]
	line := base64.StdEncoding.EncodeToString(chunk) + "\r\n"
	perFile := (size - b.Len()) / 4 / len(line)
	for i := range 4 {
		fmt.Fprintf(&b, "--outer\r\nContent-Type: application/pdf; name=\"f%d.pdf\"\r\n"+
			"Content-Disposition: attachment; filename=\"f%d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", i, i)
		for range perFile {
			b.WriteString(line)
		}
	}
	b.WriteString("--outer--\r\n")
	return b.Bytes()
}

// manyParts builds a multipart/mixed message of n small parts.
func manyParts(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Subject: many\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: inline\r\n\r\npart %d\r\nline two\r\n", i)
	}
	b.WriteString("--b--\r\n")
	return b.Bytes()
}

func benchParse(b *testing.B, msg []byte) {
	r := bytes.NewReader(msg)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		root, err := Parse(r, int64(len(msg)))
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		wire.NewWriter(&buf).Start("*").BodyStructure(root.Structure(), true).End()
	}
}

// go test -run '^$' -bench . -benchmem ./internal/imapd/bodypart/
func BenchmarkParseStructure_2MB(b *testing.B)      { benchParse(b, bigMessage(2<<20)) }
func BenchmarkParseStructure_20MB(b *testing.B)     { benchParse(b, bigMessage(20<<20)) }
func BenchmarkParseStructure_100parts(b *testing.B) { benchParse(b, manyParts(100)) }

func BenchmarkBinarySize_2MB(b *testing.B) {
	msg := bigMessage(2 << 20)
	r := bytes.NewReader(msg)
	root, _ := Parse(r, int64(len(msg)))
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BinarySize(r, root, path(2)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParse_boundedMemory checks that parsing does not keep bodies:
// what a 20 MB message allocates stays near what a 2 MB one does.
func TestParse_boundedMemory(t *testing.T) {
	alloc := func(msg []byte) uint64 {
		r := bytes.NewReader(msg)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		root, err := Parse(r, int64(len(msg)))
		if err != nil {
			t.Fatal(err)
		}
		_ = root.Structure()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := alloc(bigMessage(2<<20)), alloc(bigMessage(20<<20))
	if large > 2*small+64<<10 {
		t.Errorf("allocations grow with the body: %v for 2 MB, %v for 20 MB", small, large)
	}
	if root := parse(t, string(bigMessage(2<<20))); len(root.Parts) < 2 || root.Envelope().Subject != "견적서 송부" {
		t.Errorf("big message parsed wrong: %d parts", len(root.Parts))
	}
}

// benchOld is today's FETCH BODYSTRUCTURE path in internal/imapd, for
// comparison: the whole file read into memory, then internal/message's
// tree (the go-imap conversion not included).
func benchOld(b *testing.B, msg []byte) {
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		raw, err := io.ReadAll(bytes.NewReader(msg))
		if err != nil {
			b.Fatal(err)
		}
		if m := message.Parse(raw); m.Root == nil {
			b.Fatal("no root")
		}
	}
}

func BenchmarkOldReadAllParse_2MB(b *testing.B)      { benchOld(b, bigMessage(2<<20)) }
func BenchmarkOldReadAllParse_100parts(b *testing.B) { benchOld(b, manyParts(100)) }
