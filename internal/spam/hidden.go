package spam

// Hidden text in HTML-only mail: words the reader cannot see but a filter
// reads (to dilute the spam words with innocent ones) or that a phisher
// hides. Only HTML-only messages are looked at: a message with a
// text/plain alternative shows that text to plain readers, and the
// newsletters that hide a "preheader" line nearly always send one.
//
// Hidden means, on the element or an ancestor, by its inline style or the
// old attributes: display:none, visibility:hidden, a font size of at most
// 1px (0, 1px, 0pt, 1pt, 0em ...), opacity below 0.1, or a text colour
// equal to the background colour in effect (white on the default white
// page, black on a black cell). At least minHiddenLetters letters must be
// hidden: a spacer "&nbsp;" or a "|" is layout, not a trick.

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"

	"postroom/internal/message"
)

// minHiddenLetters is how many hidden letters make a finding.
const minHiddenLetters = 10

// maxHiddenScan bounds the HTML read: spam hides its words early.
const maxHiddenScan = 256 << 10

// HiddenText says how an HTML-only message hides text ("display:none",
// "font-size:0", "color=background" ...); "" when it does not, or when
// it has a text/plain alternative.
func HiddenText(m *message.Message) string {
	if m == nil || m.Root == nil {
		return ""
	}
	h := m.HTMLBody()
	if h == nil || hasPlainText(m) {
		return ""
	}
	body, err := h.Text()
	if err != nil {
		return ""
	}
	if len(body) > maxHiddenScan {
		body = body[:maxHiddenScan]
	}
	return hiddenInHTML(body)
}

// hasPlainText: a text/plain part that is not an attachment.
func hasPlainText(m *message.Message) bool {
	found := false
	m.Root.Walk(func(p *message.Part) bool {
		if p.ContentType == "text/plain" && !p.IsAttachment() && !p.IsMultipart() {
			found = true
		}
		return !found
	})
	return found
}

// box is what an open element passes to what it holds.
type box struct {
	tag    string
	hidden string // how it is hidden; "" when visible
	color  string // text colour in effect
	bg     string // background colour in effect
}

// voidTags have no end tag.
var voidTags = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// unseenTags hold text nobody is meant to see anyway (not a trick).
var unseenTags = map[string]bool{"head": true, "title": true, "style": true, "script": true, "noscript": true, "template": true}

// hiddenInHTML walks the HTML and returns how the first hiding that holds
// enough letters hides them.
func hiddenInHTML(doc string) string {
	z := html.NewTokenizer(strings.NewReader(doc))
	stack := []box{{color: "#000000", bg: "#ffffff"}}
	letters := map[string]int{}
	unseen := 0
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken: // the end, or HTML too broken to read on
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			self := tt == html.SelfClosingTagToken
			name, hasAttr := z.TagName()
			if unseenTags[string(name)] {
				if !self {
					unseen++
				}
				continue
			}
			if self || voidTags[string(name)] {
				continue
			}
			stack = append(stack, open(stack[len(stack)-1], string(name), z, hasAttr))
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if unseenTags[tag] {
				if unseen > 0 {
					unseen--
				}
				continue
			}
			for i := len(stack) - 1; i > 0; i-- {
				if stack[i].tag == tag {
					stack = stack[:i]
					break
				}
			}
		case html.TextToken:
			top := stack[len(stack)-1]
			how := top.hidden
			if how == "" && top.color == top.bg {
				how = "color=background"
			}
			if unseen > 0 || how == "" {
				continue
			}
			for _, r := range string(z.Text()) {
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					letters[how]++
				}
			}
			if letters[how] >= minHiddenLetters {
				return how
			}
		}
	}
}

// open is the box of an element inside parent, from the attributes the
// tokenizer has not read yet.
func open(parent box, tag string, z *html.Tokenizer, more bool) box {
	b := box{tag: tag, hidden: parent.hidden, color: parent.color, bg: parent.bg}
	for more {
		var key, val []byte
		key, val, more = z.TagAttr()
		switch string(key) { // the tokenizer lower-cases names
		case "style":
			applyStyle(&b, string(val))
		case "bgcolor":
			if c := normColor(string(val)); c != "" {
				b.bg = c
			}
		case "color":
			if tag == "font" {
				if c := normColor(string(val)); c != "" {
					b.color = c
				}
			}
		case "hidden":
			if b.hidden == "" {
				b.hidden = "hidden"
			}
		}
	}
	return b
}

// applyStyle reads the declarations of an inline style that hide or
// colour.
func applyStyle(b *box, style string) {
	for _, decl := range strings.Split(style, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		val = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "!important")))
		hide := ""
		switch prop {
		case "display":
			if val == "none" {
				hide = "display:none"
			}
		case "visibility":
			if val == "hidden" || val == "collapse" {
				hide = "visibility:hidden"
			}
		case "font-size":
			if tinySize(val) {
				hide = "font-size:" + val
			}
		case "opacity":
			if f, err := strconv.ParseFloat(val, 64); err == nil && f < 0.1 {
				hide = "opacity:" + val
			}
		case "color":
			if c := normColor(val); c != "" {
				b.color = c
			}
		case "background-color", "background":
			if c := normColor(firstWord(val)); c != "" {
				b.bg = c
			}
		}
		if hide != "" && b.hidden == "" {
			b.hidden = hide
		}
	}
}

// tinySize: a font size of at most 1px (or the same in pt, em, rem, %).
func tinySize(v string) bool {
	num := strings.TrimRightFunc(v, unicode.IsLetter)
	num = strings.TrimSuffix(num, "%")
	unit := v[len(num):]
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil {
		return false
	}
	switch unit {
	case "", "px", "pt":
		return f <= 1
	case "em", "rem":
		return f <= 0.1
	case "%":
		return f <= 10
	}
	return false
}

func firstWord(v string) string {
	if i := strings.IndexAny(v, " \t"); i >= 0 && !strings.HasPrefix(v, "rgb") {
		return v[:i]
	}
	return v
}

// namedColors are the names hiding uses; others compare as written.
var namedColors = map[string]string{"white": "#ffffff", "black": "#000000"}

// normColor is a colour in one form (#rrggbb for names, #rgb and
// rgb()); "" for none or "transparent"/"inherit".
func normColor(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	switch {
	case v == "" || v == "transparent" || v == "inherit" || v == "initial" || v == "none":
		return ""
	case namedColors[v] != "":
		return namedColors[v]
	case len(v) == 4 && v[0] == '#':
		return "#" + string([]byte{v[1], v[1], v[2], v[2], v[3], v[3]})
	case strings.HasPrefix(v, "rgb(") && strings.HasSuffix(v, ")"):
		parts := strings.Split(v[4:len(v)-1], ",")
		if len(parts) != 3 {
			return v
		}
		var buf bytes.Buffer
		buf.WriteByte('#')
		for _, p := range parts {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n < 0 || n > 255 {
				return v
			}
			buf.WriteString(strconv.FormatInt(int64(n)|0x100, 16)[1:])
		}
		return buf.String()
	}
	return v
}
