package message

import (
	"encoding/base64"
	"mime/quotedprintable"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

func TestPreviewAndText(t *testing.T) {
	eucB64 := base64.StdEncoding.EncodeToString(eucKRHello)
	tests := []struct {
		name    string
		raw     string
		n       int
		preview string
		text    string
	}{
		{
			name:    "plain text, whitespace collapsed",
			raw:     crlf("Subject: x", "", "  Hello,\t\tworld.", "", "Second   line.  "),
			n:       100,
			preview: "Hello, world. Second line.",
			text:    "  Hello,\t\tworld.\n\nSecond   line.  ",
		},
		{
			name:    "truncated to n runes, Korean counts runes not bytes",
			raw:     crlf("Content-Type: text/plain; charset=ks_c_5601-1987", "Content-Transfer-Encoding: base64", "", eucB64),
			n:       3,
			preview: "안녕하",
			text:    "안녕하세요",
		},
		{
			name: "alternative prefers text/plain",
			raw: crlf("Content-Type: multipart/alternative; boundary=a", "",
				"--a", "Content-Type: text/plain; charset=utf-8", "", "plain version",
				"--a", "Content-Type: text/html; charset=utf-8", "", "<p>html version</p>",
				"--a--"),
			n:       100,
			preview: "plain version",
			text:    "plain version",
		},
		{
			name: "html only is stripped",
			raw: crlf("Content-Type: text/html; charset=euc-kr", "",
				"<html><head><title>T</title><style>p{color:red}</style></head><body>"+
					"<p>"+string(eucKRHello)+"&nbsp;&amp; <b>bye</b></p><script>alert(1)</script>"+
					"<!-- hidden --><div>a &lt; b</div></body></html>"),
			n:       100,
			preview: "안녕하세요 & bye a < b",
			text:    "안녕하세요 & bye\n\na < b",
		},
		{
			name: "empty text/plain alternative does not hide the HTML",
			raw: crlf("Content-Type: multipart/alternative; boundary=a", "",
				"--a", "Content-Type: text/plain", "", "",
				"--a", "Content-Type: text/html", "", "<div>only html</div>",
				"--a--"),
			n:       100,
			preview: "only html",
			text:    "only html",
		},
		{
			name: "mixed: inline parts joined, attachments skipped",
			raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
				"--m", "Content-Type: text/plain", "", "first",
				"--m", "Content-Type: text/plain", "Content-Disposition: attachment; filename=notes.txt", "", "attached text",
				"--m", "Content-Type: text/plain", "", "second",
				"--m--"),
			n:       100,
			preview: "first second",
			text:    "first\n\nsecond",
		},
		{
			name:    "invisible padding removed from the preview",
			raw:     crlf("Content-Type: text/plain; charset=utf-8", "", "Sale\u200b\u200c\u00ad\ufeff now\u200b \u200b \u200b"),
			n:       100,
			preview: "Sale now",
			text:    "Sale\u200b\u200c\u00ad\ufeff now\u200b \u200b \u200b",
		},
		{
			name:    "no body",
			raw:     crlf("Subject: x", ""),
			n:       10,
			preview: "",
			text:    "",
		},
		{
			name:    "n of zero",
			raw:     crlf("", "text"),
			n:       0,
			preview: "",
			text:    "text",
		},
	}
	for _, tt := range tests {
		m := Parse([]byte(tt.raw))
		if got := m.Preview(tt.n); got != tt.preview {
			t.Errorf("%s: Preview(%d) = %q, want %q", tt.name, tt.n, got, tt.preview)
		}
		if got := m.Text(); got != tt.text {
			t.Errorf("%s: Text = %q, want %q", tt.name, got, tt.text)
		}
	}
}

func TestHasAttachment(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want int
	}{
		{"plain message", crlf("Subject: x", "", "hi"), 0},
		{"disposition attachment", crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "x", "--b", "Content-Disposition: attachment", "", "y", "--b--"), 1},
		{"non-text part with a name", crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "x", "--b", "Content-Type: image/jpeg; name=photo.jpg", "", "y", "--b--"), 1},
		{"non-text part without a name", crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "x", "--b", "Content-Type: image/jpeg", "", "y", "--b--"), 0},
		{"inline text with a filename", crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain; name=a.txt", "", "x", "--b--"), 0},
		{"unknown disposition is attachment (RFC 2183 §2.8)", crlf("Content-Disposition: x-weird", "", "x"), 1},
		{"attached message counts once", crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: message/rfc822", "Content-Disposition: attachment", "",
			"Content-Type: application/pdf; name=a.pdf", "", "%PDF", "--b--"), 1},
	}
	for _, tt := range tests {
		m := Parse([]byte(tt.raw))
		if got := len(m.Attachments()); got != tt.want {
			t.Errorf("%s: %d attachments, want %d", tt.name, got, tt.want)
		}
		if m.HasAttachment() != (tt.want > 0) {
			t.Errorf("%s: HasAttachment = %v", tt.name, m.HasAttachment())
		}
	}
}

