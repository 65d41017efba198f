package compose

// The HTML body as it goes out: images the editor shows from the webmail's
// own URLs (uploads, parts of other messages) or as data: URLs become
// inline parts referenced by cid: (RFC 2392), then the whole is sanitised
// by internal/safehtml with remote images allowed (the sender chose them)
// and cid: kept.

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"postroom/internal/safehtml"
)

// dataImage matches the data: images a pasted picture arrives as.
var dataImage = regexp.MustCompile(`(?is)^data:image/(png|gif|jpeg|webp);base64,([a-z0-9+/=\s]+)$`)

// ImageFunc resolves an image source that is neither cid: nor data: (the
// webmail's own URL of an upload or of another message's inline part,
// relative or absolute) into the picture to carry inline. It returns nil
// for any other source: an http(s) image then stays remote, anything else
// is dropped.
type ImageFunc func(src string) (*Attachment, error)

// htmlBody is the outgoing HTML and the inline parts it refers to.
type htmlBody struct {
	html   string
	inline []*Attachment
}

// prepareHTML turns the editor's HTML into the message's HTML body.
// known lists Content-IDs the draft's attachments already provide.
func prepareHTML(src string, images ImageFunc, known map[string]bool, domain string) (*htmlBody, error) {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return nil, err
	}
	out := &htmlBody{}
	bySrc := map[string]string{} // the same picture twice is one part
	var walkErr error
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Img {
			if err := out.image(n, images, bySrc, known, domain); err != nil && walkErr == nil {
				walkErr = err
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if walkErr != nil {
		return nil, walkErr
	}
	var b strings.Builder
	if body := findElement(doc, atom.Body); body != nil {
		for c := body.FirstChild; c != nil; c = c.NextSibling {
			html.Render(&b, c) // a strings.Builder does not fail
		}
	}
	out.html = sanitizeKeepingCID(b.String(), known)
	return out, nil
}

// image rewrites one <img>'s src to cid: when it names a picture to carry.
func (out *htmlBody) image(n *html.Node, images ImageFunc, bySrc map[string]string, known map[string]bool, domain string) error {
	for i, a := range n.Attr {
		if a.Namespace != "" || a.Key != "src" {
			continue
		}
		s := strings.TrimSpace(a.Val)
		lower := strings.ToLower(s)
		if strings.HasPrefix(lower, "cid:") {
			return nil
		}
		if cid, ok := bySrc[s]; ok {
			n.Attr[i].Val = "cid:" + url.PathEscape(cid)
			return nil
		}
		att, err := out.resolve(s, images)
		if err != nil {
			return err
		}
		if att == nil {
			if !strings.HasPrefix(lower, "http:") && !strings.HasPrefix(lower, "https:") {
				n.Attr[i].Val = "" // dropped by the sanitiser
			}
			return nil
		}
		att.ContentID = randomToken(12) + "@" + domain
		known[att.ContentID] = true
		bySrc[s] = att.ContentID
		out.inline = append(out.inline, att)
		n.Attr[i].Val = "cid:" + url.PathEscape(att.ContentID)
		return nil
	}
	return nil
}

// resolve returns the picture behind a data: URL or the webmail's URL.
func (out *htmlBody) resolve(src string, images ImageFunc) (*Attachment, error) {
	if m := dataImage.FindStringSubmatch(src); m != nil {
		data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(m[2]), ""))
		if err != nil {
			return nil, nil
		}
		sub := strings.ToLower(m[1])
		return &Attachment{Filename: "image." + sub, ContentType: "image/" + sub, Data: data}, nil
	}
	if images == nil {
		return nil, nil
	}
	return images(src)
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

// sanitizeKeepingCID runs safehtml.Sanitize with remote images allowed.
// Sanitize accepts only web paths from CIDURL, so each known Content-ID
// goes through as a path under a random marker that is turned back into
// cid: afterwards; unknown Content-IDs are dropped.
func sanitizeKeepingCID(src string, known map[string]bool) string {
	marker := "/.cid-" + randomToken(12) + "/"
	res := safehtml.Sanitize(src, safehtml.Options{
		AllowRemote: true,
		CIDURL: func(cid string) string {
			if !known[cid] {
				return ""
			}
			return marker + url.PathEscape(cid)
		},
	})
	return strings.ReplaceAll(res.HTML, marker, "cid:")
}

// document wraps the sanitised body for sending.
func document(body string) string {
	return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>" + body + "</body></html>\n"
}
