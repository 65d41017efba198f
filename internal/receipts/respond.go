package receipts

// The recipient's side of read receipts (E6 privacy): a message asking for
// a disposition notification (Disposition-Notification-To, RFC 8098 §2.1)
// is answered as the user's setting says: ask (the reader asks), always
// (sent on opening) or never. The answer, sent or refused, is remembered
// with the $MDNSent keyword (RFC 3503) so nobody is asked twice, in the
// webmail or in an IMAP client that knows the keyword.
//
// Never answered: a message in Spam (answering confirms the address to a
// spammer), Sent or Drafts, one that names the user himself. Never
// answered without asking: one whose Return-Path is not the address the
// report would go to (RFC 8098 §2.1, §6.2: a request may aim the report at
// a third party).

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/settings"
	"postroom/internal/store"
)

// KeywordMDNSent marks a message whose request was answered or refused
// (RFC 3503 §3.1).
const KeywordMDNSent = "$MDNSent"

// What the reader does about a request (Offer.Action).
const (
	OfferAsk  = "ask"  // ask the user, then Respond
	OfferSend = "send" // the setting says always: Respond automatically
)

// ErrNoRequest: the message asks for no report, or may not be answered
// (Spam, already answered, the setting says never).
var ErrNoRequest = errors.New("receipts: no read receipt to send for this message")

// Offer is what the reader should do about a message's request.
type Offer struct {
	Action string // OfferAsk or OfferSend
	To     string // the address the report would go to
}

// Responder is what answering a request needs besides the store.
type Responder struct {
	// Settings reads the user's answer (settings.Mail.MDN) and language.
	Settings interface {
		ForAccount(ctx context.Context, accountID int64) (settings.Settings, error)
	}
	// Notices sends the report through the normal send path (the queue
	// for the internet), without a copy in Sent (internal/send).
	Notices interface {
		SendNotice(ctx context.Context, a actor.Actor, to string, raw []byte) error
	}
	Hostname string
}

// Mail is what answering reads and marks through the mailbox service.
type Mail interface {
	Load(ctx context.Context, a actor.Actor, id int64) (*store.Message, []byte, error)
	Mailbox(ctx context.Context, a actor.Actor, id int64) (*store.Mailbox, error)
	StoreFlags(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, op store.FlagOp, flags []string) ([]store.Message, error)
}

// request is a message's request and what is needed to answer it.
type request struct {
	offer    Offer
	acct     *store.Account
	set      settings.Settings
	m        *store.Message
	parsed   *message.Message
	verified bool // Return-Path is the report's address
}

// MDNOffer says what the reader does about the actor's message m (raw its
// bytes, as the reader loaded them): nil when there is nothing to do.
func (s *Service) MDNOffer(ctx context.Context, a actor.Actor, m *store.Message, raw []byte) (*Offer, error) {
	req, err := s.request(ctx, a, m, message.Parse(raw))
	if err != nil || req == nil {
		return nil, err
	}
	return &req.offer, nil
}

// Respond answers the request of the actor's message id: send a report
// (send false: refuse it, remembered). automatic is the reader acting on
// "always", which must still be what the setting and the message allow;
// otherwise the user confirmed. ErrNoRequest when there is nothing to
// answer.
func (s *Service) Respond(ctx context.Context, a actor.Actor, id int64, send, automatic bool) error {
	if s.Responder == nil || s.Reader == nil {
		return ErrNoRequest
	}
	m, raw, err := s.Reader.Load(ctx, a, id)
	if err != nil {
		return err
	}
	req, err := s.request(ctx, a, m, message.Parse(raw))
	if err != nil {
		return err
	}
	if req == nil || (automatic && req.offer.Action != OfferSend) {
		return ErrNoRequest
	}
	// the keyword first: of two tabs answering, one sends
	changed, err := s.Reader.StoreFlags(ctx, a, m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{KeywordMDNSent})
	if err != nil {
		return fmt.Errorf("mark %d answered: %w", id, err)
	}
	if len(changed) == 0 {
		return ErrNoRequest
	}
	if !send {
		return nil
	}
	report := s.report(req, automatic)
	if err := s.Responder.Notices.SendNotice(ctx, a, req.offer.To, report.Build()); err != nil {
		if _, uerr := s.Reader.StoreFlags(ctx, a, m.MailboxID, []uint32{m.UID}, store.FlagsRemove, []string{KeywordMDNSent}); uerr != nil {
			s.log().Warn("receipts: unmark unsent report", "message", id, "err", uerr)
		}
		return fmt.Errorf("send read receipt for %d: %w", id, err)
	}
	s.log().Info("read receipt sent", "account", req.acct.ID, "message", id, "automatic", automatic)
	return nil
}

// request reads the request of message m; nil when there is none to
// answer.
func (s *Service) request(ctx context.Context, a actor.Actor, m *store.Message, parsed *message.Message) (*request, error) {
	accountID, err := own(a)
	if err != nil {
		return nil, err
	}
	if s.Responder == nil || s.Reader == nil || m == nil || m.AccountID != accountID || m.HasFlag(KeywordMDNSent) {
		return nil, nil
	}
	dnt := parsed.Header.Addresses("Disposition-Notification-To")
	if len(dnt) == 0 || !plainAddress(dnt[0].Addr) {
		return nil, nil
	}
	to := strings.ToLower(dnt[0].Addr)
	box, err := s.Reader.Mailbox(ctx, a, m.MailboxID)
	if err != nil {
		return nil, fmt.Errorf("mailbox of %d: %w", m.ID, err)
	}
	switch box.Role {
	case store.RoleSpam, store.RoleSent, store.RoleDrafts:
		return nil, nil
	}
	acct, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", accountID, err)
	}
	if strings.EqualFold(to, acct.Address()) {
		return nil, nil // our own request (a copy of one's own message)
	}
	set, err := s.Responder.Settings.ForAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	req := &request{acct: acct, set: set, m: m, parsed: parsed, offer: Offer{To: to, Action: OfferAsk}}
	// Return-Path as delivery stored it (the first one is ours)
	rp := trimAngle(strings.TrimSpace(parsed.Header.Get("Return-Path")))
	req.verified = rp != "" && strings.EqualFold(rp, to)
	switch set.Mail.MDN {
	case settings.MDNNever:
		return nil, nil
	case settings.MDNAlways:
		if req.verified {
			req.offer.Action = OfferSend
		}
	}
	return req, nil
}

// report is the MDN answering req.
func (s *Service) report(req *request, automatic bool) *Report {
	env := req.m.Envelope
	if strings.ContainsAny(env.MessageID, " \t\r\n<>") {
		env.MessageID = "" // not one id: nothing of it goes into a header
	}
	lang := req.set.Language
	if lang != "ko" && lang != "en" {
		lang = "ko"
	}
	return &Report{
		From: req.acct.Address(), FromName: oneLine(req.set.Name), To: req.offer.To, Hostname: s.Responder.Hostname,
		OriginalMessageID: env.MessageID, OriginalSubject: oneLine(env.Subject), OriginalDate: env.Date,
		OriginalRecipient: addressField(req.parsed.Header.Get("Original-Recipient")),
		Automatic:         automatic, Language: lang, Date: s.now().In(zoneOf(req.set.TimeZone)),
	}
}

// plainAddress: one mailbox with nothing a header line may not hold.
func plainAddress(addr string) bool {
	return strings.Count(addr, "@") == 1 && !strings.ContainsAny(addr, " \t\r\n<>\"")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func zoneOf(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}
