package send

// Read receipts (E6): a message sent with them on gets its records before
// it goes; a receipt that cannot be recorded does not stop the message.

import (
	"context"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/message"
)

// track records the recipients of a message about to go, each external
// one with his tracking image's token from images (nil: none); false when
// it could not (logged).
func (s *Service) track(ctx context.Context, a actor.Actor, env *Envelope, messageID, subject string, images map[string]string) bool {
	internal := make([]string, 0, len(env.Local))
	for _, r := range env.Local {
		internal = append(internal, r.Address)
	}
	if err := s.Receipts.TrackImages(ctx, a, env.From, messageID, subject, internal, env.Remote, images); err != nil {
		s.log().Warn("send: read receipts not recorded", "message", messageID, "err", err)
		return false
	}
	return true
}

// forget removes the records of a message that did not go.
func (s *Service) forget(ctx context.Context, a actor.Actor, messageID string) {
	if err := s.Receipts.Forget(ctx, a, messageID); err != nil {
		s.log().Warn("send: read receipts of an unsent message kept", "message", messageID, "err", err)
	}
}

// trackSubmitted records the recipients of a message a mail client
// submitted (SMTP) asking for a read receipt to the sender's own address
// (Disposition-Notification-To, as Outlook and Thunderbird write it),
// and returns its Message-ID ("" when not tracked). A message without a
// Message-ID is not tracked: the one delivery would give it is not known
// here, and clients asking for receipts always write one.
func (s *Service) trackSubmitted(ctx context.Context, a actor.Actor, env *Envelope, raw []byte) string {
	if s.Receipts == nil {
		return ""
	}
	h := message.Parse(raw).Header
	dnt := h.Addresses("Disposition-Notification-To")
	if len(dnt) == 0 || (!strings.EqualFold(dnt[0].Addr, env.From) && !strings.EqualFold(dnt[0].Addr, env.sender.Address())) {
		return ""
	}
	e := h.Envelope()
	if e.MessageID == "" {
		return ""
	}
	if !s.track(ctx, a, env, e.MessageID, e.Subject, nil) {
		return ""
	}
	return e.MessageID
}

// trackingImages are the tokens of the tracking images the external
// recipients of a webmail message get, by lower-cased address (nil:
// none), asked of the receipts service for an HTML message with receipts.
// The message is stored and queued without them: the queue puts each
// recipient's image into the copy it sends him alone (queue.Worker.Personal),
// so that internal recipients, the Sent copy and an undone draft carry none.
func (s *Service) trackingImages(ctx context.Context, a actor.Actor, req *Request, env *Envelope) map[string]string {
	if !req.ReadReceipt || s.Receipts == nil || strings.TrimSpace(req.HTML) == "" || len(env.Remote) == 0 {
		return nil
	}
	tokens, err := s.Receipts.TrackingImages(ctx, a, env.Remote)
	if err != nil {
		s.log().Warn("send: tracking image", "err", err)
		return nil
	}
	return tokens
}
