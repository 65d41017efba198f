package send

// From the compose screen's request to a message: the recipients parsed,
// the references (uploads, attachments of messages, the message replied
// to or forwarded, pictures of the HTML body) resolved within the actor's
// account only, and the message built by internal/compose. A reference to
// anything that is not the account's is a CodeNotFound Error, exactly
// like one that does not exist.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/compose"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Request is what the compose screen sends: a message to send, or to save
// as a draft (one shape, so that a draft reopened can be sent as it is).
type Request struct {
	To, Cc, Bcc []Address
	Subject     string
	HTML, Text  string
	Attachments []FileRef
	// SendIndividually gives every recipient his own copy with only
	// himself in To and no Cc (E3-2).
	SendIndividually bool
	NoSentCopy       bool // keep no copy in Sent
	ReadReceipt      bool // ask for one (RFC 8098)
	// InReplyTo and ForwardOf are the account's message replied to or
	// forwarded; ForwardAsAttachment attaches the forwarded one whole.
	InReplyTo, ForwardOf int64
	ForwardAsAttachment  bool
	// Image names the picture an image of the HTML body shows when its
	// src is one of the adapter's own URLs; nil for any other src, which
	// stays as it is. The adapter knows its URLs; the service checks that
	// what they name is the account's.
	Image func(src string) *ImageRef

	// Sending only.
	SendAt     time.Time // a scheduled send; zero: after the undo delay
	DraftID    int64     // the draft this send came from: removed once sent
	RemoteAddr string    // who asked, for the Received field
}

// Address is a recipient as the user gave it: "Name <a@b>", "<a@b>" or
// "a@b" in Text, or with Split a name and an address apart.
type Address struct {
	Text        string
	Name, Email string
	Split       bool
}

// FileRef names a file to attach: an upload, or attachment Index
// (counted from 1, as message.Attachments lists them) of one of the
// account's messages.
type FileRef struct {
	Upload  int64
	Message int64
	Index   int
}

// ImageRef names a picture: the upload Upload, or, with a CID, the part of
// one of the account's messages with that Content-ID (without <>).
type ImageRef struct {
	Upload  int64
	Message int64
	CID     string
}

// composed is a message built from a request, with what it used.
type composed struct {
	msg         *compose.Message
	to, cc, bcc []store.Address
	uploads     []int64          // uploads used, kept alive
	invalid     []*compose.Error // recipients a draft left out
	reply       *store.Message   // the message replied to
	forward     *store.Message   // the message forwarded
}

// answers is the message the send marks \Answered, 0 when none or when
// it was answered before (an undo then leaves its flag alone).
func (c *composed) answers() int64 {
	if c.reply == nil || c.reply.HasFlag(store.FlagAnswered) {
		return 0
	}
	return c.reply.ID
}

// build composes req for the account. A draft keeps what the user is
// still typing: malformed recipients are left out and listed in invalid;
// a send refuses them. CR or LF is refused in both.
func (s *Service) build(ctx context.Context, a actor.Actor, acct *store.Account, req *Request, draft bool, date time.Time, extra []compose.Field) (*composed, error) {
	c := &composed{}
	d := &compose.Draft{From: store.Address{Name: acct.DisplayName, Addr: acct.Address()}, Subject: req.Subject,
		HTML: req.HTML, Text: req.Text, ReadReceipt: req.ReadReceipt, Date: date.In(zoneOf(acct)), Extra: extra,
		Images: s.images(ctx, a, acct.ID, req, &c.uploads)}
	for _, l := range []struct {
		field string
		in    []Address
		out   *[]store.Address
	}{{"to", req.To, &d.To}, {"cc", req.Cc, &d.Cc}, {"bcc", req.Bcc, &d.Bcc}} {
		for _, in := range l.in {
			addr, err := parseRecipient(l.field, in)
			var ce *compose.Error
			if draft && errors.As(err, &ce) && ce.Code == compose.CodeInvalidAddress {
				c.invalid = append(c.invalid, ce)
				continue
			}
			if err != nil {
				return nil, err
			}
			*l.out = append(*l.out, addr)
		}
	}
	c.to, c.cc, c.bcc = d.To, d.Cc, d.Bcc
	if err := s.threading(ctx, a, req, c, d); err != nil {
		return nil, err
	}
	if err := s.attachments(ctx, a, acct.ID, req.Attachments, c, d); err != nil {
		return nil, err
	}
	msg, err := compose.Build(d)
	if err != nil {
		return nil, err
	}
	if int64(len(msg.Raw)) > s.maxMessage() {
		return nil, &Error{Code: CodeTooLarge, Field: "attachments", Limit: s.maxMessage()}
	}
	c.msg = msg
	return c, nil
}

