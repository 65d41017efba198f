package deliver

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
)

// MaySendAs reports whether the authenticated account may use addr as its
// sender address (MAIL FROM and the From header): its own address, and
// the address of a mailing list it is a member of (M4, lists.go).
func (p *Pipeline) MaySendAs(ctx context.Context, sender *store.Account, addr string) bool {
	return strings.EqualFold(addr, sender.Address()) || p.mayUseList(ctx, sender, addr)
}

// originators are the header fields that say who wrote or sent a message
// (RFC 5322 §3.6.2) and who resent it (§3.6.6): a submitted message may
// name in them only addresses its sender may send as.
var originators = []string{"From", "Sender", "Resent-From", "Resent-Sender"}

// checkFrom refuses, before anything is written, a message without a From
// field naming its author (RFC 5322 §3.6: the field is required) and one
// whose originator fields name an address that is not the sender's.
func (p *Pipeline) checkFrom(ctx context.Context, sender *store.Account, raw []byte) error {
	h := message.Parse(raw).Header
	author := false
	for _, name := range originators {
		for _, a := range h.Addresses(name) {
			if a.Addr == "" { // a group's name: no mailbox
				continue
			}
			author = author || name == "From"
			if !p.MaySendAs(ctx, sender, a.Addr) {
				e := *ErrNotOwnAddress
				e.Message = fmt.Sprintf("%s: <%s> is not an address of %s", name, a.Addr, sender.Address())
				return &e
			}
		}
	}
	if !author {
		return ErrNoFrom
	}
	return nil
}

// Submission is a message an authenticated user sends.
type Submission struct {
	Envelope
	Sender *store.Account
	Remote []string // recipients outside the hosted domains, for the outbound queue
	// SendAt delays sending (undo send, S2-4) or schedules it (E3-3): the
	// whole message waits in the queue, local recipients too, and the Sent
	// copy is stored when it goes. Zero or past: at once.
	SendAt time.Time
	UTF8   bool // SMTPUTF8 was used
	// Individually sends each recipient a copy with only that recipient in
	// To and no Cc (E3-2 "send individually"); the Sent copy keeps them all.
	Individually bool
	// NoSentCopy keeps no copy in the sender's Sent mailbox (E3-2 "save to
	// Sent" off).
	NoSentCopy bool
	// Undo is what an undo of a delayed or scheduled message puts back,
	// kept on its queue row (the send service's).
	Undo store.QueuedUndo
}

// SubmitResult says what became of a submission.
type SubmitResult struct {
	SendAt   time.Time // when a delayed or scheduled message goes; zero when it went
	QueueIDs []int64   // every queued copy (several when sent individually)
	Local    []Result
	QueueID  int64          // 0 when nothing was queued
	SentCopy *store.Message // nil if it could not be stored
}

// Submit sends a message: local recipients get it through the delivery
// pipeline, remote ones are queued for internet delivery, and a copy goes
// to the sender's Sent mailbox. The header's From must be the sender's own;
// a missing Date or Message-ID is added first (complete.go).
// Recipients get it without its Bcc field; the Sent copy keeps it (see
// bcc.go). It fails as a whole only when no recipient got the message.
func (p *Pipeline) Submit(ctx context.Context, s *Submission, raw []byte) (*SubmitResult, error) {
	if bytes.IndexByte(raw, 0) >= 0 {
		return nil, ErrNUL
	}
	if err := p.checkFrom(ctx, s.Sender, raw); err != nil {
		return nil, err
	}
	raw = p.completeHeader(ctx, s.Sender, raw)
	if s.SendAt.After(p.clock()) {
		// The queue keeps the original (the Sent copy when it goes; the
		// worker removes Bcc and makes the personal copies).
		key, size, _, err := p.storeBlob(ctx, &s.Envelope, raw)
		if err != nil {
			return nil, err
		}
		return p.schedule(ctx, s, key, size)
	}
	if s.Individually && len(s.Recipients)+len(s.Remote) > 1 {
		return p.submitIndividually(ctx, s, raw)
	}
	forRecipients := StripBcc(raw)
	key, size, parsed, err := p.storeBlob(ctx, &s.Envelope, forRecipients)
	if err != nil {
		return nil, err
	}
	s.Envelope.remote = s.Remote
	res := &SubmitResult{Local: p.deliverAll(ctx, &s.Envelope, parsed, key, size)}
	var firstErr error
	delivered := 0
	for _, r := range res.Local {
		if r.Err != nil {
			firstErr = cmp.Or(firstErr, r.Err)
		} else {
			delivered++
		}
	}
	// Nothing reached anyone: refuse the whole message, so that the client
	// keeps it and no Sent copy claims it went.
	if delivered == 0 && len(s.Remote) == 0 && firstErr != nil {
		return nil, firstErr
	}
	if len(s.Remote) > 0 {
		q := &store.QueuedMessage{AccountID: s.Sender.ID, From: s.From, BlobKey: key, Size: size, UTF8: s.UTF8}
		for _, r := range s.Remote {
			q.Recipients = append(q.Recipients, store.QueuedRecipient{Address: r})
		}
		if err := p.Store.Enqueue(ctx, q); err != nil {
			if delivered == 0 {
				return nil, temporary(fmt.Errorf("queue for %v: %w", s.Remote, err))
			}
			// Local copies are committed; refusing now would duplicate them
			// on retry. The loss is logged loudly instead.
			p.log().Error("outbound queue failed after local delivery", "id", s.ID, "rcpts", s.Remote, "err", err)
		} else {
			res.QueueID = q.ID
			p.notifyQueue()
		}
	}
	if res.QueueID != 0 {
		res.QueueIDs = []int64{res.QueueID}
	}
	p.bounceRejected(ctx, s.From, raw, res.Local, res.QueueID != 0)
	if s.NoSentCopy {
		return res, nil
	}
	if len(forRecipients) != len(raw) {
		// The Sent copy is the original, Bcc included.
		if key, size, parsed, err = p.storeBlob(ctx, &s.Envelope, raw); err != nil {
			p.log().Error("sent copy not stored", "id", s.ID, "err", err)
			return res, nil
		}
	}
	p.saveSent(ctx, s, res, key, size, parsed)
	return res, nil
}

