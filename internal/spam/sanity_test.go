package spam

import (
	"reflect"
	"strings"
	"testing"

	"postroom/internal/message"
)

// ours hosts example.test (and nothing else).
func ours(d string) bool { return d == "example.test" }

const wellFormed = "Date: Sat, 05 Dec 2026 10:00:00 +0900\r\nMessage-ID: <a1@mail.example.test>\r\n"

func sanityCodes(in SanityInput) []string {
	var out []string
	for _, s := range HeaderSanity(in) {
		out = append(out, s.Reason.String())
	}
	return out
}

// A sender in our own domain from the internet is forged unless DKIM of
// that domain or SPF of it passed; other domains are not our business
// here (DMARC judges them); without an answer of the checks (none ran,
// DNS failed) nobody is accused.
func TestHeaderSanity_forgedOwnDomain(t *testing.T) {
	msg := message.Parse([]byte("From: 대표이사 <ceo@example.test>\r\n" + wellFormed + "Subject: 송금 요청\r\n\r\n급히 송금 부탁합니다.\r\n"))
	other := message.Parse([]byte("From: x@remote.test\r\n" + wellFormed + "\r\nhi\r\n"))
	auth := func(spf, spfDomain, dmarc string, dkim ...DKIMResult) *AuthResults {
		return &AuthResults{SPF: spf, SPFDomain: spfDomain, SPFScope: ScopeMailFrom, DKIM: dkim, DMARC: dmarc, FromDomain: "example.test"}
	}
	helo := auth(Pass, "example.test", None)
	helo.SPFScope = ScopeHelo
	forged := []string{"forged-sender:example.test"}
	for _, tc := range []struct {
		name     string
		mailFrom string
		auth     *AuthResults
		msg      *message.Message
		want     []string
	}{
		{"no policy anywhere", "ceo@example.test", auth(None, "example.test", None), msg, forged},
		{"spf fails", "ceo@example.test", auth(Fail, "example.test", Fail), msg, forged},
		{"spf softfails, no dmarc answer", "ceo@example.test", auth(SoftFail, "example.test", TempError), msg, forged},
		{"dkim of another domain", "x@attacker.test", auth(Pass, "attacker.test", Fail, DKIMResult{Domain: "attacker.test", Result: Pass}, DKIMResult{Domain: "example.test", Result: Fail}), msg, forged},
		{"spf of the helo is not the sender's", "", helo, msg, forged},
		{"envelope only", "CEO@Example.Test", &AuthResults{SPF: None, SPFDomain: "example.test", SPFScope: ScopeMailFrom, DMARC: None, FromDomain: "remote.test"}, other, forged},

		{"dkim of ours passed", "ceo@example.test", auth(None, "example.test", Pass, DKIMResult{Domain: "example.test", Result: Pass}), msg, nil},
		{"dkim of our subdomain passed", "ceo@example.test", auth(None, "example.test", Pass, DKIMResult{Domain: "mail.example.test", Result: Pass}), msg, nil},
		{"spf of ours passed", "ceo@example.test", auth(Pass, "example.test", Pass), msg, nil},
		{"no checks ran", "ceo@example.test", nil, msg, nil},
		{"dns failed", "ceo@example.test", auth(TempError, "example.test", TempError), msg, nil},
		{"not our domain", "x@remote.test", &AuthResults{SPF: None, SPFDomain: "remote.test", SPFScope: ScopeMailFrom, DMARC: None, FromDomain: "remote.test"}, other, nil},
		{"a bounce to us", "", &AuthResults{SPF: None, SPFDomain: "remote.test", SPFScope: ScopeHelo, DMARC: None, FromDomain: "remote.test"},
			message.Parse([]byte("From: MAILER-DAEMON@remote.test\r\n" + wellFormed + "\r\nhi\r\n")), nil},
	} {
		got := sanityCodes(SanityInput{Message: tc.msg, MailFrom: tc.mailFrom, Auth: tc.auth, Ours: ours})
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	// the signal is strong: spam alone, even against a learned "ham"
	a := Assess(append(HeaderSanity(SanityInput{Message: msg, MailFrom: "ceo@example.test", Auth: auth(None, "example.test", None), Ours: ours}),
		LearnedSignal(Verdict{Score: 0.01, Known: true}, 5)...)...)
	if !a.IsSpam() {
		t.Errorf("a forged sender with a learned ham is %.1f points, under %.1f", a.Points, Threshold)
	}
}

// No Date, no Message-ID: one weak signal each, never spam alone nor
// together.
func TestHeaderSanity_missingDateAndMessageID(t *testing.T) {
	for _, tc := range []struct {
		head string
		want []string
	}{
		{wellFormed, nil},
		{"Message-ID: <a@b>\r\n", []string{"no-date"}},
		{"Date: Sat, 05 Dec 2026 10:00:00 +0900\r\n", []string{"no-message-id"}},
		{"Date:  \r\nMessage-Id: <a@b>\r\n", []string{"no-date"}},
		{"", []string{"no-date", "no-message-id"}},
	} {
		m := message.Parse([]byte("From: x@remote.test\r\n" + tc.head + "Subject: hi\r\n\r\nhello\r\n"))
		signals := HeaderSanity(SanityInput{Message: m, MailFrom: "x@remote.test", Ours: ours})
		var got []string
		for _, s := range signals {
			got = append(got, s.Reason.String())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("header %q: %q, want %q", tc.head, got, tc.want)
		}
		if a := Assess(signals...); a.IsSpam() {
			t.Errorf("header %q alone is spam (%.1f points)", tc.head, a.Points)
		}
	}
}

func htmlOnly(body string) *message.Message {
	return message.Parse([]byte("From: x@remote.test\r\n" + wellFormed + "Subject: s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body + "\r\n"))
}

// Hidden text in HTML-only mail, positive and negative cases, Korean
// included.
func TestHiddenText(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  *message.Message
		want string
	}{
		{"display none", htmlOnly(`<p>Buy now</p><div style="display:none">meeting schedule quarterly report budget</div>`), "display:none"},
		{"visibility hidden, Korean", htmlOnly(`<p>대출 승인</p><span style="Visibility: hidden !important">회의 일정 안내 드립니다 감사합니다</span>`), "visibility:hidden"},
		{"font size zero", htmlOnly(`<p>무료 쿠폰</p><font style="font-size:0px">안녕하세요 오늘 회의록입니다</font>`), "font-size:0px"},
		{"font size 1px", htmlOnly(`<p>x</p><span style="font-size: 1px">invoice attached regards team</span>`), "font-size:1px"},
		{"white on white", htmlOnly(`<body><p>Win</p><span style="color:#FFF">harmless words harmless words</span></body>`), "color=background"},
		{"font color white", htmlOnly(`<p>Win</p><font color="white">협력사 견적서 송부드립니다 확인 부탁</font>`), "color=background"},
		{"same colour on a cell", htmlOnly(`<table><tr><td bgcolor="#123456"><span style="color: rgb(18, 52, 86)">hidden hidden hidden</span></td></tr></table>`), "color=background"},
		{"tiny opacity", htmlOnly(`<p>x</p><div style="opacity:0.01">aaaaaaaaaaaaaaaaaaaa</div>`), "opacity:0.01"},
		{"inherited from a hidden parent", htmlOnly(`<div style="display:none"><p><b>secret</b> text here</p></div>`), "display:none"},

		{"visible mail", htmlOnly(`<html><head><title>News</title><style>.x{display:none}</style></head><body><p style="color:#333">안녕하세요, 회의 일정을 알려드립니다.</p></body></html>`), ""},
		{"white on dark", htmlOnly(`<table><tr><td style="background-color:#000"><span style="color:#fff">Read our newsletter today please</span></td></tr></table>`), ""},
		{"a hidden spacer", htmlOnly(`<p>Hello there, the report is attached.</p><span style="display:none">&nbsp;|</span>`), ""},
		{"hidden after it closed", htmlOnly(`<span style="display:none"></span><p>visible words visible words</p>`), ""},
		{"with a text alternative", message.Parse([]byte("From: x@remote.test\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: text/html\r\n\r\n<div style=\"display:none\">preheader text preheader text</div><p>hello</p>\r\n--b--\r\n")), ""},
		{"plain text", message.Parse([]byte("From: x@remote.test\r\n\r\n<div style=\"display:none\">not html at all, just text</div>\r\n")), ""},
	} {
		if got := HiddenText(tc.msg); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	// and it is a signal of the header checks
	got := sanityCodes(SanityInput{Message: htmlOnly(`<p>x</p><div style="display:none">meeting schedule quarterly report</div>`), Ours: ours})
	if !reflect.DeepEqual(got, []string{"hidden-text:display:none"}) {
		t.Errorf("signals %q", got)
	}
}

// A huge HTML body is read only so far: the scan stays bounded.
func TestHiddenText_bounded(t *testing.T) {
	body := strings.Repeat("<p>visible</p>", maxHiddenScan/10) + `<div style="display:none">late hidden words here</div>`
	if got := HiddenText(htmlOnly(body)); got != "" {
		t.Errorf("found %q past the scanned prefix", got)
	}
}

// Stored reasons read back, and render in English for the field.
func TestReason_roundTrip(t *testing.T) {
	for _, r := range []Reason{{CodeHiddenText, "display:none"}, {Code: CodeNoDate}, {CodeDNSBL, "zen.example.org"}, {CodeClue, "무료"}} {
		if got := ParseReason(r.String()); got != r {
			t.Errorf("%q read back as %+v", r.String(), got)
		}
	}
	if e := ParseReason("forged-sender:example.test").English(); e != "forged sender of our domain example.test" {
		t.Errorf("english %q", e)
	}
	if e := ParseReason("learned 0.97").English(); e != "learned 0.97" {
		t.Errorf("an old reason: %q", e)
	}
}

// The header checks' cost per message (they run once per message at
// delivery): a 30 KB HTML-only newsletter without hidden text, read to
// its end.
func BenchmarkHeaderSanity(b *testing.B) {
	body := strings.Repeat(`<tr><td style="color:#333;background-color:#fafafa;font-size:14px">이번 주 소식과 회의 일정을 알려드립니다. Weekly news.</td></tr>`, 250)
	m := htmlOnly("<table>" + body + "</table>")
	in := SanityInput{Message: m, MailFrom: "news@remote.test", Ours: ours,
		Auth: &AuthResults{SPF: None, SPFDomain: "remote.test", SPFScope: ScopeMailFrom, DMARC: None, FromDomain: "remote.test"}}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if s := HeaderSanity(in); len(s) != 0 {
			b.Fatalf("signals %+v", s)
		}
	}
}
