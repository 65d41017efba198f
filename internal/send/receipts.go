package send

// Read receipts (E6): a message sent with them on gets its records before
// it goes; a receipt that cannot be recorded does not stop the message.

import (
	"context"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/message"
)

// track records the recipients of a message about to go; false when it
// could not (logged).
func (s *Service) track(ctx context.Context, a actor.Actor, env *Envelope, messageID, subject string) bool {
	internal := make([]string, 0, len(env.Local))
	for _, r := range env.Local {
		internal = append(internal, r.Address)
	}
	if err := s.Receipts.Track(ctx, a, env.From, messageID, subject, internal, env.Remote); err != nil {
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
	if !s.track(ctx, a, env, e.MessageID, e.Subject) {
		return ""
	}
	return e.MessageID
}

// trackingImage is the token of the tracking image the message gets ("":
// none): asked of the receipts service for an HTML message with receipts.
func (s *Service) trackingImage(ctx context.Context, a actor.Actor, req *Request, env *Envelope) string {
	if !req.ReadReceipt || s.Receipts == nil || strings.TrimSpace(req.HTML) == "" {
		return ""
	}
	internal := make([]string, 0, len(env.Local))
	for _, r := range env.Local {
		internal = append(internal, r.Address)
	}
	tok, err := s.Receipts.TrackingImage(ctx, a, internal, env.Remote)
	if err != nil {
		s.log().Warn("send: tracking image", "err", err)
		return ""
	}
	return tok
}

// trackImage records the message's one external recipient with its image.
func (s *Service) trackImage(ctx context.Context, a actor.Actor, env *Envelope, messageID, subject, token string) bool {
	if err := s.Receipts.TrackImage(ctx, a, env.From, messageID, subject, env.Remote[0], token); err != nil {
		s.log().Warn("send: read receipts not recorded", "message", messageID, "err", err)
		return false
	}
	return true
}
