package safehtml

import "testing"

func TestCleanStyle(t *testing.T) {
	tests := []struct {
		name        string
		style       string
		allowRemote bool
		want        string
		blocked     int
	}{
		// Formatting that mail uses is kept, in canonical form.
		{name: "colour", style: "color:red", want: "color: red"},
		{name: "property name case", style: "COLOR: Red", want: "color: Red"},
		{name: "quoted Korean font", style: `font-family:"맑은 고딕",sans-serif`, want: `font-family: "맑은 고딕",sans-serif`},
		{name: "unquoted Korean font", style: `font-family: 맑은 고딕, 굴림`, want: `font-family: 맑은 고딕, 굴림`},
		{name: "font shorthand with slash", style: "font: bold 12px/1.5 Arial", want: "font: bold 12px/1.5 Arial"},
		{name: "Outlook margins", style: "margin:0cm;margin-bottom:.0001pt", want: "margin: 0cm; margin-bottom: .0001pt"},
		{name: "negative and signed numbers", style: "margin-left: -10px; text-indent: +2em", want: "margin-left: -10px; text-indent: +2em"},
		{name: "empty declarations", style: ";color:red;;font-size:10pt;", want: "color: red; font-size: 10pt"},
		{name: "important", style: "color: red !important", want: "color: red !important"},
		{name: "important with spaces and case", style: "color: red ! IMPORTANT", want: "color: red !important"},
		{name: "functions", style: "background-color: rgba(0,0,0,.5); color: hsl(120, 50%, 50%); width: calc(100% - 20px)", want: "background-color: rgba(0,0,0,.5); color: hsl(120, 50%, 50%); width: calc(100% - 20px)"},
		{name: "function name case", style: "color: RGB(1,2,3)", want: "color: rgb(1,2,3)"},
		{name: "hex colour", style: "border: 1px solid #CCCCCC", want: "border: 1px solid #CCCCCC"},
		{name: "display none for preheaders", style: "display:none; max-height:0; overflow:hidden", want: "display: none; max-height: 0; overflow: hidden"},
		{name: "relative position", style: "position: relative", want: "position: relative"},
		{name: "whitespace collapsed", style: "padding :\t1px\n 2px ", want: "padding: 1px 2px"},

		// Properties not on the list go, the rest stays.
		{name: "fixed position", style: "color: red; position: fixed; top: 0; left: 0", want: "color: red"},
		{name: "absolute position", style: "position:absolute", want: ""},
		{name: "z-index", style: "z-index: 9999", want: ""},
		{name: "Outlook mso properties", style: "mso-line-height-rule: exactly; line-height: 150%", want: "line-height: 150%"},
		{name: "vendor prefixes", style: "-webkit-text-size-adjust: 100%; -moz-binding: url(x.xml#x)", want: ""},
		{name: "behavior", style: "behavior: url(xss.htc)", want: ""},
		{name: "content", style: "content: 'x'", want: ""},
		{name: "cursor loads a URL", style: "cursor: url(http://t.example/c.cur), auto", want: ""},
		{name: "property with escape", style: `col\6fr: red`, want: ""},

		// Values that are not plain tokens go.
		{name: "expression", style: "width: expression(alert(1))", want: ""},
		{name: "expression in upper case", style: "width: EXPRESSION(alert(1))", want: ""},
		{name: "expression split by a comment", style: "width: expr/**/ession(alert(1))", want: ""},
		{name: "comment", style: "color: red /* x */", want: ""},
		{name: "escape in a keyword", style: `color: \72 ed`, want: ""},
		{name: "escape in a string", style: `font-family: '\6a avascript'`, want: ""},
		{name: "escape inside url", style: `background: url(\6a avascript:alert(1))`, want: ""},
		{name: "javascript url", style: "background: url(javascript:alert(1))", want: ""},
		{name: "quoted javascript url", style: "background-image: url('javascript:alert(1)')", want: ""},
		{name: "import", style: "color: red; @import 'x.css'", want: "color: red"},
		{name: "banned word in a string", style: `font-family: "expression"`, want: ""},
		{name: "var", style: "color: var(--x)", want: ""},
		{name: "attr", style: "color: attr(title)", want: ""},
		{name: "bare parenthesis", style: "color: (red)", want: ""},
		{name: "unbalanced close", style: "width: 100px)", want: ""},
		{name: "unbalanced open", style: "width: calc(100% - 20px", want: ""},
		{name: "newline in a string", style: "font-family: \"a\nb\"", want: ""},
		{name: "unterminated string", style: "font-family: 'abc", want: ""},
		{name: "empty hash", style: "color: #", want: ""},
		{name: "braces", style: "color: red} body{background:red", want: ""},
		{name: "angle brackets", style: "color: red</style><script>", want: ""},
		{name: "control character", style: "color: r\x01ed", want: ""},
		{name: "url in a property that takes none", style: "color: url(https://t.example/a.png)", want: ""},
		{name: "url( with a space is not a url", style: "background: url (https://t.example/a.png)", want: ""},
		{name: "unquoted url with a quote", style: `background: url(https://t.example/a".png)`, want: ""},

		// Images follow the image policy.
		{name: "remote image blocked, colour kept", style: "color: red; background: #fff url(http://t.example/a.png) no-repeat", want: "color: red; background: #fff none no-repeat", blocked: 1},
		{name: "remote image allowed", style: "background: url(http://t.example/a.png) #fff", allowRemote: true, want: `background: url("http://t.example/a.png") #fff`},
		{name: "remote URL with space is encoded", style: `background: url("http://t.example/a b.png")`, allowRemote: true, want: `background: url("http://t.example/a%20b.png")`},
		{name: "data image", style: "background: url(data:image/png;base64,iVBORw0KGgo=)", want: `background: url("data:image/png;base64,iVBORw0KGgo=")`},
		{name: "svg data image", style: "background: url(data:image/svg+xml;base64,PHN2Zz4=)", want: ""},
		{name: "relative url", style: "background: url(/api/v1/account)", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := imagePolicy{opt: Options{AllowRemote: tt.allowRemote}}
			got := cleanStyle(tt.style, &img)
			if got != tt.want {
				t.Errorf("cleanStyle(%q) = %q, want %q", tt.style, got, tt.want)
			}
			if img.blocked != tt.blocked {
				t.Errorf("blocked = %d, want %d", img.blocked, tt.blocked)
			}
		})
	}
}
