package safehtml

import (
	"strings"

	"golang.org/x/net/html"
)

// Deeply nested mail. x/net/html's Parse refuses a document whose stack of
// open elements grows past 512 (its guard against stack exhaustion). Real
// mail gets there: long reply chains where every level adds a blockquote
// and a few divs, or editors that open a <font> and never close it. Such a
// message must still be readable, so parseBody retries with the markup
// flattened, then without formatting elements, and as a last resort keeps
// the text with its line breaks.

// maxNesting is how deep limitNesting lets elements nest. It is well below
// the parser's 512 because the tree builder adds elements of its own
// (implied tbody and tr, reopened formatting elements).
const maxNesting = 128

// parseBody parses the first layer's output and returns the <body> of the
// tree, falling back as described above.
func parseBody(filtered string) *html.Node {
	for _, s := range []func() string{
		func() string { return filtered },
		func() string { return limitNesting(filtered, maxNesting, nil) },
		func() string { return limitNesting(filtered, maxNesting, formattingElements) },
		func() string { return textOnly(filtered) },
	} {
		doc, err := html.Parse(strings.NewReader(s()))
		if err != nil {
			continue
		}
		if body := findBody(doc); body != nil {
			return body
		}
	}
	return nil
}

// voidElements have no end tag and never nest anything.
var voidElements = setOfNames("area base br col embed hr img input link meta source track wbr")

func setOfNames(names string) map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(names) {
		m[n] = true
	}
	return m
}

// formattingElements are those the tree builder reopens after a block ends
// (HTML's "list of active formatting elements"): many distinct unclosed ones
// ("<p><font color=#000001>x</p><p><font color=#000002>x</p>...") deepen the
// tree however the tags nest.
var formattingElements = setOfNames("a b big code em font i nobr s small strike strong tt u")

// limitNesting drops every start tag that would open an element deeper than
// max, and every tag of the elements in drop (keeping their content),
// together with their end tags. Depth is counted on
// the tags as written; an end tag closes the innermost open element of its
// name and everything opened inside it, and an end tag with no open element
// is dropped. Only tags are removed, so the result is no less safe than the
// input.
func limitNesting(s string, max int, drop map[string]bool) string {
	var b strings.Builder
	var open []string // elements we let through and have not closed
	dropped := map[string]int{}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := string(z.Raw())
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			// "<div/>" opens a div all the same: only void elements
			// are really self-closing in HTML.
			name, _ := z.TagName()
			el := string(name)
			switch {
			case drop[el]:
				continue
			case voidElements[el]:
			case len(open) >= max:
				dropped[el]++
				continue
			default:
				open = append(open, el)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			el := string(name)
			if drop[el] {
				continue
			}
			if dropped[el] > 0 {
				dropped[el]--
				continue
			}
			i := len(open) - 1
			for i >= 0 && open[i] != el {
				i--
			}
			if i < 0 {
				continue
			}
			open = open[:i]
		}
		b.WriteString(raw)
	}
	return b.String()
}

// lineBreakElements end a line in textOnly.
var lineBreakElements = setOfNames("br p div tr li dt dd h1 h2 h3 h4 h5 h6 blockquote pre table hr")

// textOnly is the last resort: the text of s, escaped, with a <br> where a
// block or line break was. No element can nest in it.
func textOnly(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			// io.EOF, or a malformed tail, which is dropped.
			return b.String()
		case html.TextToken:
			b.WriteString(html.EscapeString(string(z.Text())))
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			if name, _ := z.TagName(); lineBreakElements[string(name)] {
				b.WriteString("<br>")
			}
		}
	}
}
