package message

import (
	"net/url"
	"regexp"
	"strings"
)

// Files (E5): what a reader lists as a message's files, and so what its
// "has attachment" mark, the paperclip in the list and the search facet
// count. Every attachment part is a file except a picture the HTML body
// shows in the text by its Content-ID (a cid: URL, RFC 2392): mail clients
// draw those where the sender put them, not as files.

// cidRef finds the cid: URLs of an HTML text (src="cid:...", url(cid:...)).
var cidRef = regexp.MustCompile(`(?i)cid:([^"'\s()<>]+)`)

// HTMLBody returns the message's HTML body: the first text/html part that
// is not an attachment, or nil.
func (m *Message) HTMLBody() *Part {
	var found *Part
	m.Root.Walk(func(p *Part) bool {
		if found == nil && p.ContentType == "text/html" && !p.IsAttachment() {
			found = p
		}
		return found == nil
	})
	return found
}

// ContentID returns the part's Content-ID without its angle brackets.
func (p *Part) ContentID() string {
	id := strings.TrimSpace(p.Header.Get("Content-Id"))
	if len(id) >= 2 && id[0] == '<' && id[len(id)-1] == '>' {
		id = id[1 : len(id)-1]
	}
	return id
}

// embeddedIDs are the Content-IDs the HTML body refers to.
func (m *Message) embeddedIDs() map[string]bool {
	h := m.HTMLBody()
	if h == nil {
		return nil
	}
	text, _ := h.Text()
	ids := map[string]bool{}
	for _, sm := range cidRef.FindAllStringSubmatch(text, -1) {
		ids[sm[1]] = true
		if u, err := url.PathUnescape(sm[1]); err == nil {
			ids[u] = true
		}
	}
	return ids
}

// IsEmbedded reports whether p, one of the message's parts, is shown in the
// HTML body by cid: rather than offered as a file: it has a Content-ID the
// body refers to and does not say Content-Disposition: attachment.
func (m *Message) IsEmbedded(p *Part) bool {
	id := p.ContentID()
	return id != "" && p.Disposition != "attachment" && m.embeddedIDs()[id]
}

// Files lists the attachments a reader offers as files, in message order:
// Attachments without the embedded pictures (IsEmbedded).
func (m *Message) Files() []*Part {
	var ids map[string]bool
	read := false // the HTML body is decoded only for a part it may show (issue 21)
	var out []*Part
	for _, p := range m.Attachments() {
		if id := p.ContentID(); id != "" && p.Disposition != "attachment" {
			if !read {
				ids, read = m.embeddedIDs(), true
			}
			if ids[id] {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}
