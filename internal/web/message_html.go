package web

import (
	"net/http"
	"net/url"
	"strings"

	"postroom/internal/message"
	"postroom/internal/safehtml"
)

// htmlPart finds the part a mail client shows as the HTML body: the first
// text/html part that is not an attachment (in multipart/alternative it
// stands beside the text/plain version).
func htmlPart(m *message.Message) *message.Part {
	var found *message.Part
	m.Root.Walk(func(p *message.Part) bool {
		if found == nil && p.ContentType == "text/html" && !p.IsAttachment() {
			found = p
		}
		return found == nil
	})
	return found
}

// sanitized returns the message's HTML body made safe, and how many remote
// resources were held back.
func sanitized(inlineBase string, m *message.Message, allowRemote bool) (string, int, bool) {
	p := htmlPart(m)
	if p == nil {
		return "", 0, false
	}
	text, _ := p.Text()
	res := safehtml.Sanitize(text, safehtml.Options{
		AllowRemote: allowRemote,
		CIDURL: func(cid string) string {
			return inlineBase + url.PathEscape(cid)
		},
	})
	return res.HTML, res.RemoteBlocked, true
}

// messageHTML serves the HTML body as its own document for the webmail's
// sandboxed iframe, behind a CSP that forbids script, forms and (until the
// user allows them with images=1) remote images.
func (s *Server) messageHTML(w http.ResponseWriter, r *http.Request) {
	m, raw, err := s.loadMessage(r)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	allow := r.URL.Query().Get("images") == "1"
	tok, err := s.inlineToken(r, m.ID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	base := "/api/v1/inline/" + tok + "/"
	body, _, ok := sanitized(base, message.Parse(raw), allow)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	csp := safehtml.CSP
	if allow {
		csp = safehtml.CSPAllowRemote
	}
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "SAMEORIGIN") // the webmail frames it; nobody else
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(safehtml.Document(body)))
}

// messageCID serves an inline part by its Content-ID (cid: images of the
// HTML body); only images are served as what they are.
func (s *Server) messageCID(w http.ResponseWriter, r *http.Request) {
	_, raw, err := s.loadMessage(r)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	s.serveCID(w, r, raw)
}

// serveCID serves the part of raw named by the cid path value; only images
// are served as what they are.
func (s *Server) serveCID(w http.ResponseWriter, r *http.Request, raw []byte) {
	want := r.PathValue("cid")
	var part *message.Part
	message.Parse(raw).Root.Walk(func(p *message.Part) bool {
		if part == nil && trimAngle(strings.TrimSpace(p.Header.Get("Content-Id"))) == want {
			part = p
		}
		return part == nil
	})
	if part == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	ct := "application/octet-stream"
	switch part.ContentType {
	case "image/png", "image/gif", "image/jpeg", "image/webp":
		ct = part.ContentType
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(part.Body())
}
