package web

// GET /api/v1/drafts/{id}: a draft reopened in the editor, whoever wrote
// it (the webmail, or a mail client over IMAP). Its files become uploads
// again, so that the answer's ids go straight back into a save or a send
// even after the draft is replaced; its inline images are shown from
// those uploads. The HTML is sanitised: the editor runs in the webmail's
// own origin.

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"postroom/internal/message"
	"postroom/internal/safehtml"
	"postroom/internal/store"
)

type draftJSON struct {
	ID               int64         `json:"id"`
	MessageID        string        `json:"message_id"`
	Date             time.Time     `json:"date"`
	To               []addressJSON `json:"to"`
	Cc               []addressJSON `json:"cc"`
	Bcc              []addressJSON `json:"bcc"`
	Subject          string        `json:"subject"`
	HTML             string        `json:"html"`
	Text             string        `json:"text"`
	Attachments      []uploadJSON  `json:"attachments"`
	InReplyTo        int64         `json:"in_reply_to,omitempty"`
	ForwardOf        int64         `json:"forward_of,omitempty"`
	SendIndividually bool          `json:"send_individually"`
	SaveSent         bool          `json:"save_sent"`
	ReadReceipt      bool          `json:"read_receipt"`
}

func (s *Server) draftGet(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r, "id")
	acct := sessionOf(r).accountID
	m, err := s.Mail.Draft(r.Context(), actorOf(sessionOf(r)), id)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	raw, err := s.readBlob(m.BlobKey)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	p := message.Parse(raw)
	st := parseDraftInfo(p.Header.Get(draftHeader))
	env := p.Envelope()
	out := draftJSON{ID: m.ID, MessageID: env.MessageID, Date: env.Date, To: addressesJSON(env.To), Cc: addressesJSON(env.Cc),
		Bcc: addressesJSON(env.Bcc), Subject: env.Subject, Text: p.Text(), Attachments: []uploadJSON{},
		InReplyTo: st.reply, ForwardOf: st.forward, SendIndividually: st.individually, SaveSent: st.saveSent,
		ReadReceipt: p.Header.Has("Disposition-Notification-To")}
	reopen := &reopened{s: s, r: r, accountID: acct, uploads: map[*message.Part]*store.Upload{}}
	if hp := htmlPart(p); hp != nil {
		src, _ := hp.Text()
		out.HTML = safehtml.Sanitize(src, safehtml.Options{AllowRemote: true, CIDURL: func(cid string) string {
			part := partByCID(p, cid)
			if part == nil {
				return ""
			}
			u := reopen.upload(part)
			if u == nil {
				return ""
			}
			return "/api/v1/uploads/" + strconv.FormatInt(u.ID, 10)
		}}).HTML
	}
	for _, part := range p.Attachments() {
		if reopen.uploads[part] != nil {
			continue // an inline image of the HTML
		}
		if u := reopen.upload(part); u != nil {
			out.Attachments = append(out.Attachments, uploadOf(u))
		}
	}
	if reopen.err != nil {
		s.storeFail(w, r, reopen.err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// reopened turns a draft's parts into uploads, each part once.
type reopened struct {
	s         *Server
	r         *http.Request
	accountID int64
	uploads   map[*message.Part]*store.Upload
	err       error // the first failure
}

func (o *reopened) upload(p *message.Part) *store.Upload {
	if u := o.uploads[p]; u != nil || o.err != nil {
		return u
	}
	ctx, data := o.r.Context(), p.Body()
	key, size, err := o.s.Blobs.Put(ctx, bytes.NewReader(data))
	if err != nil {
		o.err = fmt.Errorf("reopen draft part: %w", err)
		return nil
	}
	name := p.Filename()
	if name == "" {
		name = "image"
	}
	u := &store.Upload{AccountID: o.accountID, BlobKey: key, Size: size, Filename: name, ContentType: p.ContentType,
		ExpiresAt: o.s.now().Add(uploadLife)}
	if err := o.s.Store.CreateUpload(ctx, u); err != nil {
		o.err = fmt.Errorf("reopen draft part: %w", err)
		return nil
	}
	o.uploads[p] = u
	return u
}
