package message

import (
	"strings"
	"testing"

	"postroom/internal/loadgen"
)

// wholePreview is Preview as it was before the short first prefix: from
// the whole text of a small message, else from previewScan bytes of it.
func wholePreview(m *Message, n int) string {
	scan := max(previewScan, 16*n)
	text := ""
	if m.TextRawSize() <= scan {
		text = m.Text()
	} else {
		text = m.TextPrefix(scan)
	}
	p, _ := collapse(text, n)
	return p
}

// TestPreview_ofALongTextIsThatOfItsLongPrefix: rendering a short prefix of
// a long text first changes no preview, of the realistic corpus (Korean
// and English, EUC-KR, plain, alternative, attachments, up to 4 MiB) or
// of texts made to fall through to the long prefix.
func TestPreview_ofALongTextIsThatOfItsLongPrefix(t *testing.T) {
	var msgs [][]byte
	for _, c := range []struct {
		size  loadgen.Size
		count int
	}{{loadgen.Size{Mixed: true}, 60}, {loadgen.Size{Fixed: 200 << 10}, 12}, {loadgen.Size{Fixed: 2 << 20}, 3}} {
		corpus := &loadgen.Corpus{Seed: 5, Size: c.size}
		for i := range c.count {
			msgs = append(msgs, corpus.Message(i))
		}
	}
	long := strings.Repeat("견적서를 보내드립니다. Please see the attached quotation.\r\n", 3000)
	blank := strings.Repeat(" \r\n", 3000) // 9 KB of nothing to show, then the text
	html := "<html><body>" + strings.Repeat("<div style=\"margin:0;padding:0\">&nbsp;</div>", 2000) + "<p>보이는 글은 여기부터</p>" + strings.Repeat("<p>회의록</p>", 8000) + "</body></html>"
	msgs = append(msgs,
		[]byte(crlf("Content-Type: text/plain; charset=utf-8", "", long)),
		[]byte(crlf("Content-Type: text/plain; charset=utf-8", "", blank+long)),
		[]byte(crlf("Content-Type: text/html; charset=utf-8", "", html)),
		[]byte(crlf("Content-Type: multipart/mixed; boundary=b", "",
			"--b", "Content-Type: text/plain; charset=utf-8", "", "짧은 첫 부분.",
			"--b", "Content-Type: text/plain; charset=utf-8", "", blank+long,
			"--b--")),
	)
	for i, raw := range msgs {
		for _, n := range []int{1, 200, 600} {
			m := Parse(raw)
			got := m.Preview(n)
			if want := wholePreview(Parse(raw), n); got != want {
				t.Fatalf("message %d, n %d: Preview = %q, from the long prefix %q", i, n, got, want)
			}
		}
	}
	// and the fall-through finds the text after the blank lines
	m := Parse([]byte(crlf("Content-Type: text/plain; charset=utf-8", "", blank+long)))
	if got := m.Preview(20); !strings.HasPrefix(got, "견적서를 보내드립니다.") {
		t.Fatalf("Preview after 9 KB of blank lines = %q", got)
	}
}

// BenchmarkPreview_longText measures the preview of a 200 KB Korean
// text/plain body:
//
//	go test ./internal/message -run '^$' -bench Preview
func BenchmarkPreview_longText(b *testing.B) {
	raw := []byte(crlf("Content-Type: text/plain; charset=utf-8", "", strings.Repeat("견적서를 보내드립니다. Please see the attached quotation.\r\n", 3000)))
	for b.Loop() {
		Parse(raw).Preview(200)
	}
}
