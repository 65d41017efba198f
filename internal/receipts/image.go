package receipts

// The tracking image (E6): for an external recipient, besides a returned
// MDN, the only signal of a read. Off by default; a domain turns it on
// (store.Domain.TrackingImage). It is put only into the HTML of a message
// sent with receipts to exactly one recipient, external: the message is
// then that recipient's alone, so the image's token names one record (a
// message to several would need a copy per recipient, which the send path
// does not make; see docs/api.md). Internal recipients never get one:
// their reads are exact.
//
// The image's URL is all it reveals: an unguessable token (128 random
// bits); its first fetch marks the record read; any other token, or a
// fetch by the sender himself (his Sent copy holds the same image), says
// nothing. The handler answers every token with the same image (an
// unknown one with 404).

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// TrackingImage says whether a message the actor sends with receipts,
// from his account, to recipients (internal: hosted here) gets a tracking
// image: its token, or "" for none.
func (s *Service) TrackingImage(ctx context.Context, a actor.Actor, internal, external []string) (string, error) {
	accountID, err := own(a)
	if err != nil || s.ImageURL == nil || len(internal) != 0 || len(external) != 1 {
		return "", err
	}
	acct, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return "", fmt.Errorf("account %d: %w", accountID, err)
	}
	d, err := s.Store.DomainByID(ctx, acct.DomainID)
	if err != nil {
		return "", fmt.Errorf("domain of account %d: %w", accountID, err)
	}
	if !d.TrackingImage {
		return "", nil
	}
	return token(16), nil
}

// ImageHTML is the image to append to the HTML body for token.
func (s *Service) ImageHTML(token string) string {
	return `<img src="` + s.ImageURL(token) + `" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`
}

// TrackImage records the message's one external recipient with its
// tracking image's token (TrackingImage), in place of Track.
func (s *Service) TrackImage(ctx context.Context, a actor.Actor, from, messageID, subject, recipient, token string) error {
	accountID, err := own(a)
	if err != nil {
		return err
	}
	r := store.Receipt{AccountID: accountID, Sender: from, MessageID: messageID, Subject: subject, Sent: s.now(),
		Recipient: strings.ToLower(recipient), Status: store.ReceiptUnknown, Token: token}
	if err := s.Store.AddReceipts(ctx, []store.Receipt{r}); err != nil {
		return fmt.Errorf("track %s with an image: %w", messageID, err)
	}
	return nil
}

// ImageFetched records the fetch of the tracking image token by viewer
// (the session fetching it, if any; actor.Actor{} for none): the first
// marks its record read. A fetch by the sender's own account (his Sent
// copy) is not a read. false: no image has that token.
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
