package web

import (
	"context"
	"net/http"
)

// The HTML body is shown in a sandboxed iframe with an opaque origin, and
// browsers send no SameSite cookie with the requests of such a document:
// its cid: images cannot ride on the session. The document names them by
// a short-lived capability instead, made and checked by the mailbox
// service (mail.Service.InlineToken): it grants the inline parts of one
// message of one account, nothing else, on every node and after a
// restart.

// inlineToken is the capability for the inline parts of one of the
// session's messages.
func (s *Server) inlineToken(r *http.Request, messageID int64) (string, error) {
	return s.Mail.InlineToken(r.Context(), sessionOf(r).actor, messageID, s.now())
}

// inlineGrant reads a capability: the account and message it grants.
func (s *Server) inlineGrant(ctx context.Context, token string) (accountID, messageID int64, ok bool) {
	a, id, err := s.Mail.InlineGrant(ctx, token, s.now())
	if err != nil {
		return 0, 0, false
	}
	return a.AccountID, id, true
}

// inlinePart serves GET /api/v1/inline/{token}/{cid}: the cid: images of
// the sandboxed HTML view.
func (s *Server) inlinePart(w http.ResponseWriter, r *http.Request) {
	a, id, err := s.Mail.InlineGrant(r.Context(), r.PathValue("token"), s.now())
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	_, raw, err := s.Mail.Load(r.Context(), a, id)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	s.serveCID(w, r, raw)
}
