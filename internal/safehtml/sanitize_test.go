package safehtml

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func cidURL(id string) string { return "/api/v1/messages/7/cid/" + id }

// parseBody parses s as the iframe will (inside <body>) and returns the body.
func parsedBody(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return findBody(doc)
}

// elements returns the elements under n in document order.
func elements(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			out = append(out, c)
		}
		out = append(out, elements(c)...)
	}
	return out
}

func attrOf(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// visibleText is the text a reader sees: text nodes outside elements that
// are not displayed, with whitespace runs collapsed.
func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
		case n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "title" || n.Data == "template"):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func countTags(n *html.Node, tags []string) map[string]int {
	want := setOf(strings.Join(tags, " "))
	m := map[string]int{}
	for _, e := range elements(n) {
		if want[e.Data] {
			m[e.Data]++
		}
	}
	return m
}

// hasElement reports whether some <tag> has attribute key=val (val "" means
// only that the attribute exists) and, if styleHas is set, a style
// containing it.
func hasElement(n *html.Node, tag, key, val, styleHas string) bool {
	for _, e := range elements(n) {
		if e.Data != tag {
			continue
		}
		if key != "" {
			v, ok := attrOf(e, key)
			if !ok || val != "" && v != val {
				continue
			}
		}
		if styleHas != "" {
			if s, _ := attrOf(e, "style"); !strings.Contains(s, styleHas) {
				continue
			}
		}
		return true
	}
	return false
}

type elementWant struct{ tag, key, val, style string }

func TestSanitizeKeepsTheLookOfRealMail(t *testing.T) {
	tests := []struct {
		file    string
		tags    []string // counted in input and output: must be equal
		want    []elementWant
		absent  []string
		blocked int
	}{
		{
			file: "outlook-ko.html",
			tags: []string{"table", "tr", "td", "p", "b", "a", "img", "span", "br"},
			want: []elementWant{
				{"table", "border", "1", "border-collapse: collapse"},
				{"table", "cellpadding", "0", ""},
				{"td", "width", "200", "background: #D9E2F3"},
				{"td", "valign", "top", "padding: 0cm 5.4pt 0cm 5.4pt"},
				{"p", "align", "right", "text-align: right"},
				{"span", "", "", "color: #C00000"},
				{"span", "", "", `font-family: "Malgun Gothic",sans-serif`},
				{"span", "lang", "EN-US", ""},
				{"img", "src", "/api/v1/messages/7/cid/image001.png@01DA1B2C.3D4E5F60", "width: 1.25in"},
				{"img", "alt", "회사 로고", ""},
				{"a", "href", "https://intranet.example.co.kr/reports/2024-q2?lang=ko", ""},
				{"a", "rel", "noopener noreferrer nofollow", ""},
				{"a", "target", "_blank", ""},
				{"div", "lang", "KO", "word-wrap: break-word"},
			},
			absent: []string{"mso-", "MsoNormal", "o:p", "WordSection", "behavior", "@font-face", "panose", "<!--"},
		},
		{
			file: "naver.html",
			tags: []string{"div", "p", "span", "b", "font", "u", "i", "strike", "ul", "li", "blockquote", "br", "img"},
			want: []elementWant{
				{"div", "", "", "font-family: 나눔고딕, NanumGothic, sans-serif; font-size: 10pt; line-height: 1.5"},
				{"span", "", "", "font-size: 14pt; color: rgb(0, 117, 200)"},
				{"span", "", "", "background-color: rgb(255, 255, 0)"},
				{"font", "color", "#ff0000", ""},
				{"font", "face", "돋움", ""},
				{"ul", "", "", "list-style-type: disc"},
				{"blockquote", "", "", "border-left: 1px solid rgb(204, 204, 204); padding-left: 1ex"},
				{"img", "", "", "width: 300px; height: 200px"},
				{"img", "width", "1", "display: none !important"},
			},
			absent:  []string{"mail.naver.com", "readReceipt"},
			blocked: 2,
		},
		{
			file: "daum.html",
			tags: []string{"table", "tr", "td", "th", "font", "b", "a", "center", "br", "img"},
			want: []elementWant{
				{"div", "", "", "background-color: #f4f4f4; margin: 0; padding: 0"},
				{"table", "width", "600", "border: 1px solid #dddddd; max-width: 600px"},
				{"table", "align", "center", ""},
				{"table", "bgcolor", "#ffffff", ""},
				{"th", "bgcolor", "#eeeeee", ""},
				{"td", "height", "80", "background: none no-repeat #3366cc"},
				{"font", "face", "굴림, Gulim", ""},
				{"font", "size", "5", ""},
				{"a", "href", "https://www.daum.net/?nil_profile=newsletter&nil_src=mail", "background-color: #ff6600; color: #ffffff; text-decoration: none; border-radius: 4px"},
			},
			absent:  []string{"tracker.example.com", "daum-img.net", "stat.daum.net", "다음 뉴스레터</title>"},
			blocked: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			res := Sanitize(string(raw), Options{CIDURL: cidURL})
			assertSafe(t, res.HTML, false)
			in, out := parsedBody(t, string(raw)), parsedBody(t, res.HTML)

			if got, want := visibleText(out), visibleText(in); got != want {
				t.Errorf("visible text changed:\n got %q\nwant %q", got, want)
			}
			gotTags, wantTags := countTags(out, tt.tags), countTags(in, tt.tags)
			for _, tag := range tt.tags {
				if gotTags[tag] != wantTags[tag] {
					t.Errorf("<%s> elements: got %d, want %d", tag, gotTags[tag], wantTags[tag])
				}
			}
			for _, w := range tt.want {
				if !hasElement(out, w.tag, w.key, w.val, w.style) {
					t.Errorf("no <%s %s=%q style containing %q> in output:\n%s", w.tag, w.key, w.val, w.style, res.HTML)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(res.HTML, s) {
					t.Errorf("output contains %q", s)
				}
			}
			if res.RemoteBlocked != tt.blocked {
				t.Errorf("RemoteBlocked = %d, want %d", res.RemoteBlocked, tt.blocked)
			}
		})
	}
}

