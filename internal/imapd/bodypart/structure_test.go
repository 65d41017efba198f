package bodypart

import (
	"strings"
	"testing"
)

func TestStructure(t *testing.T) {
	tests := []struct {
		name, msg string
		body      string // BODY (not extended)
		ext       string // BODYSTRUCTURE, when checked
	}{
		{
			name: "no content-type: RFC 2045 defaults",
			msg:  crlf("Subject: x\n\nhello\nworld\n"),
			body: `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 14 2)`,
			ext:  `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 14 2 NIL NIL NIL NIL)`,
		},
		{
			name: "last line without line break counts",
			msg:  crlf("Subject: x\n\nhello\nworld"),
			body: `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 12 2)`,
		},
		{
			name: "bare LF line ends",
			msg:  "Content-Type: text/plain; charset=utf-8\n\nhello\nworld\n",
			body: `("text" "plain" ("charset" "utf-8") NIL NIL "7BIT" 12 2)`,
		},
		{
			name: "bare LF multipart",
			msg:  "Content-Type: multipart/alternative; boundary=b\n\n--b\n\none\n\n--b\nContent-Type: text/html\n\n<b>two</b>\n--b--\n",
			body: `(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 4 1)("text" "html" NIL NIL NIL "7BIT" 10 1) "alternative")`,
		},
		{
			name: "empty body",
			msg:  crlf("Subject: x\n\n"),
			body: `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)`,
		},
		{
			name: "header only, no empty line",
			msg:  crlf("Subject: x\nFrom: a@b\n"),
			body: `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)`,
		},
		{
			name: "empty message",
			msg:  "",
			body: `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)`,
		},
		{
			name: "unreadable content-type is text/plain",
			msg:  crlf("Content-Type: ???\n\nx\n"),
			body: `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3 1)`,
		},
		{
			name: "extension data: md5, disposition with params, languages, location, RFC 2231 as written",
			msg: crlf("Content-Type: application/pdf; name*0*=utf-8''%EA%B2%AC; name*1=\"jeok.pdf\"\n" +
				"Content-Transfer-Encoding: base64\nContent-ID: <id1@x>\nContent-Description: the quote\n" +
				"Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n" +
				"Content-Disposition: attachment; filename=\"a b.pdf\"; size=4 (comment)\n" +
				"Content-Language: ko, en-US\nContent-Location: http://example.com/\n a.pdf\n\nQUJD\n"),
			body: `("application" "pdf" ("name*0*" "utf-8''%EA%B2%AC" "name*1" "jeok.pdf") "<id1@x>" "the quote" "base64" 6)`,
			ext: `("application" "pdf" ("name*0*" "utf-8''%EA%B2%AC" "name*1" "jeok.pdf") "<id1@x>" "the quote" "base64" 6 ` +
				`"Q2hlY2sgSW50ZWdyaXR5IQ==" ("attachment" ("filename" "a b.pdf" "size" "4")) ("ko" "en-US") "http://example.com/a.pdf")`,
		},
		{
			name: "multipart with preamble and epilogue",
			msg: crlf("Content-Type: multipart/mixed; boundary=\"b1\"\n\npreamble\n--b1\n\npart one\n--b1\n" +
				"Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n<p>x</p>\n\n--b1--\nepilogue\n"),
			body: `(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 8 1)("text" "html" ("charset" "UTF-8") NIL NIL "quoted-printable" 10 1) "mixed")`,
			ext: `(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 8 1 NIL NIL NIL NIL)` +
				`("text" "html" ("charset" "UTF-8") NIL NIL "quoted-printable" 10 1 NIL NIL NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL)`,
		},
		{
			name: "missing final boundary",
			msg:  crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n"),
			body: `(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3 1)("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 1) "mixed")`,
		},
		{
			name: "multipart without boundary is text",
			msg:  crlf("Content-Type: multipart/mixed\n\n--b\n\none\n"),
			body: `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 12 3)`,
		},
		{
			name: "multipart without parts is text",
			msg:  crlf("Content-Type: multipart/mixed; boundary=zz\n\nno parts here\n"),
			body: `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 15 1)`,
		},
		{
			name: "boundary prefix of a longer line is no boundary",
			msg:  crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bb\n--b--\n"),
			body: `(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 4 1) "mixed")`,
		},
		{
			name: "NULs and 8-bit in a body",
			msg:  "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\x00a\x00\r\n한글\r\n",
			body: `("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 13 2)`,
		},
		{
			name: "message/rfc822 with envelope and body",
			msg: crlf("Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: message/rfc822\n\n" +
				"Subject: inner\nFrom: A <a@b.c>\n\nhi\n--o--\n"),
			body: `(("message" "rfc822" NIL NIL NIL "7BIT" 37 (NIL "inner" (("A" NIL "a" "b.c")) (("A" NIL "a" "b.c")) (("A" NIL "a" "b.c")) NIL NIL NIL NIL NIL) ` +
				`("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2 1) 4) "mixed")`,
		},
		{
			name: "digest parts default to message/rfc822",
			msg:  crlf("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: s\n\nbody\n--d--\n"),
			body: `(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 18 (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL) ` +
				`("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 4 1) 3) "digest")`,
		},
		{
			// clients read an envelope and a body after MESSAGE/RFC822
			name: "base64 message/rfc822 is opaque",
			msg:  crlf("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeAoKeQo=\n"),
			body: `("message" "rfc822" NIL NIL NIL "base64" 22 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ` +
				`("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "base64" 22 1) 1)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := parse(t, tt.msg)
			if got := wireBody(root, false); got != tt.body {
				t.Errorf("BODY\ngot  %s\nwant %s", got, tt.body)
			}
			if tt.ext != "" {
				if got := wireBody(root, true); got != tt.ext {
					t.Errorf("BODYSTRUCTURE\ngot  %s\nwant %s", got, tt.ext)
				}
			}
		})
	}
}

// The BODY example of RFC 3501 §7.4.2 / RFC 9051 §7.5.2, rebuilt as a
// message with the same sizes and line counts.
func TestStructure_rfcExample(t *testing.T) {
	var b strings.Builder
	b.WriteString("Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: MULTIPART/MIXED; BOUNDARY=\"rfc\"\r\n\r\n--rfc\r\n" +
		"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n")
	b.WriteString(strings.Repeat(strings.Repeat("t", 48)+"\r\n", 22) + strings.Repeat("t", 52)) // 1152 octets, 23 lines
	b.WriteString("\r\n--rfc\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\r\n" +
		"Content-ID: <960723163407.20117h@cac.washington.edu>\r\nContent-Description: Compiler diff\r\n" +
		"Content-Transfer-Encoding: BASE64\r\n\r\n")
	b.WriteString(strings.Repeat(strings.Repeat("A", 60)+"\r\n", 72) + strings.Repeat("A", 90)) // 4554 octets, 73 lines
	b.WriteString("\r\n--rfc--\r\n")
	want := `(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") ` +
		`"<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")`
	if got := wireBody(parse(t, b.String()), false); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// The single-part example: ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)
	msg := "Subject: y\r\n\r\n" + strings.Repeat(strings.Repeat("u", 30)+"\r\n", 91) + strings.Repeat("u", 3028-91*32)
	if got, want := wireBody(parse(t, msg), false), `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
