package web

// GET /api/v1/drafts/{id}: a draft (one the webmail saved, or a mail
// client's over IMAP) as the editor shows it, changing nothing (a GET is
// safe, RFC 9110 §9.2.1): its files are named as the draft's own
// attachments and its inline images by the draft's parts, which a save or
// a send can use while the draft exists. To edit it, reopen it
// (draft_reopen.go). The HTML is sanitised: the editor runs in the
// webmail's own origin.

import (
	"net/http"
	"time"

	"postroom/internal/send"
)

type draftJSON struct {
	ID               int64           `json:"id"`
	MessageID        string          `json:"message_id"`
	Date             time.Time       `json:"date"`
	To               []addressJSON   `json:"to"`
	Cc               []addressJSON   `json:"cc"`
	Bcc              []addressJSON   `json:"bcc"`
	Subject          string          `json:"subject"`
	HTML             string          `json:"html"`
	Text             string          `json:"text"`
	Attachments      []draftFileJSON `json:"attachments"`
	InReplyTo        int64           `json:"in_reply_to,omitempty"`
	ForwardOf        int64           `json:"forward_of,omitempty"`
	SendIndividually bool            `json:"send_individually"`
	SaveSent         bool            `json:"save_sent"`
	ReadReceipt      bool            `json:"read_receipt"`
}

// draftFileJSON is a file of a draft: read, attachment index of message
// (as a compose request names it); reopened, an upload (id, expires).
type draftFileJSON struct {
	ID          int64      `json:"id,omitempty"`
	Message     int64      `json:"message,omitempty"`
	Index       int        `json:"index,omitempty"`
	Filename    string     `json:"filename"`
	Size        int64      `json:"size"`
	ContentType string     `json:"content_type"`
	Expires     *time.Time `json:"expires,omitempty"`
}

func (s *Server) draftGet(w http.ResponseWriter, r *http.Request) {
	id, _ := s.pathID(r, idMessage, "id")
	d, err := s.Send.Draft(r.Context(), actorOf(sessionOf(r)), id, s.imageURL)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.draftOf(d))
}

func (s *Server) draftOf(d *send.OpenDraft) draftJSON {
	out := draftJSON{ID: s.outID(idMessage, d.ID), MessageID: d.MessageID, Date: d.Date, To: addressesJSON(d.To), Cc: addressesJSON(d.Cc),
		Bcc: addressesJSON(d.Bcc), Subject: d.Subject, HTML: d.HTML, Text: d.Text, Attachments: []draftFileJSON{},
		InReplyTo: s.outID(idMessage, d.InReplyTo), ForwardOf: s.outID(idMessage, d.ForwardOf), SendIndividually: d.Individually, SaveSent: d.SaveSent,
		ReadReceipt: d.ReadReceipt}
	for _, f := range d.Files {
		j := draftFileJSON{Message: s.outID(idMessage, d.ID), Index: f.Index, Filename: f.Filename, Size: f.Size, ContentType: f.ContentType}
		if u := f.Upload; u != nil {
			j = draftFileJSON{ID: s.outID(idUpload, u.ID), Filename: u.Filename, Size: u.Size, ContentType: u.ContentType, Expires: &u.ExpiresAt}
		}
		out.Attachments = append(out.Attachments, j)
	}
	return out
}