// parseRecipient reads one recipient in either form.
func parseRecipient(field string, in Address) (store.Address, error) {
	if !in.Split {
		return compose.ParseAddress(field, in.Text)
	}
	a, err := compose.ParseAddress(field, in.Email)
	if err != nil {
		return a, err
	}
	a.Name = strings.TrimSpace(in.Name) // checked by compose.Build
	return a, nil
}

// threading sets In-Reply-To and References from the message replied to
// (RFC 5322 §3.6.4) or the References of a forward, and attaches a
// message forwarded as an attachment.
func (s *Service) threading(ctx context.Context, a actor.Actor, req *Request, c *composed, d *compose.Draft) error {
	if req.InReplyTo != 0 {
		m, raw, err := s.Mail.Load(ctx, a, req.InReplyTo)
		if err != nil {
			return refError("in_reply_to", err)
		}
		c.reply = m
		d.InReplyTo, d.References = m.Envelope.MessageID, message.Parse(raw).References()
	}
	if req.ForwardOf == 0 {
		return nil
	}
	m, raw, err := s.Mail.Load(ctx, a, req.ForwardOf)
	if err != nil {
		return refError("forward_of", err)
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
func (s *Service) attachments(ctx context.Context, a actor.Actor, accountID int64, refs []FileRef, c *composed, d *compose.Draft) error {
	var total int64
	for _, ref := range refs {
		if ref.Upload == 0 {
			continue
		}
		u, err := s.Store.Upload(ctx, accountID, ref.Upload)
		if err != nil {
			return refError("attachments", fmt.Errorf("upload %d: %w", ref.Upload, err))
		}
		if total += u.Size; total > s.maxUpload() {
			return &Error{Code: CodeTooLarge, Field: "attachments", Limit: s.maxUpload()}
		}
	}
	for _, ref := range refs {
		f, err := s.attachment(ctx, a, accountID, ref)
		if err != nil {
			return refError("attachments", err)
		}
		if ref.Upload != 0 {
			c.uploads = append(c.uploads, ref.Upload)
		}
		d.Attachments = append(d.Attachments, f)
	}
	return nil
}

// attachment reads one file: an upload, or a message's attachment.
func (s *Service) attachment(ctx context.Context, a actor.Actor, accountID int64, ref FileRef) (*compose.Attachment, error) {
	if ref.Upload != 0 {
		u, data, err := s.liveUpload(ctx, accountID, ref.Upload)
		if err != nil {
			return nil, fmt.Errorf("upload %d: %w", ref.Upload, err)
		}
		return &compose.Attachment{Filename: u.Filename, ContentType: u.ContentType, Data: data}, nil
	}
	_, raw, err := s.Mail.Load(ctx, a, ref.Message)
	if err != nil {
		return nil, err
	}
	atts := message.Parse(raw).Attachments()
	if ref.Index < 1 || ref.Index > len(atts) {
		return nil, fmt.Errorf("attachment %d of message %d: %w", ref.Index, ref.Message, store.ErrNotFound)
	}
	p := atts[ref.Index-1]
	return &compose.Attachment{Filename: p.Filename(), ContentType: p.ContentType, Data: p.Body()}, nil
}

// images resolves the pictures of the HTML body that req.Image names
// (compose.ImageFunc): an upload of the account (pasted, dropped), or an
// inline part of one of its messages (a quoted original keeps its
// pictures). The uploads used are added to used.
func (s *Service) images(ctx context.Context, a actor.Actor, accountID int64, req *Request, used *[]int64) compose.ImageFunc {
	return func(src string) (*compose.Attachment, error) {
		if req.Image == nil {
			return nil, nil
		}
		ref := req.Image(src)
		if ref == nil {
			return nil, nil
		}
		if ref.CID == "" {
			up, data, err := s.liveUpload(ctx, accountID, ref.Upload)
			if err != nil {
				return nil, refError("html", fmt.Errorf("image upload %d: %w", ref.Upload, err))
			}
			*used = append(*used, ref.Upload)
			return &compose.Attachment{Filename: up.Filename, ContentType: up.ContentType, Data: data}, nil
		}
		_, raw, err := s.Mail.Load(ctx, a, ref.Message)
		if err != nil {
			return nil, refError("html", fmt.Errorf("image of message %d: %w", ref.Message, err))
		}
		p := partByCID(message.Parse(raw), ref.CID)
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
		if found == nil && !p.IsMultipart() && p.ContentID() == cid {
			found = p
		}
		return found == nil
	})
	return found
}

// zoneOf is the account's time zone: a message's Date is written in it.
func zoneOf(a *store.Account) *time.Location {
	if loc, err := time.LoadLocation(a.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}
