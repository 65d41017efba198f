package web

// The webmail's own image URLs in an HTML body, both ways: a message being
// written names its pictures by the URLs the editor shows them from, and
// the send service carries the picture each names (send.ImageRef); a draft
// reopened names its pictures by such URLs again.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"postroom/internal/send"
)

// imageRef reads an image URL of an HTML body being written:
//   - /api/v1/uploads/{id}: an upload (pasted, dropped);
//   - /api/v1/messages/{id}/cid/{cid}: an inline part of a message (a
//     quoted original);
//   - /api/v1/inline/{token}/{cid}: the same, as the sandboxed reading
//     view names it, when the token grants one of the account's messages.
//
// Absolute URLs count only on this server's host; anything else is not
// ours (nil) and stays as it is. Whether an upload or message is the
// account's is the service's to check.
func (s *Server) imageRef(r *http.Request, accountID int64) func(src string) *send.ImageRef {
	return func(src string) *send.ImageRef {
		u, err := url.Parse(src)
		if err != nil || u.Host != "" && u.Host != r.Host || u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
			return nil
		}
		rest, ok := strings.CutPrefix(u.EscapedPath(), "/api/v1/")
		if !ok {
			return nil
		}
		seg := strings.Split(rest, "/")
		for i := range seg {
			if seg[i], err = url.PathUnescape(seg[i]); err != nil {
				return nil
			}
		}
		switch {
		case len(seg) == 2 && seg[0] == "uploads":
			id := s.imageID(idUpload, seg[1])
			return &send.ImageRef{Upload: id} // 0 names no upload: not_found
		case len(seg) == 4 && seg[0] == "messages" && seg[2] == "cid" && seg[3] != "":
			return &send.ImageRef{Message: s.imageID(idMessage, seg[1]), CID: seg[3]}
		case len(seg) == 3 && seg[0] == "inline" && seg[2] != "":
			acct, id, ok := s.inlineGrant(r.Context(), seg[1])
			if !ok || acct != accountID {
				return nil
			}
			return &send.ImageRef{Message: id, CID: seg[2]}
		}
		return nil
	}
}

// imageID is the store id an image URL names; 0 (found by nobody) when
// it names none.
func (s *Server) imageID(kind idKind, seg string) int64 {
	ext, err := strconv.ParseInt(seg, 10, 64)
	if err != nil {
		return 0
	}
	id, _ := s.inID(kind, ext)
	return id
}

// imageURL is the URL the editor shows a draft's picture from.
func (s *Server) imageURL(ref send.ImageRef) string {
	if ref.CID == "" {
		return "/api/v1/uploads/" + strconv.FormatInt(s.outID(idUpload, ref.Upload), 10)
	}
	return "/api/v1/messages/" + strconv.FormatInt(s.outID(idMessage, ref.Message), 10) + "/cid/" + url.PathEscape(ref.CID)
}
