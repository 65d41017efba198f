package bodypart

import (
	"reflect"
	"testing"

	"postroom/internal/imapd/wire"
)

// The RFC 3501 §7.4.2 / RFC 9051 §7.5.2 example, from its header.
func TestEnvelope_rfcExample(t *testing.T) {
	msg := crlf("Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\nFrom: Terry Gray <gray@cac.washington.edu>\n" +
		"Subject: IMAP4rev1 WG mtg summary and minutes\nTo: imap@cac.washington.edu\n" +
		"cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\n" +
		"Message-Id: <B27397-0100000@cac.washington.edu>\nMIME-Version: 1.0\n" +
		"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\n\nbody\n")
	want := `("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ` +
		`(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ` +
		`(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ` +
		`((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ` +
		`"<B27397-0100000@cac.washington.edu>")`
	if got := wireEnvelope(parse(t, msg).Envelope()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestEnvelope_fields(t *testing.T) {
	msg := "Date:  Thu, 15 Feb 2007 01:02:03 +0200\r\n" +
		"Subject: =?UTF-8?B?7ZWc6riA?= and\r\n folded\r\n" +
		"From: \"Kim, Minsu\" <minsu@example.kr>\r\n" +
		"Sender: sec@example.kr\r\n" +
		"Reply-To: \r\n" +
		"In-Reply-To: <a@b>\r\n <c@d>\r\n" +
		"Message-ID: <x@y>\r\n\r\n"
	e := parse(t, msg).Envelope()
	if e.Date != "Thu, 15 Feb 2007 01:02:03 +0200" {
		t.Errorf("Date = %q: the header's text as written (issue 17 item 9)", e.Date)
	}
	if e.Subject != "=?UTF-8?B?7ZWc6riA?= and folded" {
		t.Errorf("Subject = %q", e.Subject)
	}
	from := []wire.Address{{Name: "Kim, Minsu", Mailbox: "minsu", Host: "example.kr"}}
	if !reflect.DeepEqual(e.From, from) || !reflect.DeepEqual(e.ReplyTo, from) {
		t.Errorf("From %+v Reply-To %+v: an empty Reply-To defaults to From", e.From, e.ReplyTo)
	}
	if want := []wire.Address{{Mailbox: "sec", Host: "example.kr"}}; !reflect.DeepEqual(e.Sender, want) {
		t.Errorf("Sender = %+v", e.Sender)
	}
	if e.InReplyTo != "<a@b> <c@d>" || e.MessageID != "<x@y>" {
		t.Errorf("In-Reply-To %q Message-ID %q", e.InReplyTo, e.MessageID)
	}

	korean := "Subject: 한글 제목입니다\r\nFrom: 김철수 <kim@example.kr>\r\n\r\n"
	e = parse(t, korean).Envelope()
	if e.Subject != "한글 제목입니다" || e.From[0].Name != "김철수" {
		t.Errorf("8-bit header text must stay as is: %q %+v", e.Subject, e.From)
	}
	if e := parse(t, "\r\n").Envelope(); wireEnvelope(e) != `(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)` {
		t.Errorf("empty header: %s", wireEnvelope(e))
	}
}

func TestParseAddressList(t *testing.T) {
	a := func(name, adl, mbox, host string) wire.Address {
		return wire.Address{Name: name, Adl: adl, Mailbox: mbox, Host: host}
	}
	tests := []struct {
		in   string
		want []wire.Address
	}{
		{"", nil},
		{"user@example.com", []wire.Address{a("", "", "user", "example.com")}},
		{"John Doe <jdoe@machine.example>", []wire.Address{a("John Doe", "", "jdoe", "machine.example")}},
		{`"Joe Q. Public" <john.q.public@example.com>`, []wire.Address{a("Joe Q. Public", "", "john.q.public", "example.com")}},
		{"Joe Q. Public <john.q.public@example.com>", []wire.Address{a("Joe Q. Public", "", "john.q.public", "example.com")}},
		// RFC 5322 A.1.3: groups, with the RFC 3501 markers
		{"A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;", []wire.Address{
			a("", "", "A Group", ""), a("Ed Jones", "", "c", "a.test"), a("", "", "joe", "where.test"),
			a("John", "", "jdoe", "one.test"), {}}},
		{"Undisclosed recipients:;", []wire.Address{a("", "", "Undisclosed recipients", ""), {}}},
		{"g: a@b.c, d@e.f; , h@i.j", []wire.Address{a("", "", "g", ""), a("", "", "a", "b.c"), a("", "", "d", "e.f"), {}, a("", "", "h", "i.j")}},
		{"unterminated: a@b.c", []wire.Address{a("", "", "unterminated", ""), a("", "", "a", "b.c"), {}}},
		// comments inside the address (issue 17 item 8), RFC 5322 A.5
		{"<user-from (comment)@ (comment) domain.org>", []wire.Address{a("", "", "user-from", "domain.org")}},
		{"Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", []wire.Address{a("Pete", "", "pete", "silly.test")}},
		{"jdoe@example.org (John Doe), mary@x.test (Mary)", []wire.Address{a("John Doe", "", "jdoe", "example.org"), a("Mary", "", "mary", "x.test")}},
		// quoted local parts
		{`"john doe"@example.com`, []wire.Address{a("", "", "john doe", "example.com")}},
		{`<"a\"b"@example.com>`, []wire.Address{a("", "", `a"b`, "example.com")}},
		// obsolete route addresses (adl)
		{"Mary Smith <@node.test,@other.test:mary@example.net>", []wire.Address{a("Mary Smith", "@node.test,@other.test", "mary", "example.net")}},
		// obsolete empty list elements, domain literals
		{", ,a@[127.0.0.1],", []wire.Address{a("", "", "a", "[127.0.0.1]")}},
		// broken: no domain, null path
		{"postmaster", []wire.Address{a("", "", "postmaster", "MISSING_DOMAIN")}},
		{"<>", []wire.Address{a("", "", "MISSING_MAILBOX", "MISSING_DOMAIN")}},
		{"Name <a@b", []wire.Address{a("Name", "", "a", "b")}},
		// encoded words stay as written, 8-bit kept
		{"=?UTF-8?B?6rmA?= <kim@example.kr>", []wire.Address{a("=?UTF-8?B?6rmA?=", "", "kim", "example.kr")}},
		{"=?UTF-8?Q?J._Kim?=  \"x\" <j@k.kr>", []wire.Address{a("=?UTF-8?Q?J._Kim?= x", "", "j", "k.kr")}},
		{"John(middle)Doe <jd@x.test>", []wire.Address{a("John Doe", "", "jd", "x.test")}},
		{"홍길동 <hong@회사.kr>", []wire.Address{a("홍길동", "", "hong", "회사.kr")}},
	}
	for _, tt := range tests {
		if got := ParseAddressList(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseAddressList(%q)\ngot  %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}
