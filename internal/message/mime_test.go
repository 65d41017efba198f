package message

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// crlf joins lines with CRLF, the way messages travel.
func crlf(lines ...string) string { return strings.Join(lines, "\r\n") }

// checkOffsets verifies the offset invariants of every part.
func checkOffsets(t testing.TB, raw []byte, m *Message) {
	t.Helper()
	var walk func(p *Part, lo, hi int)
	walk = func(p *Part, lo, hi int) {
		if !(lo <= p.HeaderStart && p.HeaderStart <= p.BodyStart && p.BodyStart <= p.End && p.End <= hi) {
			t.Fatalf("part offsets %d/%d/%d outside [%d,%d] (len %d)", p.HeaderStart, p.BodyStart, p.End, lo, hi, len(raw))
		}
		for _, c := range p.Children {
			walk(c, p.BodyStart, p.End)
		}
	}
	walk(m.Root, 0, len(raw))
}

// koreanMixed is a multipart/mixed message as a Korean Outlook sends it:
// a text body in ks_c_5601-1987 and an attachment whose name is given
// three ways.
func koreanMixed() string {
	body := base64.StdEncoding.EncodeToString(eucKRHello)
	return crlf(
		"From: =?ks_c_5601-1987?B?sei5zrz2?= <minsu@example.kr>",
		"Subject: =?ks_c_5601-1987?B?sN/A+7ytIL/kw7s=?=",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="----=_NextPart_000_0001_01DA.1234"`,
		"",
		"This is a multi-part message in MIME format.",
		"",
		"------=_NextPart_000_0001_01DA.1234",
		`Content-Type: text/plain; charset="ks_c_5601-1987"`,
		"Content-Transfer-Encoding: base64",
		"",
		body,
		"",
		"------=_NextPart_000_0001_01DA.1234",
		`Content-Type: application/octet-stream; name="=?ks_c_5601-1987?B?w7e6zsbEwM8uaHdw?="`,
		"Content-Transfer-Encoding: base64",
		"Content-Disposition: attachment;",
		"\tfilename*0*=ks_c_5601-1987''%C3%B7%BA%CE%C6%C4; filename*1*=%C0%CF.hwp",
		"",
		"AAECAwQ=",
		"",
		"------=_NextPart_000_0001_01DA.1234--",
		"epilogue",
		"",
	)
}

func TestParse_multipartMixedWithKoreanAttachment(t *testing.T) {
	raw := []byte(koreanMixed())
	m := Parse(raw)
	checkOffsets(t, raw, m)
	if len(m.Problems) != 0 {
		t.Errorf("problems: %q", m.Problems)
	}
	root := m.Root
	if root.ContentType != "multipart/mixed" || len(root.Children) != 2 {
		t.Fatalf("root %s with %d children", root.ContentType, len(root.Children))
	}
	text, att := root.Children[0], root.Children[1]
	if got, err := text.Text(); err != nil || got != "안녕하세요" {
		t.Errorf("text part = %q, %v", got, err)
	}
	if text.Charset() != "ks_c_5601-1987" || text.Encoding != "base64" {
		t.Errorf("charset %q encoding %q", text.Charset(), text.Encoding)
	}
	if att.Filename() != "첨부파일.hwp" || att.Params["name"] != "첨부파일.hwp" || att.Disposition != "attachment" {
		t.Errorf("attachment filename %q name %q disposition %q", att.Filename(), att.Params["name"], att.Disposition)
	}
	if !bytes.Equal(att.Body(), []byte{0, 1, 2, 3, 4}) {
		t.Errorf("attachment body % X", att.Body())
	}
	if !m.HasAttachment() || len(m.Attachments()) != 1 || m.Attachments()[0] != att {
		t.Errorf("HasAttachment %v, Attachments %v", m.HasAttachment(), m.Attachments())
	}
	if m.Text() != "안녕하세요" {
		t.Errorf("Text = %q", m.Text())
	}
	// RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter.
	if got := string(att.RawBody()); got != "AAECAwQ=\r\n" {
		t.Errorf("attachment raw body %q", got)
	}
	if got := string(raw[att.HeaderStart:att.BodyStart]); !strings.HasPrefix(got, "Content-Type: application/octet-stream") || !strings.HasSuffix(got, "\r\n\r\n") {
		t.Errorf("attachment header bytes %q", got)
	}
	if att.Size() != len("AAECAwQ=\r\n") || att.Lines() != 1 {
		t.Errorf("size %d lines %d", att.Size(), att.Lines())
	}
}

func TestParse_structure(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		tree     string // ContentType tree, children in parentheses
		problems int
	}{
		{
			name: "single part",
			raw:  crlf("Subject: x", "", "hello"),
			tree: "text/plain",
		},
		{
			name: "no body",
			raw:  crlf("Subject: x", "From: a@b", ""),
			tree: "text/plain",
		},
		{
			name: "bare LF multipart",
			raw:  "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nplain\n--b\nContent-Type: text/html\n\n<p>html</p>\n--b--\n",
			tree: "multipart/alternative(text/plain text/html)",
		},
		{
			name: "nested multiparts",
			raw: crlf(
				"Content-Type: multipart/mixed; boundary=outer",
				"",
				"--outer",
				"Content-Type: multipart/alternative; boundary=inner",
				"",
				"--inner",
				"Content-Type: text/plain",
				"",
				"p",
				"--inner",
				"Content-Type: multipart/related; boundary=\"inner2\"",
				"",
				"--inner2",
				"Content-Type: text/html",
				"",
				"<b>h</b>",
				"--inner2",
				"Content-Type: image/png; name=logo.png",
				"Content-ID: <logo>",
				"",
				"iVBORw0KGgo=",
				"--inner2--",
				"--inner--",
				"--outer",
				"Content-Type: application/pdf",
				"Content-Disposition: attachment; filename=a.pdf",
				"",
				"JVBERi0=",
				"--outer--",
			),
			tree: "multipart/mixed(multipart/alternative(text/plain multipart/related(text/html image/png)) application/pdf)",
		},
		{
			name:     "missing final boundary",
			raw:      crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "one", "--b", "", "two"),
			tree:     "multipart/mixed(text/plain text/plain)",
			problems: 1,
		},
		{
			name:     "no boundary parameter",
			raw:      crlf("Content-Type: multipart/mixed", "", "body"),
			tree:     "text/plain",
			problems: 1,
		},
		{
			name:     "boundary never appears",
			raw:      crlf("Content-Type: multipart/mixed; boundary=b", "", "just text"),
			tree:     "multipart/mixed(text/plain)",
			problems: 1,
		},
		{
			name: "boundary prefix of a longer line is not a delimiter",
			raw:  crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "--bb is text", "--b  ", "", "two", "--b--"),
			tree: "multipart/mixed(text/plain text/plain)",
		},
		{
			name: "boundary with odd characters",
			raw:  crlf(`Content-Type: multipart/mixed; boundary="=_(odd) +,./:=?"`, "", "--=_(odd) +,./:=?", "", "x", "--=_(odd) +,./:=?--"),
			tree: "multipart/mixed(text/plain)",
		},
		{
			name: "digest children default to message/rfc822",
			raw:  crlf("Content-Type: multipart/digest; boundary=d", "", "--d", "", "Subject: inner", "", "hi", "--d--"),
			tree: "multipart/digest(message/rfc822(text/plain))",
		},
		{
			name: "message/rfc822 nested",
			raw: crlf(
				"Content-Type: multipart/mixed; boundary=m",
				"",
				"--m",
				"Content-Type: text/plain",
				"",
				"see attached",
				"--m",
				"Content-Type: message/rfc822",
				"",
				"Subject: =?utf-8?B?7JWI64WV?=",
				"Content-Type: multipart/alternative; boundary=n",
				"",
				"--n",
				"Content-Type: text/plain",
				"",
				"inner",
				"--n--",
				"--m--",
			),
			tree: "multipart/mixed(text/plain message/rfc822(multipart/alternative(text/plain)))",
		},
		{
			name:     "base64 message/rfc822 is not parsed",
			raw:      crlf("Content-Type: message/rfc822", "Content-Transfer-Encoding: base64", "", "U3ViamVjdDogeA0KDQp5"),
			tree:     "message/rfc822",
			problems: 1,
		},
		{
			name:     "invalid Content-Type",
			raw:      crlf("Content-Type: garbage", "", "x"),
			tree:     "text/plain",
			problems: 1,
		},
	}
	for _, tt := range tests {
		raw := []byte(tt.raw)
		m := Parse(raw)
		checkOffsets(t, raw, m)
		if got := treeString(m.Root); got != tt.tree {
			t.Errorf("%s: tree %s, want %s", tt.name, got, tt.tree)
		}
		if len(m.Problems) != tt.problems {
			t.Errorf("%s: problems %q, want %d", tt.name, m.Problems, tt.problems)
		}
	}
}

func treeString(p *Part) string {
	if len(p.Children) == 0 {
		return p.ContentType
	}
	var cs []string
	for _, c := range p.Children {
		cs = append(cs, treeString(c))
	}
	return p.ContentType + "(" + strings.Join(cs, " ") + ")"
}

func TestParse_messageRFC822_innerEnvelope(t *testing.T) {
	raw := []byte(crlf(
		"Subject: fwd",
		"Content-Type: multipart/mixed; boundary=m",
		"",
		"--m",
		"Content-Type: message/rfc822",
		"",
		"From: =?euc-kr?B?sei5zrz2?= <minsu@example.kr>",
		"Subject: =?utf-8?B?7JWI64WV?=",
		"",
		"inner body",
		"--m--",
	))
	m := Parse(raw)
	msg := m.Root.Children[0]
	if len(msg.Children) != 1 {
		t.Fatalf("message/rfc822 children: %d", len(msg.Children))
	}
	inner := msg.Children[0]
	env := inner.Header.Envelope()
	if env.Subject != "안녕" || len(env.From) != 1 || env.From[0].Name != "김민수" {
		t.Errorf("inner envelope %+v", env)
	}
	if string(raw[inner.BodyStart:inner.End]) != "inner body" || inner.HeaderStart != msg.BodyStart || inner.End != msg.End {
		t.Errorf("inner offsets %d/%d/%d in %d/%d", inner.HeaderStart, inner.BodyStart, inner.End, msg.BodyStart, msg.End)
	}
	if msg.Lines() != 4 {
		t.Errorf("message/rfc822 lines = %d", msg.Lines())
	}
	if got := m.Text(); got != "inner body" {
		t.Errorf("Text = %q", got)
	}
}

func TestPart_Body_transferEncodings(t *testing.T) {
	tests := []struct {
		name     string
		encoding string
		body     string
		want     string
	}{
		{"7bit as is", "7bit", "abc\r\n", "abc\r\n"},
		{"8bit as is", "8BIT", string(eucKRHello), string(eucKRHello)},
		{"binary as is", "binary", "\x00\xff", "\x00\xff"},
		{"unknown encoding as is", "x-uuencode", "begin 644", "begin 644"},
		{"base64 with line breaks", "base64", "7JWI64WV\r\n7ZWY7IS4\r\n7JqU\r\n", "안녕하세요"},
		{"base64 missing padding", "base64", "7JWI64WV7ZWY7IS47JqU7A", "안녕하세요\xec"},
		{"broken base64: junk skipped", "base64", "7JWI!!64WV\r\n***\r\n", "안녕"},
		{"broken base64: concatenated blobs", "base64", "YQ==YmM=", "abc"},
		{"broken base64: truncated group", "base64", "YWJjZ", "abc"},
		{"quoted-printable soft breaks", "quoted-printable", "caf=C3=A9 =\r\nau lait=\r\n\r\nnext", "café au lait\r\nnext"},
		{"quoted-printable lower-case hex and bad escapes", "quoted-printable", "=c3=a9 100% =ZZ =", "é 100% =ZZ "},
		{"quoted-printable trailing whitespace removed", "quoted-printable", "a  \nb\t=  \nc", "a\nb\tc"},
		{"quoted-printable CP949", "quoted-printable", "=BE=C8=B3=E7", string(eucKRHello[:4])},
	}
	for _, tt := range tests {
		raw := []byte(crlf("Content-Transfer-Encoding: "+tt.encoding, "", tt.body))
		p := Parse(raw).Root
		if got := string(p.Body()); got != tt.want {
			t.Errorf("%s: Body = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPart_Text_charsets(t *testing.T) {
	tests := []struct {
		name  string
		ctype string
		body  string
		want  string
	}{
		{"ks_c_5601-1987 8bit", "text/plain; charset=ks_c_5601-1987", string(eucKRHello), "안녕하세요"},
		{"iso-2022-kr 7bit", "text/plain; charset=ISO-2022-KR", string(iso2022KRHello), "안녕하세요"},
		{"unknown charset, Korean bytes", "text/plain; charset=x-mystery", string(cp949Ttom), "똠방각하"},
		{"unknown charset, UTF-8 bytes", "text/plain; charset=x-mystery", "안녕", "안녕"},
		{"unknown charset, Latin-1", "text/plain; charset=x-mystery", "na\xefve", "naïve"},
		{"no charset, UTF-8", "text/plain", "안녕", "안녕"},
		{"CRLF to LF", "text/plain", "a\r\nb\r\n", "a\nb\n"},
		{"HTML meta charset", "text/html", `<meta charset="euc-kr">` + string(eucKRHello), `<meta charset="euc-kr">안녕하세요`},
	}
	for _, tt := range tests {
		p := Parse([]byte(crlf("Content-Type: "+tt.ctype, "", tt.body))).Root
		got, err := p.Text()
		if err != nil || got != tt.want {
			t.Errorf("%s: Text = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	mp := Parse([]byte(crlf("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "x", "--b--"))).Root
	if _, err := mp.Text(); err != ErrNotText {
		t.Errorf("multipart Text error = %v", err)
	}
}

func TestParse_limits(t *testing.T) {
	// Nesting deeper than maxDepth stops being parsed, without recursion
	// trouble.
	var b strings.Builder
	depth := maxDepth + 20
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("\r\ndeep\r\n")
	raw := []byte(b.String())
	m := Parse(raw)
	checkOffsets(t, raw, m)
	levels := 0
	for p := m.Root; len(p.Children) > 0; p = p.Children[0] {
		levels++
	}
	if levels > maxDepth || len(m.Problems) == 0 {
		t.Errorf("levels %d, problems %d", levels, len(m.Problems))
	}

	// More parts than maxParts.
	b.Reset()
	b.WriteString("Content-Type: multipart/mixed; boundary=x\r\n\r\n")
	for i := 0; i < maxParts+10; i++ {
		b.WriteString("--x\r\n\r\np\r\n")
	}
	raw = []byte(b.String())
	m = Parse(raw)
	checkOffsets(t, raw, m)
	count := 0
	m.Root.Walk(func(*Part) bool { count++; return true })
	if count > maxParts || len(m.Problems) == 0 {
		t.Errorf("parts %d, problems %q", count, m.Problems)
	}
}

func TestParse_rawUntouched(t *testing.T) {
	raw := []byte(koreanMixed())
	orig := append([]byte(nil), raw...)
	m := Parse(raw)
	_ = m.Text()
	_ = m.Envelope()
	for _, a := range m.Attachments() {
		_ = a.Body()
	}
	if !bytes.Equal(raw, orig) {
		t.Fatal("Parse modified the raw message")
	}
}