func TestSanitizeRewritesCIDImages(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		cidURL func(string) string
		want   string // exact output
	}{
		{"img src", `<img src="cid:part1.ABC@example.com" alt="logo">`, cidURL,
			`<img src="/api/v1/messages/7/cid/part1.ABC@example.com" alt="logo"/>`},
		{"scheme in upper case", `<img src="CID:abc@x">`, cidURL,
			`<img src="/api/v1/messages/7/cid/abc@x"/>`},
		{"percent-encoded Content-ID (RFC 2392)", `<img src="cid:foo4%25foo1@bar.net">`, cidURL,
			`<img src="/api/v1/messages/7/cid/foo4%foo1@bar.net"/>`},
		{"angle brackets left in", `<img src="cid:&lt;abc@x&gt;">`, cidURL,
			`<img src="/api/v1/messages/7/cid/abc@x"/>`},
		{"background attribute", `<table background="cid:bg@x"><tr><td>t</td></tr></table>`, cidURL,
			`<table background="/api/v1/messages/7/cid/bg@x"><tbody><tr><td>t</td></tr></tbody></table>`},
		{"CSS background url", `<div style="background: url(cid:bg@x) repeat-x">t</div>`, cidURL,
			`<div style="background: url(&#34;/api/v1/messages/7/cid/bg@x&#34;) repeat-x">t</div>`},
		{"CSS url quoted with a parenthesis in the result", `<div style="background-image: url('cid:a(b)@x')">t</div>`, cidURL,
			`<div style="background-image: url(&#34;/api/v1/messages/7/cid/a%28b%29@x&#34;)">t</div>`},
		{"no CIDURL drops the image", `<img src="cid:abc@x">`, nil, ``},
		{"no CIDURL keeps the placeholder size", `<img src="cid:abc@x" width="10" alt="a">`, nil, `<img width="10" alt="a"/>`},
		{"unknown Content-ID drops the image", `<img src="cid:abc@x">`, func(string) string { return "" }, ``},
		{"a script URL from CIDURL is refused", `<img src="cid:abc@x">`, func(string) string { return "javascript:alert(1)" }, ``},
		{"cid in a link is not a link", `<a href="cid:abc@x">t</a>`, cidURL, `t`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Sanitize(tt.input, Options{CIDURL: tt.cidURL})
			if res.HTML != tt.want {
				t.Errorf("got  %s\nwant %s", res.HTML, tt.want)
			}
			if res.RemoteBlocked != 0 {
				t.Errorf("RemoteBlocked = %d for an inline image", res.RemoteBlocked)
			}
		})
	}
}

