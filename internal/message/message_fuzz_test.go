package message

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"postroom/internal/store"
)

// FuzzParse checks that Parse never panics, that every part's offsets lie
// within the message and within its parent, that the raw bytes are left
// alone, and that everything returned as text is valid UTF-8.
func FuzzParse(f *testing.F) {
	f.Add([]byte(koreanMixed()))
	f.Add([]byte("Subject: x\n\nbody"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--b--\r\n"))
	f.Add([]byte("Content-Type: text/plain; charset=iso-2022-kr\r\nContent-Disposition: attachment; filename*0*=euc-kr''%B0; filename*1*=%DF.txt\r\n\r\n" + string(iso2022KRHello)))
	f.Add([]byte("From: Team: a@x, \"b\" <b@y>;, =?utf-8?B?6rmA?= <k@z>\r\nDate: Tue, 2 Jan 2024 15:04:05 +0900\r\nReferences: <a@x> <b@x>\r\n\r\n"))
	f.Add([]byte("Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>a=3Db=\r\n</p><script>x"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		orig := bytes.Clone(raw)
		m := Parse(raw)
		if m == nil || m.Root == nil {
			t.Fatal("nil message or root")
		}
		checkOffsets(t, raw, m)
		env := m.Envelope()
		for _, s := range []string{env.Subject, env.MessageID, env.InReplyTo, m.Text(), m.Preview(50)} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
		}
		for _, list := range [][]store.Address{env.From, env.Sender, env.ReplyTo, env.To, env.Cc, env.Bcc} {
			for _, a := range list {
				if !utf8.ValidString(a.Name) || !utf8.ValidString(a.Addr) {
					t.Fatalf("invalid UTF-8 address: %+v", a)
				}
			}
		}
		for _, id := range m.References() {
			if !utf8.ValidString(id) {
				t.Fatalf("invalid UTF-8 reference: %q", id)
			}
		}
		if r := []rune(m.Preview(50)); len(r) > 50 {
			t.Fatalf("preview of %d runes", len(r))
		}
		for _, n := range []int{1, 7, 64} {
			if p := m.TextPrefix(n); len(p) > n || !utf8.ValidString(p) {
				t.Fatalf("TextPrefix(%d) = %q", n, p)
			}
		}
		m.Root.Walk(func(p *Part) bool {
			_ = p.Body()
			if s, _ := p.Text(); !utf8.ValidString(s) {
				t.Fatalf("part text invalid UTF-8: %q", s)
			}
			if !utf8.ValidString(p.Filename()) {
				t.Fatalf("filename invalid UTF-8: %q", p.Filename())
			}
			return true
		})
		_ = m.Attachments()
		if !bytes.Equal(raw, orig) {
			t.Fatal("raw message modified")
		}
	})
}

// FuzzDecodeHeader checks that DecodeHeader never panics, always returns
// valid UTF-8, and leaves input without encoded words or 8-bit bytes as it
// is.
func FuzzDecodeHeader(f *testing.F) {
	for _, s := range []string{
		"=?ks_c_5601-1987?B?sN/A+7ytIL/kw7s=?=",
		"=?utf-8?Q?a?= =?utf-8?Q?b?=",
		"=?iso-2022-kr?B?GyQpQw5IOEBHDw==?=",
		"=?UTF-8?B?7JWI6w==?==?UTF-8?B?hZXtlZjshLjsmpQ=?=",
		"Re: " + string(eucKRHello),
		"=?x?Q?=?=",
		"plain",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := DecodeHeader(s)
		if !utf8.ValidString(got) {
			t.Fatalf("DecodeHeader(%q) = %q: invalid UTF-8", s, got)
		}
		plain := true
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 || s[i] == 0x1b {
				plain = false
			}
		}
		if plain && !bytes.Contains([]byte(s), []byte("=?")) && got != s {
			t.Fatalf("DecodeHeader(%q) = %q, want unchanged", s, got)
		}
	})
}
