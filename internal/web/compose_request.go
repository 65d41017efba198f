package web

// The body of POST /api/v1/send, POST /api/v1/drafts and PUT
// /api/v1/drafts/{id}: one shape, so that a draft the UI reopens can be
// sent as it is. It becomes a send.Request; the webmail's own image URLs
// become the references they name (compose_images.go).

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"postroom/internal/send"
)

type composeRequest struct {
	To                  []addressInput  `json:"to"`
	Cc                  []addressInput  `json:"cc"`
	Bcc                 []addressInput  `json:"bcc"`
	Subject             string          `json:"subject"`
	HTML                string          `json:"html"`
	Text                string          `json:"text"`
	Attachments         []attachmentRef `json:"attachments"`
	SendIndividually    bool            `json:"send_individually"`
	SaveSent            *bool           `json:"save_sent"` // default true
	ReadReceipt         bool            `json:"read_receipt"`
	InReplyTo           int64           `json:"in_reply_to"`
	ForwardOf           int64           `json:"forward_of"`
	ForwardAsAttachment bool            `json:"forward_as_attachment"`
	// Sending only.
	SendAt  *time.Time `json:"send_at"`
	DraftID int64      `json:"draft_id"`
}

// addressInput is a recipient as the UI sends it: "Name <a@b>" or bare,
// or {"name": ..., "email": ...} as the API answers addresses.
type addressInput send.Address

func (a *addressInput) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &a.Text)
	}
	var o struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	a.Name, a.Email, a.Split = o.Name, o.Email, true
	return nil
}

// attachmentRef names a file to attach: an upload by its id (a number or
// {"upload": id}), or attachment n of one of the account's messages
// ({"message": id, "index": n}, the index of GET /api/v1/messages/{id}).
type attachmentRef struct {
	Upload  int64 `json:"upload"`
	Message int64 `json:"message"`
	Index   int   `json:"index"`
}

func (a *attachmentRef) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '{' {
		return json.Unmarshal(b, &a.Upload)
	}
	type plain attachmentRef
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	if (p.Upload == 0) == (p.Message == 0) {
		return errors.New("an attachment names an upload or a message")
	}
	*a = attachmentRef(p)
	return nil
}

// decodeCompose reads a compose request, bounded by max_json_size (and
// the message size): a request costs memory in proportion to it, many
// times over while the HTML is sanitised and the message built, so the
// bound is far below the message size; files and pasted pictures come as
// uploads. The body, once read, waits its turn at the gate
// (compose_gate.go); call done when the message is built and stored. ok
// is false when the answer was given.
func (s *Server) decodeCompose(w http.ResponseWriter, r *http.Request) (_ *send.Request, done func(), ok bool) {
	var req composeRequest
	limit := min(s.maxJSON(), s.Send.Limits(r.Context(), actorOf(sessionOf(r))).MaxMessageSize)
	raw, err := readBody(w, r, limit)
	if err != nil {
		s.failDecode(w, r, err)
		return nil, nil, false
	}
	n, capacity := int64(len(raw)), 2*s.maxJSON()
	if s.building.acquire(r.Context(), n, capacity) != nil {
		return nil, nil, false // the client has gone
	}
	done = func() { s.building.release(n, capacity) }
	if err := unmarshal(raw, &req); err != nil {
		done()
		s.failDecode(w, r, err)
		return nil, nil, false
	}
	if !s.composeIDsIn(&req) {
		done()
		s.fail(w, r, http.StatusNotFound, "not_found")
		return nil, nil, false
	}
	out := &send.Request{Subject: req.Subject, HTML: req.HTML, Text: req.Text, SendIndividually: req.SendIndividually,
		NoSentCopy: req.SaveSent != nil && !*req.SaveSent, ReadReceipt: req.ReadReceipt, InReplyTo: req.InReplyTo,
		ForwardOf: req.ForwardOf, ForwardAsAttachment: req.ForwardAsAttachment, DraftID: req.DraftID,
		Image: s.imageRef(r, sessionOf(r).accountID)}
	for _, l := range []struct {
		in  []addressInput
		out *[]send.Address
	}{{req.To, &out.To}, {req.Cc, &out.Cc}, {req.Bcc, &out.Bcc}} {
		for _, a := range l.in {
			*l.out = append(*l.out, send.Address(a))
		}
	}
	for _, a := range req.Attachments {
		out.Attachments = append(out.Attachments, send.FileRef(a))
	}
	if req.SendAt != nil {
		out.SendAt = *req.SendAt
	}
	return out, done, true
}

// composeIDsIn turns the API's ids of a compose request into the store's
// (0, none, stays 0); false when one names nothing.
func (s *Server) composeIDsIn(req *composeRequest) bool {
	ok := true
	in := func(kind idKind, v *int64) {
		if *v == 0 {
			return
		}
		id, good := s.inID(kind, *v)
		*v, ok = id, ok && good
	}
	in(idMessage, &req.InReplyTo)
	in(idMessage, &req.ForwardOf)
	in(idMessage, &req.DraftID)
	for i := range req.Attachments {
		in(idUpload, &req.Attachments[i].Upload)
		in(idMessage, &req.Attachments[i].Message)
	}
	return ok
}
