package web

// From a compose request to a message: the recipients parsed, the
// references (upload ids, message attachments, the message replied to or
// forwarded) resolved within the session's account only, and the message
// built by internal/compose. A reference to anything that is not the
// account's is a refError (404), exactly like one that does not exist.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"postroom/internal/compose"
	"postroom/internal/message"
	"postroom/internal/store"
)

// composed is a message built from a request, with what it used.
type composed struct {
	msg         *compose.Message
	to, cc, bcc []store.Address
	uploads     []int64        // uploads used, kept alive
	invalid     []fieldError   // recipients a draft left out
	reply       *store.Message // the message replied to
	forward     *store.Message // the message forwarded
}

// recipients are To, Cc and Bcc.
func (c *composed) recipients() []store.Address {
	return append(append(append([]store.Address{}, c.to...), c.cc...), c.bcc...)
}

// buildMessage composes req for the account. A draft keeps what the user
// is still typing: malformed recipients are left out and listed in
// invalid; a send refuses them. CR or LF is refused in both.
func (s *Server) buildMessage(r *http.Request, acct *store.Account, req *composeRequest, draft bool, date time.Time, extra []compose.Field) (*composed, error) {
	c := &composed{}
	d := &compose.Draft{From: store.Address{Name: acct.DisplayName, Addr: acct.Address()}, Subject: req.Subject,
		HTML: req.HTML, Text: req.Text, ReadReceipt: req.ReadReceipt, Date: date.In(accountZone(acct)), Extra: extra,
		Images: s.inlineImage(r, acct.ID, &c.uploads)}
	for _, l := range []struct {
		field string
		in    []addressInput
		out   *[]store.Address
	}{{"to", req.To, &d.To}, {"cc", req.Cc, &d.Cc}, {"bcc", req.Bcc, &d.Bcc}} {
		for _, in := range l.in {
			a, err := parseRecipient(l.field, in)
			var ce *compose.Error
			if draft && errors.As(err, &ce) && ce.Code == compose.CodeInvalidAddress {
				c.invalid = append(c.invalid, fieldError{Code: ce.Code, Message: localized(r, ce.Code), Field: ce.Field, Value: ce.Value})
				continue
			}
			if err != nil {
				return nil, err
			}
			*l.out = append(*l.out, a)
		}
	}
	c.to, c.cc, c.bcc = d.To, d.Cc, d.Bcc
	if err := s.threading(r, acct.ID, req, c, d); err != nil {
		return nil, err
	}
	if err := s.attachments(r, acct.ID, req.Attachments, c, d); err != nil {
		return nil, err
	}
	msg, err := compose.Build(d)
	if err != nil {
		return nil, err
	}
	if int64(len(msg.Raw)) > s.maxMessage() {
		return nil, &tooLarge{field: "attachments", limit: s.maxMessage()}
	}
	c.msg = msg
	return c, nil
}

// parseRecipient reads one recipient in either form.
func parseRecipient(field string, in addressInput) (store.Address, error) {
	if !in.object {
		return compose.ParseAddress(field, in.text)
	}
	a, err := compose.ParseAddress(field, in.email)
	if err != nil {
		return a, err
	}
	a.Name = strings.TrimSpace(in.name) // checked by compose.Build
	return a, nil
}

// threading sets In-Reply-To and References from the message replied to
// (RFC 5322 §3.6.4) or the References of a forward, and attaches a
// message forwarded as an attachment.
func (s *Server) threading(r *http.Request, accountID int64, req *composeRequest, c *composed, d *compose.Draft) error {
	if req.InReplyTo != 0 {
		m, raw, err := s.readMessage(r, accountID, req.InReplyTo)
		if err != nil {
			return &refError{field: "in_reply_to", err: err}
		}
		c.reply = m
		d.InReplyTo, d.References = m.Envelope.MessageID, message.Parse(raw).References()
	}
	if req.ForwardOf == 0 {
		return nil
	}
	m, raw, err := s.readMessage(r, accountID, req.ForwardOf)
	if err != nil {
		return &refError{field: "forward_of", err: err}
	}
	c.forward = m
	if c.reply == nil {
		d.References = append(message.Parse(raw).References(), m.Envelope.MessageID)
	}
	if req.ForwardAsAttachment {
		name := strings.TrimSpace(m.Envelope.Subject)
		if name == "" {
			name = "message"
		}
		d.Attachments = append(d.Attachments, &compose.Attachment{Filename: name + ".eml", ContentType: "message/rfc822", Data: raw})
	}
	return nil
}

// attachments reads the files the request names. The uploads' sizes are
// summed before any is read, so that a request over the limit reads none.
func (s *Server) attachments(r *http.Request, accountID int64, refs []attachmentRef, c *composed, d *compose.Draft) error {
	var total int64
	for _, ref := range refs {
		if ref.Upload == 0 {
			continue
		}
		u, err := s.Store.Upload(r.Context(), accountID, ref.Upload)
		if err != nil {
			return &refError{field: "attachments", err: fmt.Errorf("upload %d: %w", ref.Upload, err)}
		}
		if total += u.Size; total > s.maxUpload() {
			return &tooLarge{field: "attachments", limit: s.maxUpload()}
		}
	}
	for _, ref := range refs {
		a, err := s.attachment(r, accountID, ref)
		if err != nil {
			return &refError{field: "attachments", err: err}
		}
		if ref.Upload != 0 {
			c.uploads = append(c.uploads, ref.Upload)
		}
		d.Attachments = append(d.Attachments, a)
	}
	return nil
}

// attachment reads one file: an upload, or a message's attachment.
func (s *Server) attachment(r *http.Request, accountID int64, ref attachmentRef) (*compose.Attachment, error) {
	if ref.Upload != 0 {
		u, data, err := s.readUpload(r, accountID, ref.Upload)
		if err != nil {
			return nil, fmt.Errorf("upload %d: %w", ref.Upload, err)
		}
		return &compose.Attachment{Filename: u.Filename, ContentType: u.ContentType, Data: data}, nil
	}
	_, raw, err := s.readMessage(r, accountID, ref.Message)
	if err != nil {
		return nil, fmt.Errorf("message %d: %w", ref.Message, err)
	}
	atts := message.Parse(raw).Attachments()
	if ref.Index < 1 || ref.Index > len(atts) {
		return nil, fmt.Errorf("attachment %d of message %d: %w", ref.Index, ref.Message, store.ErrNotFound)
	}
	p := atts[ref.Index-1]
	return &compose.Attachment{Filename: p.Filename(), ContentType: p.ContentType, Data: p.Body()}, nil
}

// accountZone is the account's time zone (Date headers are written in it).
func accountZone(a *store.Account) *time.Location {
	if loc, err := time.LoadLocation(a.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}
