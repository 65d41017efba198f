package safehtml

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Options says how a message's HTML is shown.
type Options struct {
	// CIDURL maps a Content-ID (without <>) to the URL the webmail serves
	// that inline part from (e.g. "/api/v1/messages/42/cid/abc"); nil drops
	// cid: images. The Content-ID comes from the message, already
	// percent-decoded (RFC 2392): escape it (url.PathEscape) when building
	// the URL. Return "" for an unknown Content-ID to drop the image. The
	// result must be a path on the webmail or an http(s) URL, and be
	// allowed by the frame's img-src (CSP allows 'self').
	CIDURL func(cid string) string
	// AllowRemote shows remote images (the user clicked "show images");
	// otherwise remote images, background images and CSS url(...) are
	// removed and counted.
	AllowRemote bool
}

// Result is a sanitized message body.
type Result struct {
	// HTML is the sanitized body content: no <html>, <head> or <body>
	// (Document adds them), no <style> blocks (see css.go), only the
	// formatting elements of policy.go with checked attributes.
	HTML string
	// RemoteBlocked is the number of remote resources removed (img src,
	// background attributes, CSS url()), for the "show images" bar. It is 0
	// when Options.AllowRemote is set.
	RemoteBlocked int
}

// Sanitize turns an untrusted HTML message body into HTML that is safe to
// show in the webmail's sandboxed iframe. It never fails: whatever cannot be
// made safe is removed, and text is kept.
func Sanitize(input string, opt Options) Result {
	// First layer: bluemonday with the allow-list (policy.go).
	filtered := mailPolicy().Sanitize(strings.ToValidUTF8(input, "\uFFFD"))

	// Second layer: parse as a browser would, check again, apply the image,
	// link and style rules, and serialise our own tree.
	body := parseBody(filtered)
	if body == nil {
		return Result{}
	}
	w := walker{img: imagePolicy{opt: opt}}
	w.cleanAttrs(body)
	w.cleanChildren(body)
	trimLeadingSpace(body)

	if div := bodyWrapper(body); div != nil {
		for c := body.FirstChild; c != nil; c = body.FirstChild {
			body.RemoveChild(c)
			div.AppendChild(c)
		}
		body.AppendChild(div)
	}
	var b strings.Builder
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		// Render fails only when its writer does (a strings.Builder
		// does not) or on node types cleanChildren has removed.
		_ = html.Render(&b, c)
	}
	return Result{HTML: b.String(), RemoteBlocked: w.img.blocked}
}

// trimLeadingSpace removes the whitespace text the body starts with. It is
// insignificant there, and a parser drops it when the output is parsed on
// its own, so trimming keeps Sanitize a fixed point.
func trimLeadingSpace(body *html.Node) {
	for c := body.FirstChild; c != nil && c.Type == html.TextNode; c = body.FirstChild {
		c.Data = strings.TrimLeft(c.Data, " \t\n\r\f")
		if c.Data != "" {
			return
		}
		body.RemoveChild(c)
	}
}

// findBody returns the <body> element html.Parse always creates.
func findBody(doc *html.Node) *html.Node {
	for n := doc.FirstChild; n != nil; n = n.NextSibling {
		if n.Type != html.ElementNode || n.DataAtom != atom.Html {
			continue
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Body {
				return c
			}
		}
	}
	return nil
}

// walker is the second layer's pass over the parsed tree.
type walker struct {
	img imagePolicy
}

// cleanChildren enforces the allow-list on the children of n, recursively.
func (w *walker) cleanChildren(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.TextNode:
		case html.ElementNode:
			switch {
			// Foreign (SVG, MathML) elements parse by different rules;
			// none are allowed.
			case c.Namespace != "" || dropWithContent[c.Data]:
				n.RemoveChild(c)
			case elementAttrs[c.Data] == nil || c.Data == "body":
				next = unwrap(c, next)
			default:
				w.cleanAttrs(c)
				if needsAttrs[c.Data] && len(c.Attr) == 0 {
					// An <img> has no children: this removes it.
					next = unwrap(c, next)
					break
				}
				w.cleanChildren(c)
			}
		default:
			// Comments (and Outlook's conditional comments in them),
			// doctypes and anything else are not content.
			n.RemoveChild(c)
		}
		c = next
	}
}

// unwrap replaces element c by its children and returns the node to visit
// next: the first of those children, or next if it had none.
func unwrap(c, next *html.Node) *html.Node {
	first := c.FirstChild
	for k := c.FirstChild; k != nil; {
		kn := k.NextSibling
		c.RemoveChild(k)
		c.Parent.InsertBefore(k, c)
		k = kn
	}
	c.Parent.RemoveChild(c)
	if first != nil {
		return first
	}
	return next
}

// cleanAttrs keeps the attributes of element n that the allow-list permits,
// with their values checked or rewritten, and adds what links need.
func (w *walker) cleanAttrs(n *html.Node) {
	kept := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Namespace != "" {
			continue
		}
		rule, ok := lookupAttr(n.Data, a.Key)
		if !ok {
			continue
		}
		switch rule.kind {
		case attrText:
		case attrPattern:
			ok = rule.re.MatchString(a.Val)
		case attrStyle:
			a.Val = cleanStyle(a.Val, &w.img)
			ok = a.Val != ""
		case attrLink:
			a.Val, ok = cleanHref(a.Val)
		case attrImage:
			var verdict imageSource
			a.Val, verdict = w.img.resolve(a.Val)
			ok = verdict == imageShown
		}
		if ok {
			kept = append(kept, a)
		}
	}
	n.Attr = kept
	if n.Data == "a" && len(kept) > 0 && hasAttr(n, "href") {
		// Links open outside the frame (the iframe sandbox allows popups
		// only), without telling the target who sent the reader there
		// and without a handle back to the webmail window.
		n.Attr = append(n.Attr,
			html.Attribute{Key: "rel", Val: "noopener noreferrer nofollow"},
			html.Attribute{Key: "target", Val: "_blank"})
	} else if n.Data == "a" {
		n.Attr = nil
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// bodyWrapper turns the attributes of the message's <body> (its page colour,
// text colour, background image, style, language and direction), already
// cleaned, into a <div> to wrap the content in, or returns nil if there are
// none. The iframe document has its own <body>; the message's must not
// replace it.
func bodyWrapper(body *html.Node) *html.Node {
	var decls, style []string
	var attrs []html.Attribute
	for _, a := range body.Attr {
		v := strings.TrimSpace(a.Val)
		switch a.Key {
		case "bgcolor":
			decls = append(decls, "background-color: "+v)
		case "text":
			decls = append(decls, "color: "+v)
		case "background":
			decls = append(decls, `background-image: url("`+cssURLEscape(v)+`")`)
		case "style":
			style = append(style, v)
		case "lang", "dir", "title":
			attrs = append(attrs, a)
		}
	}
	// The style attribute goes last: in the browser too it overrides the
	// presentational attributes.
	if decls = append(decls, style...); len(decls) > 0 {
		attrs = append(attrs, html.Attribute{Key: "style", Val: strings.Join(decls, "; ")})
	}
	if len(attrs) == 0 {
		return nil
	}
	return &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div, Attr: attrs}
}
