package web

// Read receipts on the recipient's side (RFC 8098, E6 privacy): the reader
// learns from GET /api/v1/messages/{id} ("mdn") whether to ask or to send,
// and answers here. What may be answered is the receipts service's rule.

import (
	"errors"
	"net/http"

	"postroom/internal/receipts"
	"postroom/internal/store"
)

// mdnJSON is the "mdn" of a message asking for a read receipt.
type mdnJSON struct {
	Action string `json:"action"` // "ask" or "send"
	To     string `json:"to"`
}

// mdnOffer is what the reader does about m's request; nil: nothing.
func (s *Server) mdnOffer(r *http.Request, m *store.Message, raw []byte) *mdnJSON {
	if s.Receipts == nil {
		return nil
	}
	o, err := s.Receipts.MDNOffer(r.Context(), sessionOf(r).actor, m, raw)
	if err != nil {
		s.log().Warn("web: read receipt request", "message", m.ID, "err", err)
		return nil
	}
	if o == nil {
		return nil
	}
	return &mdnJSON{Action: o.Action, To: o.To}
}

// messageMDN answers a message's request: {"send": true} sends the read
// receipt (the user confirmed; "automatic": true when the reader acts on
// the "always" setting), {"send": false} refuses it for good.
func (s *Server) messageMDN(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMessage, "id")
	if !ok || s.Receipts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		Send      *bool `json:"send"`
		Automatic bool  `json:"automatic"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if req.Send == nil {
		s.failField(w, r, http.StatusBadRequest, "required", "send", "")
		return
	}
	err := s.Receipts.Respond(r.Context(), sessionOf(r).actor, id, *req.Send, req.Automatic)
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, map[string]any{"sent": *req.Send})
	case errors.Is(err, receipts.ErrNoRequest):
		s.fail(w, r, http.StatusConflict, "no_request")
	case errors.Is(err, receipts.ErrForbidden):
		s.fail(w, r, http.StatusForbidden, "forbidden")
	case s.failHourlyLimit(w, r, err):
	case isComposeError(err):
		s.composeFail(w, r, err)
	default:
		s.storeFail(w, r, err)
	}
}