func TestSanitizeBlocksRemoteImagesUntilAllowed(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		blocked int
		// allowed is what the output contains with AllowRemote.
		allowed []string
	}{
		{"img http", `<img src="http://t.example/p.gif" width="1" height="1">`, 1, []string{`src="http://t.example/p.gif"`}},
		{"img https", `<p><img src="https://t.example/a.png?u=me%40x.com"></p>`, 1, []string{`src="https://t.example/a.png?u=me%40x.com"`}},
		{"img protocol-relative", `<img src="//t.example/a.png">`, 1, []string{`src="https://t.example/a.png"`}},
		{"img in mixed case with spaces", `<img src="  HTTPS://t.example/a.png ">`, 1, []string{`src="https://t.example/a.png"`}},
		{"table background attribute", `<table background="https://t.example/bg.png"><tr><td>x</td></tr></table>`, 1, []string{`background="https://t.example/bg.png"`}},
		{"td background attribute", `<table><tr><td background="http://t.example/bg.png">x</td></tr></table>`, 1, []string{`background="http://t.example/bg.png"`}},
		{"body background attribute", `<body background="https://t.example/bg.png">x</body>`, 1, []string{`background-image: url(&#34;https://t.example/bg.png&#34;)`}},
		{"CSS background url", `<div style="background: #fff url('https://t.example/bg.png') no-repeat">x</div>`, 1, []string{`background: #fff url(&#34;https://t.example/bg.png&#34;) no-repeat`}},
		{"two CSS urls", `<div style="background-image: url(https://t.example/a.png), url(https://t.example/b.png)">x</div>`, 2, []string{`url(&#34;https://t.example/a.png&#34;), url(&#34;https://t.example/b.png&#34;)`}},
		{"list-style-image", `<ul style="list-style-image: url(https://t.example/dot.png)"><li>x</li></ul>`, 1, []string{`list-style-image: url(&#34;https://t.example/dot.png&#34;)`}},
		{"every kind at once", `<body background="https://t.example/1"><table background="https://t.example/2"><tr><td style="background:url(https://t.example/3)"><img src="https://t.example/4"></td></tr></table></body>`, 4, []string{"t.example/1", "t.example/2", "t.example/3", "t.example/4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Sanitize(tt.input, Options{CIDURL: cidURL})
			assertSafe(t, res.HTML, false)
			if res.RemoteBlocked != tt.blocked {
				t.Errorf("RemoteBlocked = %d, want %d (%s)", res.RemoteBlocked, tt.blocked, res.HTML)
			}
			if strings.Contains(res.HTML, "t.example") {
				t.Errorf("remote URL left in output: %s", res.HTML)
			}

			res = Sanitize(tt.input, Options{CIDURL: cidURL, AllowRemote: true})
			assertSafe(t, res.HTML, true)
			if res.RemoteBlocked != 0 {
				t.Errorf("RemoteBlocked = %d with AllowRemote", res.RemoteBlocked)
			}
			for _, s := range tt.allowed {
				if !strings.Contains(res.HTML, s) {
					t.Errorf("with AllowRemote, output lacks %s:\n%s", s, res.HTML)
				}
			}
		})
	}
}

func TestSanitizeAllowRemoteStillRefusesOtherSchemes(t *testing.T) {
	for _, src := range []string{
		"ftp://t.example/a.png", "file:///etc/passwd", "javascript:alert(1)", "vbscript:x",
		"data:text/html,<script>alert(1)</script>", "data:image/svg+xml;base64,PHN2Zz4=",
		"blob:https://t.example/uuid", "filesystem:https://t.example/x", "a.png", "/api/v1/messages/1/raw",
		"../../etc/passwd", `\\t.example\share\a.png`, `https:\\t.example\a.png`, "http://", "https:///a.png",
	} {
		t.Run(src, func(t *testing.T) {
			in := `<img src="` + html.EscapeString(src) + `"><div style="background: url('` + html.EscapeString(src) + `')">x</div>`
			res := Sanitize(in, Options{CIDURL: cidURL, AllowRemote: true})
			if res.HTML != "<div>x</div>" {
				t.Errorf("got %s, want <div>x</div>", res.HTML)
			}
		})
	}
}

