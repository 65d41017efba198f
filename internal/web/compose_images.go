package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"postroom/internal/compose"
	"postroom/internal/message"
)

// inlineImage resolves the webmail's own image URLs in an HTML body into
// pictures the message carries (compose.ImageFunc):
//   - /api/v1/uploads/{id}: an upload of the account (pasted, dropped);
//   - /api/v1/messages/{id}/cid/{cid}: an inline part of one of its
//     messages (a quoted original);
//   - /api/v1/inline/{token}/{cid}: the same, as the sandboxed reading view
//     names it, when the token grants one of the account's messages.
//
// Absolute URLs count only on this server's host. The uploads used are
// added to used.
func (s *Server) inlineImage(r *http.Request, accountID int64, used *[]int64) compose.ImageFunc {
	return func(src string) (*compose.Attachment, error) {
		u, err := url.Parse(src)
		if err != nil || u.Host != "" && u.Host != r.Host || u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
			return nil, nil
		}
		rest, ok := strings.CutPrefix(u.EscapedPath(), "/api/v1/")
		if !ok {
			return nil, nil
		}
		seg := strings.Split(rest, "/")
		for i := range seg {
			if seg[i], err = url.PathUnescape(seg[i]); err != nil {
				return nil, nil
			}
		}
		var messageID int64
		switch {
		case len(seg) == 2 && seg[0] == "uploads":
			id, _ := strconv.ParseInt(seg[1], 10, 64)
			up, data, err := s.readUpload(r, accountID, id)
			if err != nil {
				return nil, &refError{field: "html", err: fmt.Errorf("image upload %d: %w", id, err)}
			}
			*used = append(*used, id)
			return &compose.Attachment{Filename: up.Filename, ContentType: up.ContentType, Data: data}, nil
		case len(seg) == 4 && seg[0] == "messages" && seg[2] == "cid":
			messageID, _ = strconv.ParseInt(seg[1], 10, 64)
		case len(seg) == 3 && seg[0] == "inline":
			acct, id, ok := s.inlineKey().check(seg[1], s.now())
			if !ok || acct != accountID {
				return nil, nil
			}
			messageID = id
		default:
			return nil, nil
		}
		_, raw, err := s.readMessage(r, accountID, messageID)
		if err != nil {
			return nil, &refError{field: "html", err: fmt.Errorf("image of message %d: %w", messageID, err)}
		}
		p := partByCID(message.Parse(raw), seg[len(seg)-1])
		if p == nil {
			return nil, nil
		}
		name := p.Filename()
		if name == "" {
			name = "image"
		}
		return &compose.Attachment{Filename: name, ContentType: p.ContentType, Data: p.Body()}, nil
	}
}

// partByCID finds the part whose Content-ID is cid (without <>).
func partByCID(m *message.Message, cid string) *message.Part {
	var found *message.Part
	m.Root.Walk(func(p *message.Part) bool {
		if found == nil && !p.IsMultipart() && trimAngle(strings.TrimSpace(p.Header.Get("Content-Id"))) == cid {
			found = p
		}
		return found == nil
	})
	return found
}

// readBlob reads a whole blob.
func (s *Server) readBlob(key string) ([]byte, error) {
	b, err := s.Blobs.Open(key)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", key, err)
	}
	defer b.Close()
	return io.ReadAll(b)
}