// A picture the HTML body shows by cid: is drawn in the text, not listed
// as a file: it alone does not make a paperclip. One the body does not
// show, or one sent as Content-Disposition: attachment, is a file.
func TestFiles_embeddedPicturesAreNotFiles(t *testing.T) {
	related := func(html string, imgHeaders ...string) string {
		lines := []string{"Content-Type: multipart/related; boundary=r", "", "--r", "Content-Type: text/html; charset=utf-8", "", html,
			"--r", "Content-Type: image/png; name=logo.png"}
		lines = append(lines, imgHeaders...)
		return crlf(append(lines, "Content-Transfer-Encoding: base64", "", "iVBORw0KGgo=", "--r--")...)
	}
	tests := []struct {
		name  string
		raw   string
		files int
	}{
		{"inline picture shown by cid", related(`<p>안녕</p><img src="cid:logo@x">`, "Content-ID: <logo@x>", "Content-Disposition: inline"), 0},
		{"cid in upper case, in CSS", related(`<div style="background:url(CID:logo@x)">x</div>`, "Content-ID: <logo@x>"), 0},
		{"percent-encoded cid", related(`<img src="cid:logo%40x">`, "Content-ID: <logo@x>"), 0},
		{"picture the body does not show", related(`<p>no image</p>`, "Content-ID: <logo@x>", "Content-Disposition: inline"), 1},
		{"picture sent as an attachment", related(`<img src="cid:logo@x">`, "Content-ID: <logo@x>", "Content-Disposition: attachment"), 1},
		{"text only, picture with a cid", crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "", "cid:logo@x",
			"--b", "Content-Type: image/png; name=logo.png", "Content-ID: <logo@x>", "", "x", "--b--"), 1},
	}
	for _, tt := range tests {
		m := Parse([]byte(tt.raw))
		if got := len(m.Files()); got != tt.files {
			t.Errorf("%s: %d files, want %d", tt.name, got, tt.files)
		}
		if m.HasAttachment() != (tt.files > 0) {
			t.Errorf("%s: HasAttachment = %v, want %v", tt.name, m.HasAttachment(), tt.files > 0)
		}
		if len(m.Attachments()) != 1 {
			t.Errorf("%s: Attachments lists %d parts, want the picture (1): downloads keep their index", tt.name, len(m.Attachments()))
		}
	}
}

// TextPrefix is the start of Text, decoded from no more of a large body
// than it needs: the same characters, in every transfer encoding and
// charset, cut at a character boundary.
func TestTextPrefix_isTheStartOfTextWhateverTheEncoding(t *testing.T) {
	line := "안녕하세요 견적서를 보내드립니다. Quote attached.\r\n"
	body := strings.Repeat(line, 20000) // ~1.1 MB
	euckr, err := korean.EUCKR.NewEncoder().String(body)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"8bit utf-8":   "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body,
		"base64 utf-8": "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrap76(base64.StdEncoding.EncodeToString([]byte(body))),
		"qp utf-8":     "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qpEncode(body),
		"8bit euc-kr":  "Content-Type: text/plain; charset=euc-kr\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + euckr,
		"no charset":   "Content-Type: text/plain\r\n\r\n" + body,
		"html":         "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>" + strings.ReplaceAll(body, "\r\n", "</p><p>") + "</p></body></html>",
	}
	for name, raw := range cases {
		m := Parse([]byte("From: a@b.test\r\nSubject: x\r\nMIME-Version: 1.0\r\n" + raw))
		full := m.Text()
		for _, n := range []int{1, 100, 4096, 100000} {
			got := m.TextPrefix(n)
			if len(got) > n || !utf8.ValidString(got) || !strings.HasPrefix(full, got) || len(got) < n-4 {
				t.Errorf("%s: TextPrefix(%d) is %d bytes, not the start of Text (%q...)", name, n, len(got), got[:min(len(got), 40)])
			}
		}
	}
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return b.String() + s + "\r\n"
}

func qpEncode(s string) string {
	var b strings.Builder
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// A delivery renders a message's text for its preview and again for its
// word index: Parse's Message renders it once, and the preview of a small
// message is made from that same text.
func TestText_renderedOnceForPreviewAndIndex(t *testing.T) {
	raw := crlf("Content-Type: multipart/alternative; boundary=a", "",
		"--a", "Content-Type: text/plain; charset=utf-8", "", "첫 줄입니다.", "", "둘째 줄.",
		"--a", "Content-Type: text/html; charset=utf-8", "", "<p>html version</p>",
		"--a--")
	m := Parse([]byte(raw))
	fresh := &Message{Header: m.Header, Root: m.Root} // not made by Parse: renders each time
	if got, want := m.Preview(100), fresh.Preview(100); got != want || got != "첫 줄입니다. 둘째 줄." {
		t.Fatalf("Preview = %q, want %q as rendered without the kept text", got, want)
	}
	want := fresh.Text()
	m.Root = nil // what Text renders now would be nothing
	if got := m.Text(); got != want {
		t.Errorf("Text after Preview = %q, want the text kept from the first rendering, %q", got, want)
	}
	if got := fresh.TextRawSize(); got != len("첫 줄입니다.\r\n\r\n둘째 줄.")+len("<p>html version</p>") {
		t.Errorf("TextRawSize = %d, want the raw bodies of both alternatives", got)
	}
}
