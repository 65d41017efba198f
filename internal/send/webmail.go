package send

// Sending from the webmail (E3, E3-2, E3-3, S2-4). Every send waits in
// the outbound queue first: until its scheduled time, else for the undo
// delay, so that Undo can take it back while it waits; with no delay and
// no schedule it goes at once.

import (
	"context"
	"errors"
	"slices"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// MaxSchedule is how far ahead a message may be scheduled.
const MaxSchedule = 366 * 24 * time.Hour

// Sent says what became of a send.
type Sent struct {
	// QueueID is the id an undo names while the message waits; 0 when it
	// went at once.
	QueueID   int64
	SendAt    time.Time // when it goes, or went
	MessageID string    // without <>
}

// Send sends the compose screen's message. Hosted recipients are checked
// now (an Error with the field and address), internet ones when it goes
// (a failure comes back as a bounce). A refusal of the whole message by
// the pipeline is its *deliver.Error.
func (s *Service) Send(ctx context.Context, a actor.Actor, req *Request) (*Sent, error) {
	acct, err := s.sender(ctx, a)
	if err != nil {
		return nil, err
	}
	now := s.now()
	prefs := s.prefs(ctx, acct.ID)
	sendAt := now.Add(prefs.Delay)
	if !req.SendAt.IsZero() {
		if req.SendAt.Before(now.Add(-time.Minute)) || req.SendAt.After(now.Add(MaxSchedule)) {
			return nil, &Error{Code: CodeInvalidSendAt, Field: "send_at", Value: req.SendAt.Format(time.RFC3339)}
		}
		if req.SendAt.After(sendAt) {
			sendAt = req.SendAt
		}
	}
	if req.DraftID != 0 { // it goes once sent: it must be the actor's draft
		if _, err := s.Mail.Draft(ctx, a, req.DraftID); err != nil {
			return nil, refError("draft_id", err)
		}
	}
	c, err := s.build(ctx, a, acct, req, false, sendAt, nil)
	if err != nil {
		return nil, err
	}
	env, err := s.envelope(ctx, a, acct, c)
	if err != nil {
		return nil, err
	}
	sub := env.submission(Trace{Helo: "webmail", RemoteAddr: req.RemoteAddr, Protocol: "HTTP", ID: "web-" + randomID()})
	// the compose screen's "save to Sent" is per message, the setting its default
	sub.Individually, sub.NoSentCopy = req.SendIndividually, req.NoSentCopy || !prefs.SaveSent
	if sendAt.After(now) {
		sub.SendAt = sendAt
		sub.Undo = store.QueuedUndo{Answered: c.answers(), Draft: draftState(req)}
	}
	giveBack, err := s.reserveHourly(ctx, acct) // hourly.go
	if err != nil {
		return nil, err
	}
	// each external recipient's tracking image, if his sender's domain
	// has it on, is on his record; the queue puts it into his copy
	tracked := req.ReadReceipt && s.Receipts != nil &&
		s.track(ctx, a, env, c.msg.MessageID, req.Subject, s.trackingImages(ctx, a, req, env))
	res, err := s.Pipeline.Submit(ctx, sub, c.msg.Raw)
	if err != nil {
		giveBack()
		if tracked {
			s.forget(ctx, a, c.msg.MessageID)
		}
		return nil, err
	}
	s.afterSend(ctx, a, acct, req, c, prefs)
	if res.SendAt.IsZero() {
		return &Sent{SendAt: now, MessageID: c.msg.MessageID}, nil
	}
	return &Sent{QueueID: res.QueueID, SendAt: res.SendAt, MessageID: c.msg.MessageID}, nil
}

// envelope resolves the recipients of a composed message, To, Cc and Bcc
// in order: an Error names the field and the address of the first refused.
func (s *Service) envelope(ctx context.Context, a actor.Actor, acct *store.Account, c *composed) (*Envelope, error) {
	if len(c.to)+len(c.cc)+len(c.bcc) == 0 {
		return nil, &Error{Code: CodeNoRecipients, Field: "to"}
	}
	env := &Envelope{From: acct.Address(), Size: int64(len(c.msg.Raw)), UTF8: c.msg.UTF8, sender: acct}
	for _, l := range []struct {
		field string
		addrs []store.Address
	}{{"to", c.to}, {"cc", c.cc}, {"bcc", c.bcc}} {
		for _, addr := range l.addrs {
			err := s.AddRecipient(ctx, a, env, addr.Addr)
			switch {
			case err == nil:
			case errors.Is(err, ErrTooManyRecipients):
				return nil, &Error{Code: CodeTooManyRecipients, Field: "to", Err: err}
			case recipientCode(err) != "":
				return nil, &Error{Code: recipientCode(err), Field: l.field, Value: addr.Addr, Err: err}
			default:
				return nil, err
			}
		}
	}
	return env, nil
}

// afterSend does what a send means for the rest of the mailbox: the
// original is marked answered or forwarded, the draft it came from goes
// (it became the sent message), and the uploads it used are kept for an
// undo. None of it undoes the send: a failure is logged.
func (s *Service) afterSend(ctx context.Context, a actor.Actor, acct *store.Account, req *Request, c *composed, prefs SenderPrefs) {
	if m := c.reply; m != nil && !m.HasFlag(store.FlagAnswered) {
		if _, err := s.Mail.StoreFlags(ctx, a, m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagAnswered}); err != nil {
			s.log().Warn("mark answered", "id", m.ID, "err", err)
		}
	}
	if m := c.forward; m != nil {
		// $Forwarded is the keyword IMAP clients use (RFC 5788 registry).
		if _, err := s.Mail.StoreFlags(ctx, a, m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{"$Forwarded"}); err != nil {
			s.log().Warn("mark forwarded", "id", m.ID, "err", err)
		}
	}
	if req.DraftID != 0 {
		if err := s.Mail.DeleteDraft(ctx, a, req.DraftID); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log().Warn("delete sent draft", "id", req.DraftID, "err", err)
		}
	}
	s.keepUploads(ctx, acct.ID, c.uploads)
	if prefs.AddRecipients && s.Contacts != nil {
		// the message is on its way: a failure here costs a contact, not the send
		all := append(append(slices.Clip(c.to), c.cc...), c.bcc...)
		if _, err := s.Contacts.AutoAdd(ctx, a, acct.Address(), all); err != nil {
			s.log().Warn("send: add recipients to contacts", "account", acct.ID, "err", err)
		}
	}
}
