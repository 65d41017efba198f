package compose

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/internal/message"
	"postroom/internal/store"
)

var kim = store.Address{Name: "김철수", Addr: "kim@example.test"}

func build(t *testing.T, d *Draft) (*Message, *message.Message) {
	t.Helper()
	if d.From.Addr == "" {
		d.From = kim
	}
	m, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	return m, message.Parse(m.Raw)
}

// headerLines checks RFC 5322 §2.1.1 and 7-bit transport on every line of
// the header and returns the header.
func headerLines(t *testing.T, raw []byte) string {
	t.Helper()
	head, _, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("no end of header:\n%s", raw)
	}
	for _, line := range strings.Split(string(head), "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
		if strings.TrimSpace(line) == "" {
			t.Errorf("empty or blank header line in:\n%s", head)
		}
	}
	for _, c := range raw {
		if c >= 0x80 {
			t.Fatalf("8-bit byte in a message that should be 7-bit:\n%s", raw)
		}
	}
	return string(head)
}

func TestBuild_koreanSubjectAndNamesRoundTrip(t *testing.T) {
	subject := "2026년 4분기 견적서 송부의 건 (최종본) — 검토 부탁드립니다, 감사합니다 =?not-a-word?="
	d := &Draft{
		To:      []store.Address{{Name: "이영희", Addr: "lee@remote.test"}, {Name: "Park, Minsu", Addr: "park@remote.test"}},
		Cc:      []store.Address{{Addr: "team@example.test"}},
		Bcc:     []store.Address{{Name: "감사팀", Addr: "audit@example.test"}},
		Subject: subject,
		Text:    "안녕하세요.\n견적서를 보내 드립니다.",
		Date:    time.Date(2026, 11, 26, 9, 30, 0, 0, time.FixedZone("KST", 9*3600)),
	}
	m, p := build(t, d)
	head := headerLines(t, m.Raw)
	env := p.Envelope()
	if env.Subject != subject {
		t.Errorf("subject %q, want %q", env.Subject, subject)
	}
	if len(env.From) != 1 || env.From[0] != kim {
		t.Errorf("from %+v", env.From)
	}
	if len(env.To) != 2 || env.To[0] != d.To[0] || env.To[1] != d.To[1] || len(env.Cc) != 1 || len(env.Bcc) != 1 || env.Bcc[0] != d.Bcc[0] {
		t.Errorf("recipients %+v %+v %+v", env.To, env.Cc, env.Bcc)
	}
	if env.MessageID != m.MessageID || !strings.HasSuffix(m.MessageID, "@example.test") {
		t.Errorf("Message-ID %q in header, %q built", env.MessageID, m.MessageID)
	}
	if !strings.Contains(head, "Date: Thu, 26 Nov 2026 09:30:00 +0900\r\n") || !strings.Contains(head, "MIME-Version: 1.0") {
		t.Errorf("header:\n%s", head)
	}
	if got := p.Text(); got != "안녕하세요.\n견적서를 보내 드립니다." {
		t.Errorf("text %q", got)
	}
	if m.UTF8 {
		t.Error("ASCII addresses flagged as needing SMTPUTF8")
	}
}

func TestBuild_headerInjectionIsRefusedNeverWritten(t *testing.T) {
	for _, c := range []struct {
		name  string
		draft Draft
		field string
	}{
		{"subject LF", Draft{Subject: "hello\nBcc: victim@remote.test"}, "subject"},
		{"subject CRLF", Draft{Subject: "hello\r\nX-Spam: no"}, "subject"},
		{"subject CR", Draft{Subject: "hello\rX: y"}, "subject"},
		{"to name", Draft{To: []store.Address{{Name: "a\r\nBcc: v@remote.test", Addr: "a@remote.test"}}}, "to"},
		{"cc address", Draft{Cc: []store.Address{{Addr: "a@remote.test\r\nBcc: v@remote.test"}}}, "cc"},
		{"from name", Draft{From: store.Address{Name: "x\ny", Addr: "kim@example.test"}}, "from"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.draft.From.Addr == "" {
				c.draft.From = kim
			}
			m, err := Build(&c.draft)
			var ce *Error
			if !errors.As(err, &ce) || ce.Code != CodeHeaderInjection || ce.Field != c.field {
				t.Fatalf("Build = %v, %v; want header_injection on %s", m, err, c.field)
			}
		})
	}
	if _, err := ParseAddress("to", "kim@example.test\r\nBcc: v@remote.test"); !isCode(err, CodeHeaderInjection) {
		t.Fatalf("ParseAddress with CRLF: %v", err)
	}
}

func isCode(err error, code string) bool {
	var ce *Error
	return errors.As(err, &ce) && ce.Code == code
}

