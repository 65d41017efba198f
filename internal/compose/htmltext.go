package compose

// The text/plain alternative of an HTML body (RFC 2046 §5.1.4), written
// for a person reading it in a text-only client: paragraphs and line
// breaks kept, list items with "- " or "1. ", quoted blocks with "> "
// (RFC 3676 §4.5 style), links as "text <url>", images by their alt text.

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockElements end the line before and after them.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Table: true,
	atom.Tr: true, atom.Blockquote: true, atom.Pre: true, atom.Hr: true, atom.Dl: true, atom.Dt: true,
	atom.Dd: true, atom.Center: true, atom.Address: true,
}

// textWriter accumulates lines with the current quote prefix.
type textWriter struct {
	lines []string
	cur   strings.Builder
	quote int  // blockquote depth
	pre   int  // inside <pre>
	space bool // a space is pending before the next word
}

func (w *textWriter) prefix() string { return strings.Repeat("> ", w.quote) }

func (w *textWriter) newline() {
	w.lines = append(w.lines, strings.TrimRight(w.prefix()+w.cur.String(), " "))
	w.cur.Reset()
	w.space = false
}

// block ends the current line if it has text.
func (w *textWriter) block() {
	if w.cur.Len() > 0 {
		w.newline()
	}
}

func (w *textWriter) blank() {
	w.block()
	if n := len(w.lines); n > 0 && strings.TrimRight(w.lines[n-1], "> ") != "" {
		w.lines = append(w.lines, strings.TrimRight(w.prefix(), " "))
	}
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				w.newline()
			}
			w.cur.WriteString(line)
		}
		return
	}
	for i, word := range strings.Fields(s) {
		if (i > 0 || w.space || startsWithSpace(s)) && w.cur.Len() > 0 {
			w.cur.WriteByte(' ')
		}
		w.cur.WriteString(word)
		w.space = false
	}
	if endsWithSpace(s) {
		w.space = true
	}
}

func startsWithSpace(s string) bool { return s != "" && strings.TrimLeft(s, " \t\r\n\f") != s }
func endsWithSpace(s string) bool   { return s != "" && strings.TrimRight(s, " \t\r\n\f") != s }

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// render writes n and its children.
func (w *textWriter) render(n *html.Node, listIndex int) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	default:
		w.children(n)
		return
	}
	switch n.DataAtom {
	case atom.Br:
		w.newline()
		return
	case atom.Hr:
		w.block()
		w.cur.WriteString("----")
		w.newline()
		return
	case atom.Img:
		if alt := strings.TrimSpace(attr(n, "alt")); alt != "" {
			w.text(" [" + alt + "] ")
		}
		return
	case atom.Script, atom.Style, atom.Head, atom.Title:
		return
	}
	if blockElements[n.DataAtom] {
		w.block()
	}
	switch n.DataAtom {
	case atom.P, atom.Blockquote, atom.Table, atom.H1, atom.H2, atom.H3:
		w.blank()
	case atom.Li:
		if listIndex > 0 {
			fmt.Fprintf(&w.cur, "%d.", listIndex)
		} else {
			w.cur.WriteString("-")
		}
		w.space = true
	}
	switch n.DataAtom {
	case atom.Blockquote:
		w.quote++
		w.children(n)
		w.block()
		for len(w.lines) > 0 && strings.TrimRight(w.lines[len(w.lines)-1], "> ") == "" {
			w.lines = w.lines[:len(w.lines)-1] // no empty quoted line at the end
		}
		w.quote--
	case atom.Pre:
		w.pre++
		w.children(n)
		w.pre--
	case atom.A:
		before := w.cur.Len()
		w.children(n)
		href := strings.TrimSpace(attr(n, "href"))
		shown := strings.TrimSpace(w.cur.String()[min(before, w.cur.Len()):])
		if href != "" && !strings.HasPrefix(href, "#") && shown != href && "mailto:"+shown != href {
			w.cur.WriteString(" <" + href + ">")
		}
	case atom.Td, atom.Th:
		w.children(n)
		w.space = true
	default:
		w.children(n)
	}
	if blockElements[n.DataAtom] {
		w.block()
	}
	if n.DataAtom == atom.P || n.DataAtom == atom.Blockquote || n.DataAtom == atom.Table {
		w.blank()
	}
}

// children renders the children, numbering <li> of an <ol>.
func (w *textWriter) children(n *html.Node) {
	i := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		idx := 0
		if n.DataAtom == atom.Ol && c.Type == html.ElementNode && c.DataAtom == atom.Li {
			i++
			idx = i
		}
		w.render(c, idx)
	}
}

// htmlToText renders an HTML body as plain text.
func htmlToText(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return ""
	}
	w := &textWriter{}
	w.render(doc, 0)
	w.block()
	return strings.Trim(strings.Join(w.lines, "\n"), "\n") + "\n"
}