func (p *Pipeline) saveSent(ctx context.Context, s *Submission, res *SubmitResult, key string, size int64, parsed *message.Message) {
	sent, err := p.Mail.AppendToRole(ctx, actor.User(s.Sender), store.RoleSent, mail.AppendRequest{
		BlobKey: key, Size: size, Parsed: parsed,
		Flags: []string{store.FlagSeen}, InternalDate: p.clock(),
	})
	switch {
	case errors.Is(err, store.ErrOverQuota):
		p.log().Warn("sent copy not stored: sender over quota", "id", s.ID, "sender", s.Sender.Address())
	case err != nil:
		p.log().Error("sent copy not stored", "id", s.ID, "sender", s.Sender.Address(), "err", err)
	default:
		res.SentCopy = sent
	}
}

// submitIndividually sends one personalised copy per recipient, then files
// the original (with every recipient) in Sent once.
func (p *Pipeline) submitIndividually(ctx context.Context, s *Submission, raw []byte) (*SubmitResult, error) {
	res := &SubmitResult{}
	var firstErr error
	sent := 0
	send := func(local *Recipient, remote string) {
		one := *s
		one.Individually, one.NoSentCopy, one.Recipients, one.Remote = false, true, nil, nil
		addr := remote
		if local != nil {
			one.Recipients, addr = []*Recipient{local}, local.Address
		} else {
			one.Remote = []string{remote}
		}
		r, err := p.Submit(ctx, &one, Personalize(raw, addr))
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			if local != nil {
				res.Local = append(res.Local, Result{Recipient: local, Err: err})
			}
			return
		}
		sent++
		res.Local = append(res.Local, r.Local...)
		res.QueueIDs = append(res.QueueIDs, r.QueueIDs...)
		res.SendAt = r.SendAt
	}
	for _, r := range s.Recipients {
		send(r, "")
	}
	for _, r := range s.Remote {
		send(nil, r)
	}
	if sent == 0 {
		return nil, firstErr
	}
	if len(res.QueueIDs) > 0 {
		res.QueueID = res.QueueIDs[0]
	}
	if s.NoSentCopy {
		return res, nil
	}
	key, size, parsed, err := p.storeBlob(ctx, &s.Envelope, raw)
	if err != nil {
		p.log().Error("sent copy not stored", "id", s.ID, "err", err)
		return res, nil
	}
	p.saveSent(ctx, s, res, key, size, parsed)
	return res, nil
}

// schedule queues the whole message until SendAt, once however many
// recipients it has (sent individually, the worker makes the copies), so
// that one id cancels it.
func (p *Pipeline) schedule(ctx context.Context, s *Submission, key string, size int64) (*SubmitResult, error) {
	q := &store.QueuedMessage{AccountID: s.Sender.ID, From: s.From, BlobKey: key, Size: size, UTF8: s.UTF8,
		SendAt: s.SendAt, SaveSent: !s.NoSentCopy, Individually: s.Individually && len(s.Recipients)+len(s.Remote) > 1, Undo: s.Undo}
	for _, r := range s.Recipients {
		q.Recipients = append(q.Recipients, store.QueuedRecipient{Address: r.Address})
	}
	for _, r := range s.Remote {
		q.Recipients = append(q.Recipients, store.QueuedRecipient{Address: r})
	}
	if err := p.Store.Enqueue(ctx, q); err != nil {
		return nil, temporary(fmt.Errorf("schedule: %w", err))
	}
	return &SubmitResult{QueueID: q.ID, QueueIDs: []int64{q.ID}, SendAt: q.SendAt}, nil
}

// QueuedOriginal returns a message the account queued, as its sender wrote
// it (Bcc kept, without the trace fields added here, with the Date and
// Message-ID submission added if it had none): what an undone send gives
// back as a draft. store.ErrNotFound when it is not the account's.
func (p *Pipeline) QueuedOriginal(ctx context.Context, sender *store.Account, queueID int64) ([]byte, error) {
	q, err := p.Store.QueuedMessage(ctx, queueID)
	if err == nil && q.AccountID != sender.ID {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("queued message %d: %w", queueID, err)
	}
	r, err := p.Blobs.Open(q.BlobKey)
	if err != nil {
		return nil, fmt.Errorf("queued message %d: %w", queueID, err)
	}
	defer r.Close()
	raw, err := blob.ReadAll(r, q.Size)
	if err != nil {
		return nil, fmt.Errorf("queued message %d: %w", queueID, err)
	}
	return stripTrace(raw), nil
}

// CancelSend cancels a delayed or scheduled message of the account that has
// not gone yet (the undo of S2-4). store.ErrNotFound: not the account's;
// store.ErrTooLate: it is going or has gone to someone.
func (p *Pipeline) CancelSend(ctx context.Context, sender *store.Account, queueID int64) error {
	if err := p.Store.CancelQueued(ctx, sender.ID, queueID); err != nil {
		return fmt.Errorf("cancel queued message %d: %w", queueID, err)
	}
	return nil
}

func (p *Pipeline) notifyQueue() {
	if p.Queued != nil {
		p.Queued()
	}
}
