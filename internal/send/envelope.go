package send

// One recipient resolution for every way of sending: SMTP submission adds
// its recipients one RCPT at a time, the webmail all of To, Cc and Bcc at
// once, and both go through AddRecipient: the same split between hosted
// and internet addresses, the same checks of a hosted recipient, the same
// limit.

import (
	"context"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/deliver"
	"postroom/internal/store"
)

// Envelope is the sender and the recipients of a message being sent.
type Envelope struct {
	From string
	// Size is the message's size as announced (SMTP SIZE, RFC 1870) or
	// known; a hosted recipient's quota is checked against it (0: unknown).
	Size int64
	UTF8 bool // SMTPUTF8 (RFC 6531)
	// Local are the hosted recipients, resolved; Remote the others, for
	// the outbound queue.
	Local  []*deliver.Recipient
	Remote []string

	sender *store.Account
	seen   map[string]bool // recipients, lower-cased
}

// Len is the number of recipients.
func (e *Envelope) Len() int { return len(e.Local) + len(e.Remote) }

// Trace is what the entry point knows of a submission, for the Received
// field (RFC 5321 §4.4).
type Trace struct {
	Helo       string
	RemoteAddr string
	Protocol   string // "ESMTPSA", "HTTP" ... (RFC 3848)
	ID         string // transaction id
}

// NewEnvelope starts a message the actor sends from the address from
// (SMTP MAIL FROM): it must be an address the actor may send as
// (deliver.ErrNotOwnAddress, RFC 6409 §6.1).
func (s *Service) NewEnvelope(ctx context.Context, a actor.Actor, from string) (*Envelope, error) {
	acct, err := s.sender(ctx, a)
	if err != nil {
		return nil, err
	}
	if !s.Pipeline.MaySendAs(ctx, acct, from) {
		return nil, deliver.ErrNotOwnAddress
	}
	// a spent hour is refused before the message is sent (hourly.go)
	if err := s.checkHourly(ctx, acct); err != nil {
		return nil, err
	}
	return &Envelope{From: from, sender: acct}, nil
}

// mine checks that env was started by the actor.
func (e *Envelope) mine(a actor.Actor) error {
	if e.sender == nil || e.sender.ID != a.AccountID {
		return fmt.Errorf("send: envelope of another sender: %w", store.ErrNotFound)
	}
	return nil
}

// AddRecipient adds one recipient: a hosted address must exist and be able
// to receive a message of env.Size (deliver's refusals:
// ErrUnknownRecipient, ErrSuspended, ErrOverQuota), any other goes to the
// internet, if its domain is on it (ErrNotPublic). An address given twice is one recipient (one copy); past the
// limit it is ErrTooManyRecipients.
func (s *Service) AddRecipient(ctx context.Context, a actor.Actor, env *Envelope, addr string) error {
	if err := env.mine(a); err != nil {
		return err
	}
	_, domain, ok := deliver.SplitAddress(addr)
	if !ok {
		return deliver.ErrBadAddress
	}
	key := strings.ToLower(addr)
	if env.seen[key] {
		return nil
	}
	if env.Len() >= s.maxRecipients() {
		return ErrTooManyRecipients
	}
	local, err := s.Pipeline.IsLocalDomain(ctx, domain)
	if err != nil {
		e := *deliver.ErrTemporary
		e.Err = fmt.Errorf("recipient %s: %w", addr, err)
		return &e
	}
	if !local && !s.InternalRecipients && !publicName(domain) {
		return ErrNotPublic // recipient_domain.go
	}
	if local {
		r, err := s.Pipeline.ResolveFrom(ctx, env.From, addr, env.Size) // a "members only" list may refuse the sender
		if err != nil {
			return err
		}
		env.Local = append(env.Local, r)
	} else {
		env.Remote = append(env.Remote, addr)
	}
	if env.seen == nil {
		env.seen = map[string]bool{}
	}
	env.seen[key] = true
	return nil
}

// Submit sends a message a mail client submitted (SMTP DATA) to env's
// recipients at once: hosted ones get it now, internet ones through the
// queue, and the sender's Sent mailbox keeps a copy (deliver.Pipeline.Submit:
// From checked, Date and Message-ID completed, Bcc removed). It fails only
// when no recipient got the message.
func (s *Service) Submit(ctx context.Context, a actor.Actor, env *Envelope, trace Trace, raw []byte) error {
	if err := env.mine(a); err != nil {
		return err
	}
	if env.Len() == 0 {
		return errNoRecipients
	}
	sub := env.submission(trace)
	// "save sent mail" off: no server copy; on, a client's own copy of
	// the same message is not stored twice (mail.SentCopyWindow)
	sub.NoSentCopy = !s.prefs(ctx, a.AccountID).SaveSent
	giveBack, err := s.reserveHourly(ctx, env.sender)
	if err != nil {
		return err
	}
	// a client's request for a read receipt to the sender himself gets
	// the records a webmail send with 수신확인 gets (receipts.go)
	tracked := s.trackSubmitted(ctx, a, env, raw)
	if _, err := s.Pipeline.Submit(ctx, sub, raw); err != nil {
		giveBack()
		if tracked != "" {
			s.forget(ctx, a, tracked)
		}
		return err
	}
	return nil
}

// submission is what the delivery pipeline sends.
func (e *Envelope) submission(t Trace) *deliver.Submission {
	return &deliver.Submission{Sender: e.sender, Remote: e.Remote, UTF8: e.UTF8, Envelope: deliver.Envelope{
		From: e.From, Recipients: e.Local, Helo: t.Helo, RemoteAddr: t.RemoteAddr, Protocol: t.Protocol, ID: t.ID}}
}
