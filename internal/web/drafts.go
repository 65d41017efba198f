package web

// Drafts (E3-3): POST /api/v1/drafts and PUT /api/v1/drafts/{id} store the
// message being written as a real message in Drafts (IMAP clients see it,
// flagged \Draft); PUT replaces, so the id changes with every save. What
// the header cannot say (the message replied to or forwarded, send
// individually, save to Sent) rides in an X-Postroom-Draft field that is
// never sent: a send builds its message afresh.

import (
	"net/http"
	"strconv"
	"strings"

	"postroom/internal/compose"
)

const draftHeader = "X-Postroom-Draft"

// draftInfo is the X-Postroom-Draft value of a request ("" when there is
// nothing to say): "reply=42; forward=43; individually=1; save-sent=0".
func draftInfo(req *composeRequest) string {
	var parts []string
	if req.InReplyTo != 0 {
		parts = append(parts, "reply="+strconv.FormatInt(req.InReplyTo, 10))
	}
	if req.ForwardOf != 0 {
		parts = append(parts, "forward="+strconv.FormatInt(req.ForwardOf, 10))
	}
	if req.SendIndividually {
		parts = append(parts, "individually=1")
	}
	if !req.saveSent() {
		parts = append(parts, "save-sent=0")
	}
	return strings.Join(parts, "; ")
}

// draftState is what an X-Postroom-Draft value says.
type draftState struct {
	reply, forward int64
	individually   bool
	saveSent       bool
}

func parseDraftInfo(v string) draftState {
	st := draftState{saveSent: true}
	for _, part := range strings.Split(v, ";") {
		key, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		n, _ := strconv.ParseInt(val, 10, 64)
		switch key {
		case "reply":
			st.reply = n
		case "forward":
			st.forward = n
		case "individually":
			st.individually = val == "1"
		case "save-sent":
			st.saveSent = val != "0"
		}
	}
	return st
}

type draftSaved struct {
	ID        int64        `json:"id"`
	MessageID string       `json:"message_id"`
	Invalid   []fieldError `json:"invalid"` // recipients left out of the draft
}

// draftCreate saves a new draft.
func (s *Server) draftCreate(w http.ResponseWriter, r *http.Request) {
	s.draftSave(w, r, 0, http.StatusCreated)
}

// draftUpdate replaces a draft: the answer names the new message.
func (s *Server) draftUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	s.draftSave(w, r, id, http.StatusOK)
}

func (s *Server) draftSave(w http.ResponseWriter, r *http.Request, replaceID int64, status int) {
	req, acct, ok := s.decodeCompose(w, r)
	if !ok {
		return
	}
	if replaceID != 0 {
		if _, err := s.Mail.Draft(r.Context(), actorOf(sessionOf(r)), replaceID); err != nil {
			s.storeFail(w, r, err) // not a draft of the account: 404 before anything is built
			return
		}
	}
	var extra []compose.Field
	if info := draftInfo(req); info != "" {
		extra = append(extra, compose.Field{Name: draftHeader, Value: info})
	}
	c, err := s.buildMessage(r, acct, req, true, s.now(), extra)
	if err != nil {
		s.composeFail(w, r, err)
		return
	}
	m, err := s.storeDraft(r, acct.ID, c.msg.Raw, replaceID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	if err := s.Store.TouchUploads(r.Context(), acct.ID, c.uploads, s.now().Add(uploadLife)); err != nil {
		s.log().Warn("touch uploads", "err", err)
	}
	invalid := c.invalid
	if invalid == nil {
		invalid = []fieldError{}
	}
	writeJSON(w, status, draftSaved{ID: m.ID, MessageID: c.msg.MessageID, Invalid: invalid})
}

// draftDelete discards a draft: to Trash (mail.DiscardDraft), or for good
// with ?permanent=1.
func (s *Server) draftDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	discard := s.Mail.DiscardDraft
	if isTrue(r.URL.Query().Get("permanent")) {
		discard = s.Mail.DeleteDraft
	}
	if err := discard(r.Context(), actorOf(sessionOf(r)), id); err != nil {
		s.storeFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