func TestParseAddress_asTyped(t *testing.T) {
	for _, c := range []struct {
		in   string
		want store.Address
		ok   bool
	}{
		{"kim@example.co.kr", store.Address{Addr: "kim@example.co.kr"}, true},
		{"  <Kim@Example.CO.KR> ", store.Address{Addr: "Kim@example.co.kr"}, true},
		{"김철수 <kim@example.co.kr>", store.Address{Name: "김철수", Addr: "kim@example.co.kr"}, true},
		{`"Kim, Minsu" <kim@example.co.kr>`, store.Address{Name: "Kim, Minsu", Addr: "kim@example.co.kr"}, true},
		{`"say \"hi\"" <a.b+tag@sub.example.com>`, store.Address{Name: `say "hi"`, Addr: "a.b+tag@sub.example.com"}, true},
		{"홍길동@회사.한국", store.Address{Addr: "홍길동@회사.한국"}, true},
		{"kim@", store.Address{}, false},
		{"@example.com", store.Address{}, false},
		{"kim@localhost", store.Address{}, false},
		{"kim..lee@example.com", store.Address{}, false},
		{"kim lee@example.com", store.Address{}, false},
		{"kim@exa mple.com", store.Address{}, false},
		{"kim@-example.com", store.Address{}, false},
		{"kim@[127.0.0.1]", store.Address{}, false},
		{`"unterminated <kim@example.com>`, store.Address{}, false},
		{"a <b <kim@example.com>", store.Address{}, false},
		{"kim@example.com>", store.Address{}, false},
		{"", store.Address{}, false},
		{"kim@example.com\x00", store.Address{}, false},
		{strings.Repeat("a", 65) + "@example.com", store.Address{}, false},
	} {
		got, err := ParseAddress("to", c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseAddress(%q) = %+v, %v; want %+v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestBuild_htmlOnlyIsSanitisedKeepsStylesAndGetsATextAlternative(t *testing.T) {
	html := `<p style="color: #c00; font-size: 14px" onclick="steal()">안녕하세요 <b>굵게</b></p><script>alert(1)</script>` +
		`<ul><li>첫째</li><li>둘째</li></ul><blockquote>인용문</blockquote><p><a href="https://example.com/q">견적서 보기</a></p>` +
		`<img src="https://cdn.example.com/logo.png" alt="로고">`
	_, p := build(t, &Draft{To: []store.Address{{Addr: "lee@remote.test"}}, Subject: "html", HTML: html})
	if p.Root.ContentType != "multipart/alternative" || len(p.Root.Children) != 2 {
		t.Fatalf("structure %s with %d parts", p.Root.ContentType, len(p.Root.Children))
	}
	plain, _ := p.Root.Children[0].Text()
	sent, _ := p.Root.Children[1].Text()
	if p.Root.Children[0].ContentType != "text/plain" || p.Root.Children[1].ContentType != "text/html" {
		t.Fatalf("alternatives %s, %s", p.Root.Children[0].ContentType, p.Root.Children[1].ContentType)
	}
	for _, bad := range []string{"<script", "onclick", "alert("} {
		if strings.Contains(sent, bad) {
			t.Errorf("sent HTML still has %q:\n%s", bad, sent)
		}
	}
	for _, good := range []string{"color: #c00", "<b>굵게</b>", `href="https://example.com/q"`, "https://cdn.example.com/logo.png"} {
		if !strings.Contains(sent, good) {
			t.Errorf("sent HTML lost %q:\n%s", good, sent)
		}
	}
	for _, want := range []string{"안녕하세요 굵게", "- 첫째\n- 둘째", "> 인용문", "견적서 보기 <https://example.com/q>"} {
		if !strings.Contains(plain, want) {
			t.Errorf("text alternative lacks %q:\n%s", want, plain)
		}
	}
}

func TestBuild_koreanFilenamesUseRFC2231AndSurviveParsing(t *testing.T) {
	name := "2026년_4분기_견적서_최종본_(수정).pdf"
	pdf := []byte("%PDF-1.7\n" + strings.Repeat("\x00\xff binary ", 200))
	m, p := build(t, &Draft{To: []store.Address{{Addr: "lee@remote.test"}}, Subject: "files", Text: "첨부합니다",
		Attachments: []*Attachment{{Filename: name, ContentType: "application/pdf", Data: pdf},
			{Filename: "notes.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("plain")},
			{Filename: "evil\r\nX: y.bin", ContentType: "bogus\r\nX: y", Data: []byte("x")}}})
	head := headerLines(t, m.Raw)
	_ = head
	if p.Root.ContentType != "multipart/mixed" {
		t.Fatalf("root %s", p.Root.ContentType)
	}
	atts := p.Attachments()
	if len(atts) != 3 {
		t.Fatalf("%d attachments", len(atts))
	}
	if atts[0].Filename() != name || !bytes.Equal(atts[0].Body(), pdf) || atts[0].ContentType != "application/pdf" {
		t.Errorf("attachment 1: %q %s %d bytes", atts[0].Filename(), atts[0].ContentType, len(atts[0].Body()))
	}
	raw := string(m.Raw)
	if !strings.Contains(raw, "filename*0*=UTF-8''") || !strings.Contains(raw, `name="=?UTF-8?B?`) {
		t.Errorf("want RFC 2231 filename and RFC 2047 name:\n%s", raw[:min(len(raw), 2000)])
	}
	if atts[1].Filename() != "notes.txt" || string(atts[1].Body()) != "plain" {
		t.Errorf("attachment 2: %q %q", atts[1].Filename(), atts[1].Body())
	}
	if atts[2].Filename() != "evilX: y.bin" || atts[2].ContentType != "application/octet-stream" || strings.Contains(raw, "\r\nX: y") {
		t.Errorf("a file name or type with CRLF must stay a parameter: %q %s", atts[2].Filename(), atts[2].ContentType)
	}
}

func TestBuild_inlineImagesBecomeRelatedCIDParts(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\nfake")
	resolved := 0
	d := &Draft{To: []store.Address{{Addr: "lee@remote.test"}}, Subject: "img",
		HTML: `<p>로고</p><img src="/api/v1/uploads/7"><img src="/api/v1/uploads/7"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">` +
			`<img src="/api/v1/uploads/404"><img src="cid:unknown@x">`,
		Images: func(src string) (*Attachment, error) {
			resolved++
			if src == "/api/v1/uploads/7" {
				return &Attachment{Filename: "logo.png", ContentType: "image/png", Data: png}, nil
			}
			return nil, nil
		}}
	_, p := build(t, d)
	if p.Root.ContentType != "multipart/related" || len(p.Root.Children) != 3 {
		t.Fatalf("want related with the alternative and two images, got %s with %d", p.Root.ContentType, len(p.Root.Children))
	}
	html, _ := p.Root.Children[0].Children[1].Text()
	for _, img := range p.Root.Children[1:] {
		cid := strings.Trim(img.Header.Get("Content-Id"), "<>")
		if cid == "" || !strings.Contains(html, `src="cid:`+cid+`"`) || img.Disposition != "inline" {
			t.Errorf("inline part %s cid %q not referenced by:\n%s", img.ContentType, cid, html)
		}
	}
	if !bytes.Equal(p.Root.Children[1].Body(), png) || resolved != 2 {
		t.Errorf("upload image body %q, resolver called %d times (want once per distinct source)", p.Root.Children[1].Body(), resolved)
	}
	if strings.Contains(html, "unknown@x") || strings.Contains(html, "/api/v1/uploads") {
		t.Errorf("unresolvable images must be dropped:\n%s", html)
	}
}

func TestBuild_replyThreadingAndReadReceipt(t *testing.T) {
	_, p := build(t, &Draft{To: []store.Address{{Addr: "lee@remote.test"}}, Subject: "Re: 견적",
		InReplyTo: "orig@remote.test", References: []string{"first@remote.test", "bad id", "orig@remote.test"}, ReadReceipt: true})
	if got := p.Header.Get("In-Reply-To"); got != "<orig@remote.test>" {
		t.Errorf("In-Reply-To %q", got)
	}
	if got := p.Header.Get("References"); got != "<first@remote.test> <orig@remote.test>" {
		t.Errorf("References %q", got)
	}
	if got := p.Header.Get("Disposition-Notification-To"); !strings.Contains(got, "<kim@example.test>") {
		t.Errorf("Disposition-Notification-To %q", got)
	}
}

func TestBuild_forwardAsAttachmentIsMessageRFC822(t *testing.T) {
	orig := "From: lee@remote.test\r\nSubject: 원본\r\n\r\n본문\r\n"
	_, p := build(t, &Draft{To: []store.Address{{Addr: "x@remote.test"}}, Subject: "Fwd: 원본", Text: "see below",
		Attachments: []*Attachment{{Filename: "원본.eml", ContentType: "message/rfc822", Data: []byte(orig)}}})
	att := p.Attachments()
	if len(att) != 1 || att[0].ContentType != "message/rfc822" || att[0].Header.Get("Content-Transfer-Encoding") != "8bit" ||
		string(att[0].Body()) != orig {
		t.Fatalf("forwarded message part: %+v", att)
	}
}