func TestSanitizeKeepsDataImages(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"png", "data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,iVBORw0KGgo="},
		{"jpeg with wrapped base64", "data:image/jpeg;base64,/9j/4AAQ\r\n SkZJRg==", "data:image/jpeg;base64,/9j/4AAQSkZJRg=="},
		{"gif in upper case", "DATA:IMAGE/GIF;BASE64,R0lGODlh", "data:IMAGE/GIF;BASE64,R0lGODlh"},
		{"webp with a name parameter", "data:image/webp;name=a.webp;base64,UklGRg==", "data:image/webp;name=a.webp;base64,UklGRg=="},
		{"svg is refused", "data:image/svg+xml;base64,PHN2Zz4=", ""},
		{"not base64 is refused", "data:image/png,%89PNG", ""},
		{"html is refused", "data:text/html;base64,PHNjcmlwdD4=", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Sanitize(`<img alt="a" src="`+tt.src+`">`, Options{})
			want := `<img alt="a"/>`
			if tt.want != "" {
				want = `<img alt="a" src="` + tt.want + `"/>`
			}
			if res.HTML != want || res.RemoteBlocked != 0 {
				t.Errorf("got %s (blocked %d), want %s", res.HTML, res.RemoteBlocked, want)
			}
		})
	}
}

func TestSanitizeMakesLinksSafeToFollow(t *testing.T) {
	const rel = ` rel="noopener noreferrer nofollow" target="_blank"`
	tests := []struct{ name, input, want string }{
		{"https", `<a href="https://example.com/a?b=c&amp;d=e">x</a>`, `<a href="https://example.com/a?b=c&amp;d=e"` + rel + `>x</a>`},
		{"http with title", `<a href="http://example.com" title="t">x</a>`, `<a href="http://example.com" title="t"` + rel + `>x</a>`},
		{"mailto", `<a href="mailto:kim@example.co.kr?subject=%EC%95%88%EB%85%95">x</a>`, `<a href="mailto:kim@example.co.kr?subject=%EC%95%88%EB%85%95"` + rel + `>x</a>`},
		{"tel", `<a href="tel:+82-2-1234-5678">x</a>`, `<a href="tel:+82-2-1234-5678"` + rel + `>x</a>`},
		{"protocol-relative becomes https", `<a href="//example.com/x">x</a>`, `<a href="https://example.com/x"` + rel + `>x</a>`},
		{"sender's target and rel are replaced", `<a href="https://e.com" target="_top" rel="opener">x</a>`, `<a href="https://e.com"` + rel + `>x</a>`},
		{"relative link is not a link", `<a href="/account/delete">x</a>`, `x`},
		{"fragment is not a link", `<a href="#top">x</a>`, `x`},
		{"named anchor is not a link", `<a name="top">x</a>`, `x`},
		{"javascript is not a link", `<a href="javascript:alert(1)"><b>x</b></a>`, `<b>x</b>`},
		{"data is not a link", `<a href="data:text/html,hi">x</a>`, `x`},
		{"ftp is not a link", `<a href="ftp://example.com/f">x</a>`, `x`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.input, Options{}).HTML; got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestSanitizeKeepsKoreanText(t *testing.T) {
	tests := []struct{ name, input, want string }{
		{"plain", `<p>안녕하세요, 반갑습니다.</p>`, `<p>안녕하세요, 반갑습니다.</p>`},
		{"numeric references", `<p>&#xD55C;&#xAE00; &#54620;&#44544;</p>`, `<p>한글 한글</p>`},
		{"in attributes", `<img src="cid:a" alt="제품 사진" title="신제품 &quot;안내&quot;">`, `<img src="/api/v1/messages/7/cid/a" alt="제품 사진" title="신제품 &#34;안내&#34;"/>`},
		{"in a font face and a style", `<font face="맑은 고딕"><span style="font-family: '나눔고딕', 굴림">글꼴</span></font>`, `<font face="맑은 고딕"><span style="font-family: &#39;나눔고딕&#39;, 굴림">글꼴</span></font>`},
		{"next to removed tags", `<p>보고서<o:p></o:p>를 <noscript>x</noscript>첨부<script>x</script>합니다</p>`, `<p>보고서를 첨부합니다</p>`},
		{"markup-like text stays text", `<p>&lt;script&gt;는 태그입니다 &amp; 1 &lt; 2</p>`, `<p>&lt;script&gt;는 태그입니다 &amp; 1 &lt; 2</p>`},
		{"old hangul, jamo and emoji", `<p>ᄒᆞᆫ글 ㄱㄴㄷ 👍</p>`, `<p>ᄒᆞᆫ글 ㄱㄴㄷ 👍</p>`},
		{"invalid UTF-8 becomes U+FFFD", "<p>\xb0\xa1 가</p>", "<p>\uFFFD 가</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.input, Options{CIDURL: cidURL}).HTML; got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestSanitizeFiltersAttributes(t *testing.T) {
	tests := []struct{ name, input, want string }{
		{"table layout attributes", `<table width="100%" border="0" cellpadding="5" cellspacing="0" bgcolor="#FFFFFF" align="center"><tr><td colspan="2" valign="top" nowrap>x</td></tr></table>`,
			`<table width="100%" border="0" cellpadding="5" cellspacing="0" bgcolor="#FFFFFF" align="center"><tbody><tr><td colspan="2" valign="top" nowrap="">x</td></tr></tbody></table>`},
		{"bad values lose the attribute only", `<table width="100;x:expression(1)" bgcolor="red;x"><tr><td>x</td></tr></table>`, `<table><tbody><tr><td>x</td></tr></tbody></table>`},
		{"font", `<font color="#ff0000" face="Arial, 굴림" size="+1">x</font>`, `<font color="#ff0000" face="Arial, 굴림" size="+1">x</font>`},
		{"font with nothing left is unwrapped", `<font class="x" onclick="y">x</font>`, `x`},
		{"class, id and data attributes are dropped", `<div class="c" id="i" data-x="1" name="n">x</div>`, `<div>x</div>`},
		{"lists", `<ol start="3" type="a"><li value="5">x</li></ol><ul type="square"><li>y</li></ul>`, `<ol start="3" type="a"><li value="5">x</li></ol><ul type="square"><li>y</li></ul>`},
		{"quotation", `<blockquote type="cite" cite="http://x">q</blockquote>`, `<blockquote type="cite">q</blockquote>`},
		{"direction and language", `<p dir="rtl" lang="ar">x</p>`, `<p dir="rtl" lang="ar">x</p>`},
		{"namespaced attributes are dropped", `<p xml:lang="ko" xmlns:o="urn:x">x</p>`, `<p>x</p>`},
		{"headings, pre and code", `<h1>t</h1><pre><code>a  b</code></pre><hr size="1" noshade>`, `<h1>t</h1><pre><code>a  b</code></pre><hr size="1" noshade=""/>`},
		{"comments and doctype are dropped", `<!DOCTYPE html><!-- c --><p>x</p><!--[if mso]>y<![endif]-->`, `<p>x</p>`},
		{"form controls leave their text", `<form><button>보내기</button><textarea>내용</textarea></form>`, `보내기내용`},
		{"unclosed head keeps the body", `<html><head><meta charset="utf-8"><title>제목</title><p>본문</p>`, `<p>본문</p>`},
		{"head content before the body", `<head><style>p{}</style><link rel=stylesheet href=x.css></head><body><p>본문</p></body>`, `<p>본문</p>`},
		{"unclosed svg hides what a browser hides", `<p>a</p><svg><text>b</text>`, `<p>a</p>`},
		{"empty input", ``, ``},
		{"whitespace only", " \n ", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.input, Options{}).HTML
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			assertSafe(t, got, false)
		})
	}
}

func TestSanitizeKeepsTheTextOfDeeplyNestedMail(t *testing.T) {
	// x/net/html refuses trees deeper than 512 elements; such mail must
	// still show its text (depth.go).
	distinctFonts := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(`<p><font color="#` + fmt.Sprintf("%06d", i) + `">줄</p>`)
		}
		return b.String()
	}
	tests := []struct {
		name  string
		input string
		words int // occurrences of "줄" that must survive
	}{
		{"reply chain of 400 quotes", strings.Repeat(`<div><blockquote type="cite"><div>줄`, 400), 400},
		{"2000 nested divs", strings.Repeat("<div>", 2000) + "줄", 1},
		{"20000 unclosed bold tags", strings.Repeat("<b>줄", 20000), 20000},
		{"unclosed formatting in every paragraph", strings.Repeat(`<b><i><u><font color="red"><span>줄</p>`, 4000), 4000},
		{"3000 distinct unclosed fonts", distinctFonts(3000), 3000},
		{"self-closed divs", strings.Repeat("<div/>줄", 1000), 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Sanitize(tt.input, Options{}).HTML
			assertSafe(t, out, false)
			if got := strings.Count(out, "줄"); got != tt.words {
				t.Errorf("%d words survive, want %d", got, tt.words)
			}
		})
	}
}

func BenchmarkSanitize(b *testing.B) {
	for _, name := range []string{"outlook-ko.html", "naver.html", "daum.html"} {
		raw, err := os.ReadFile("testdata/" + name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				Sanitize(string(raw), Options{CIDURL: cidURL})
			}
		})
	}
}
