package compose

import (
	"strings"
	"testing"

	"postroom/internal/message"
	"postroom/internal/store"
)

// fieldNames are the header fields of a message Build writes for a text
// body without options: nothing typed by the user may add another.
var fieldNames = "Date From To Subject Message-ID MIME-Version Content-Type Content-Transfer-Encoding"

// checkHeader parses what Build wrote and checks that it has exactly the
// expected fields, each line short enough for SMTP, no bare CR or LF.
func checkHeader(t *testing.T, raw []byte) *message.Message {
	t.Helper()
	p := message.Parse(raw)
	var names []string
	for _, f := range p.Header.Fields() {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, " "); got != fieldNames {
		t.Fatalf("header fields %q, want %q:\n%s", got, fieldNames, raw)
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if len(line) > 998 || strings.ContainsAny(line, "\r\n") {
			t.Fatalf("bad header line %q", line)
		}
	}
	return p
}

// FuzzParseAddress checks that an address the parser accepts is written
// into a message that gives it back exactly and adds no header field, and
// that CR or LF is always refused as header injection.
func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"kim@example.co.kr", "김철수 <kim@example.co.kr>", `"Kim, Minsu" <kim@example.co.kr>`,
		"'Kim' <k@x.kr>", `"a\"b" <a@b.cd>`, "홍길동@회사.한국", "a@b.cd\r\nBcc: x@y.z", "=?utf-8?B?6rmA?= <k@z.kr>",
		`"x\\" <a@b.cd>`, "a (b) <c@d.ef>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress("to", s)
		if strings.ContainsAny(s, "\r\n") {
			if !isCode(err, CodeHeaderInjection) {
				t.Fatalf("ParseAddress(%q) = %+v, %v; want header_injection", s, a, err)
			}
			return
		}
		if err != nil {
			return
		}
		m, err := Build(&Draft{From: kim, To: []store.Address{a}, Subject: "x"})
		if err != nil {
			t.Fatalf("Build refused the accepted address %+v: %v", a, err)
		}
		p := checkHeader(t, m.Raw)
		if got := p.Envelope().To; len(got) != 1 || got[0] != a {
			t.Fatalf("address %+v came back as %+v from:\n%s", a, got, m.Raw)
		}
	})
}

// FuzzSubject checks that a subject either is refused with a code or comes
// back from the written message as it was typed, adding no header field.
func FuzzSubject(f *testing.F) {
	for _, s := range []string{"견적서", "Re: 회의 =?utf-8?q?x?=", "a\r\nBcc: x@y.z", strings.Repeat("가", 100),
		strings.Repeat("x", 200), "tab\there", "  spaced   out  ", "\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Build(&Draft{From: kim, To: []store.Address{{Addr: "lee@remote.test"}}, Subject: s})
		switch {
		case strings.ContainsAny(s, "\r\n"):
			if !isCode(err, CodeHeaderInjection) {
				t.Fatalf("Build with subject %q: %v; want header_injection", s, err)
			}
			return
		case err != nil:
			if !isCode(err, CodeInvalidCharacters) && !isCode(err, CodeTooLong) {
				t.Fatalf("Build with subject %q: %v", s, err)
			}
			return
		}
		p := checkHeader(t, m.Raw)
		if got := p.Envelope().Subject; got != strings.TrimSpace(s) {
			t.Fatalf("subject %q came back as %q from:\n%s", s, got, m.Raw)
		}
	})
}
