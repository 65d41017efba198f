package mail_test

import (
	"strings"
	"testing"

	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/search"
)

// TestIndexTextIsTheTermsJoinedAsStored checks the form IndexText hands
// the store, which both backends keep verbatim: each field's terms joined
// by single spaces, and a body cut at search.MaxIndexedText marked by
// search.CutTerm after one more space, even when the body has no terms,
// one indexed whole whose terms answer exactly (search.ExactText) by
// search.ExactTerm, the same way.
// (That the terms themselves are what they always were is proved in
// internal/search against the old tokenizer.)
func TestIndexTextIsTheTermsJoinedAsStored(t *testing.T) {
	head := "From: =?UTF-8?B?6rmA7LKg7IiY?= <Kim@Example.co.kr>\r\n" +
		"To: Lee <lee@example.com>, park@example.net\r\nCc: Choi <choi@x.kr>\r\n" +
		"Subject: =?UTF-8?B?6rKs7KCB7IScIOuztOuCtOuTnOumveuLiOuLpA==?= INV-2026\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"
	join := func(s string) string { return strings.Join(search.Tokens(s), " ") }
	for _, c := range []struct {
		name, body string
		cut        bool
		exact      bool // marked search.ExactTerm
	}{
		{"short", "견적서를 보내드립니다. See https://example.com/a?b=c\r\n", false, true},
		{"empty", "", false, true},
		{"folded by NFKC", "견적서를 ㉮나 보내드립니다\r\n", false, false},
		{"over the cap", strings.Repeat("견적서를 보내드립니다 invoice ", search.MaxIndexedText/40+100), true, false},
		{"over the cap without terms", strings.Repeat("-- ... !!! ", search.MaxIndexedText/10+100), true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := message.Parse([]byte(head + c.body))
			idx := mail.IndexText(m)
			if want := "견적 적서 서 보내 내드 드립 립니 니다 다 inv 2026"; idx.Subject != want {
				t.Errorf("Subject = %q, want %q", idx.Subject, want)
			}
			// The envelope's Sender is the From when the message has none
			// (RFC 3501), so the sender is indexed twice.
			if want := strings.Repeat(" 김철 철수 수 kim@example.co.kr kim example co kr", 2)[1:]; idx.From != want {
				t.Errorf("From = %q, want %q", idx.From, want)
			}
			if want := "lee lee@example.com lee example com park@example.net park example net choi choi@x.kr choi x kr"; idx.To != want {
				t.Errorf("To = %q, want %q", idx.To, want)
			}
			want := join(m.TextPrefix(search.MaxIndexedText))
			if c.cut {
				want += " " + search.CutTerm
			}
			if c.exact {
				want += " " + search.ExactTerm
			}
			if idx.Body != want {
				t.Errorf("Body: %d bytes ending %q, want %d bytes ending %q",
					len(idx.Body), idx.Body[max(0, len(idx.Body)-40):], len(want), want[max(0, len(want)-40):])
			}
			if c.name == "over the cap without terms" && idx.Body != " "+search.CutTerm {
				t.Errorf("Body = %q, want %q", idx.Body, " "+search.CutTerm)
			}
		})
	}
}
