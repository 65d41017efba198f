package receipts

// The tracking image (E6): for an external recipient, besides a returned
// MDN, the only signal of a read. Off by default; a domain turns it on
// (store.Domain.TrackingImage). A message sent with receipts and an HTML
// body gives each external recipient a token of his own (TrackingImages),
// kept on his record (TrackImages); the message itself, as stored and
// queued, carries no image. The outbound queue asks, as it sends to an
// external recipient, for that recipient's copy (ImageCopies): the same
// message with his image put into its HTML, sent to him alone. So the
// image's token names one record however many recipients the message
// has, and only these copies carry one: internal recipients (their reads
// are exact), the sender's Sent copy, the draft an undo gives back, and
// other recipients never see another's token.
//
// The image's URL is all it reveals: an unguessable token (128 random
// bits); its first fetch marks the record read; any other token, or a
// fetch by the sender himself (with his session), says nothing. The
// handler answers every token with the same image (an unknown one with
// 404).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/store"
)

// TrackingImages says which external recipients of a message the actor
// sends with receipts, from his account, get a tracking image: a fresh
// token for each (keyed by the lower-cased address), or nil for none (no
// image URL configured, or the sender's domain has the image off).
func (s *Service) TrackingImages(ctx context.Context, a actor.Actor, external []string) (map[string]string, error) {
	accountID, err := own(a)
	if err != nil || s.ImageURL == nil || len(external) == 0 {
		return nil, err
	}
	acct, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", accountID, err)
	}
	d, err := s.Store.DomainByID(ctx, acct.DomainID)
	if err != nil {
		return nil, fmt.Errorf("domain of account %d: %w", accountID, err)
	}
	if !d.TrackingImage {
		return nil, nil
	}
	tokens := make(map[string]string, len(external))
	for _, addr := range external {
		tokens[strings.ToLower(addr)] = token(16)
	}
	return tokens, nil
}

// ImageHTML is the image to put into the HTML body for token.
func (s *Service) ImageHTML(token string) string {
	return `<img src="` + s.ImageURL(token) + `" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`
}

// ImageCopies is the outbound queue's hook (queue.Worker.Personal): of the
// recipients rcpts of a message the account sends (raw, as it goes: Bcc
// removed), the copies that carry a tracking image, by lower-cased
// address; nil when none does. Only an external recipient with a token
// on his record gets one, and only when the message has an HTML body.
func (s *Service) ImageCopies(ctx context.Context, accountID int64, raw []byte, rcpts []string) map[string][]byte {
	if s.ImageURL == nil || accountID == 0 || len(rcpts) == 0 {
		return nil
	}
	// compose.Build asks for a receipt with this field whenever
	// 수신확인 is on: a message without it has no records to look up, and
	// its header alone says so (the queue asks of every user's message)
	head := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head = raw[:i+4]
	}
	h := message.Parse(head).Header
	if len(h.Addresses("Disposition-Notification-To")) == 0 {
		return nil
	}
	id := h.Envelope().MessageID
	if id == "" {
		return nil
	}
	rs, err := s.Store.MessageReceipts(ctx, accountID, id)
	if err != nil {
		s.log().Warn("receipts: tracking image copies", "message", id, "err", err)
		return nil // the message goes without its images rather than not at all
	}
	var out map[string][]byte
	for _, r := range rs {
		if r.Token == "" || r.Internal {
			continue
		}
		for _, addr := range rcpts {
			if !strings.EqualFold(addr, r.Recipient) {
				continue
			}
			c, ok := withImage(raw, s.ImageHTML(r.Token))
			if !ok {
				return nil
			}
			if out == nil {
				out = map[string][]byte{}
			}
			out[strings.ToLower(addr)] = c
		}
	}
	return out
}

// TrackImages records the recipients of a message like Track, each
// external recipient with his tracking image's token from tokens
// (TrackingImages; one without a token has no image).
func (s *Service) TrackImages(ctx context.Context, a actor.Actor, from, messageID, subject string, internal, external []string, tokens map[string]string) error {
	accountID, err := own(a)
	if err != nil {
		return err
	}
	return s.track(ctx, accountID, from, messageID, subject, internal, external, tokens)
}

// ImageFetched records the fetch of the tracking image token by viewer
// (the session fetching it, if any; actor.Actor{} for none): the first
// marks its record read. A fetch by the sender's own account is not a
// read. false: no image has that token.
func (s *Service) ImageFetched(ctx context.Context, tok string, viewer actor.Actor) bool {
	if len(tok) != 32 {
		return false
	}
	r, err := s.Store.ReceiptByToken(ctx, tok)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false
	case err != nil:
		s.log().Warn("receipts: tracking image", "err", err)
		return true // the store's trouble: not the fetcher's to learn
	case r.Internal:
		return false
	}
	if id, ok := viewer.OwnAccount(); ok && id == r.AccountID {
		return true
	}
	won, err := s.Store.SetReceiptStatus(ctx, r.ID, []store.ReceiptStatus{store.ReceiptUnknown}, store.ReceiptRead, s.now())
	if err != nil {
		s.log().Warn("receipts: tracking image", "receipt", r.ID, "err", err)
	}
	if won {
		s.changed(r.AccountID)
	}
	return true
}
