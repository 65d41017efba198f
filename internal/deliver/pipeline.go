// Package deliver is the single local-delivery pipeline: every message
// accepted for a hosted mailbox (SMTP MX, submission to local users, later
// mailbox copy and imports) passes through Deliver, and every message a user
// sends passes through Submit. Recipient resolution, service ON/OFF, quota,
// trace headers and storage happen here; spam checks, block lists, filter
// rules, forwarding and auto-reply plug in as Steps without changing it.
//
// Invariants:
//   - The blob is written and fsynced once per message, whatever the number
//     of recipients (deduplication), before any metadata commits; or, for
//     a small message Deliver stores, kept by the store in each
//     recipient's transaction, once per content (inline.go).
//   - An account gets one copy of a message, however many of its
//     recipients reach it (deliverAll).
//   - Deliver copies the message it is given at most once (stored.go:
//     MemoryCost), and once more a message of at most blob.InlineMax
//     bytes that it keeps in the database (inline.go); Submit once more
//     when it completes the header or removes Bcc.
//   - Deliver returns success for a recipient only after its metadata
//     transaction committed (X4).
package deliver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/metrics"
	"postroom/internal/resolver"
	"postroom/internal/settings"
	"postroom/internal/spam"
	"postroom/internal/store"
)

// MaxReceived is the number of Received headers past which a message is
// taken to be looping (RFC 5321 §6.3 suggests at least 100 is too many).
const MaxReceived = 50

// Pipeline delivers messages to local mailboxes.
type Pipeline struct {
	Store    store.Store
	Blobs    blob.Store
	Mail     *mail.Service
	Hostname string
	// Steps run for each recipient, in order, before the message is stored.
	Steps []Step
	// Queued is called after a message was put in the outbound queue, to
	// wake the queue worker.
	Queued func()
	// Bounce tells the sender about recipients a message could not reach
	// while others got it (the SMTP answer was 250); nil only logs.
	Bounce func(ctx context.Context, from string, original []byte, failed []Result)
	// Resolver answers the inbound SPF, DKIM, DMARC and iprev checks of
	// mail from the internet (Envelope.Inbound); nil skips them.
	Resolver resolver.Resolver
	// Settings reads an account's settings for forwarding, out-of-office
	// and the personal spam lists (settings.Service.ForAccount); nil: none.
	Settings AccountSettings
	// Classifier, when set, is the learning spam filter (spam.Learner):
	// part of the system's verdict, for accounts whose spam method is
	// "system" or "both".
	Classifier Classifier
	// DNSBL, when set, names the DNS block lists that list the
	// connecting IP of mail from the internet (spam.DNSBL; config [spam]
	// dnsbl, off by default).
	DNSBL Blocklists
	// Delivered, when set, is told of each copy stored for mail that did
	// not come from the internet (read receipts link it: internal/receipts).
	Delivered func(ctx context.Context, from, recipient string, m *store.Message)
	// Reported, when set, is told of each copy stored for mail from the
	// internet, with its parse: read receipts' disposition notifications
	// (RFC 8098) coming back for a message an account sent.
	Reported func(ctx context.Context, m *store.Message, parsed *message.Message)
	Log      *slog.Logger
	now      func() time.Time
	sleep    func(context.Context, time.Duration) // pause's, in tests
}

// Envelope is what the SMTP transaction (or another entry point) says about
// a message.
type Envelope struct {
	From       string // reverse path; "" for bounces
	Recipients []*Recipient
	// Trace information for the Received header.
	Helo       string
	RemoteAddr string
	Protocol   string // "ESMTP", "ESMTPS", "ESMTPSA" ... (RFC 3848)
	ID         string // transaction id
	// Inbound marks mail from the internet (the MX): it is checked and
	// gets an Authentication-Results header.
	Inbound bool
	// Auth holds the inbound checks' results, for the steps (spam verdict).
	Auth *spam.AuthResults
	// remote are a submission's internet recipients, who get no second
	// copy from a list of the same message (lists.go).
	remote []string
	// trace and stored are the two pieces of the shared blob, kept for
	// the copies written with a spam verdict (verdict.go); filed is the
	// key of that blob when it was written as a file.
	trace, stored []byte
	filed         string
	// listed are the DNS block lists naming RemoteAddr and sanity the
	// header checks' signals, found once per message (nil: not yet;
	// blocked.go).
	listed []string
	sanity []spam.Signal
	// inline is the stored message when Deliver keeps it in the
	// database instead of a file (inline.go); nil: a file.
	inline *inlined
}

// Delivery is one message on its way to one recipient; Steps may change
// where it goes or drop it.
type Delivery struct {
	Envelope  *Envelope
	Recipient *Recipient
	Parsed    *message.Message
	Mailbox   store.Role // where it is stored; RoleInbox by default
	// MailboxID is the folder a filter rule chose; it wins over Mailbox,
	// which stays the fallback (filters.go).
	MailboxID int64
	Flags     []string
	Discard   bool // a step decided the message is not stored (and not an error)
	// BlobKey and Size are the stored message (trace fields included),
	// for steps that send it on.
	BlobKey string
	Size    int64
	// Verdict is the spam verdict Blocked gave (verdict.go); nil when it
	// did not run.
	Verdict *store.SpamVerdict
	set     *settings.Settings // the account's, read once by the first step (settings.go)
}

// Step is one stage of per-recipient processing. Returning an *Error refuses
// the message for this recipient.
type Step func(ctx context.Context, d *Delivery) error

// Result is the outcome for one recipient.
type Result struct {
	Recipient *Recipient
	Message   *store.Message // nil when discarded or failed
	Err       error          // nil, or an *Error
}

func (p *Pipeline) clock() time.Time {
	if p.now != nil {
		return p.now()
	}
	return time.Now()
}

func (p *Pipeline) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}

// Deliver stores raw (the message as received, without trace headers) into
// every recipient's mailbox. It returns one Result per recipient; the error
// is set only when nothing could be attempted (for example the blob write
// failed), and then it is an *Error.
func (p *Pipeline) Deliver(ctx context.Context, env *Envelope, raw []byte) ([]Result, error) {
	if bytes.IndexByte(raw, 0) >= 0 {
		return nil, ErrNUL
	}
	start := time.Now()
	key, size, parsed, err := p.writeMessage(ctx, env, raw, true)
	if err != nil {
		return nil, err
	}
	results := p.deliverAll(ctx, env, parsed, key, size)
	source := "local"
	if env.Inbound {
		source = "smtp"
	}
	metrics.DeliveryTime(source, time.Since(start))
	p.bounceRejected(ctx, env.From, raw, results, false)
	return results, nil
}

// deliverAll stores the message for every recipient of env, one Result
// each. An account gets one copy however many of the recipients reach it
// (issue 13, item 7: RCPT TO one address a thousand times, or in every
// case, is one copy; so is postmaster@ beside the administrator's own
// address); the repeats share its result. A recipient that reaches several
// accounts (postmaster@) succeeds when any of them got the message.
func (p *Pipeline) deliverAll(ctx context.Context, env *Envelope, parsed *message.Message, key string, size int64) []Result {
	type outcome struct {
		m   *store.Message
		err error
	}
	done := map[int64]outcome{}
	var lists listRun
	results := make([]Result, 0, len(env.Recipients))
	for _, r := range env.Recipients {
		res := Result{Recipient: r}
		if r.SRS != "" { // a reply to a forwarded message (srs.go)
			res.Err = p.relaySRS(ctx, env, r, key, size)
			results = append(results, res)
			continue
		}
		if r.List != nil { // a mailing list: its members (lists.go)
			var err error
			if r, err = p.expandList(ctx, env, &lists, r, parsed, key, size); err != nil {
				res.Err = err
				results = append(results, res)
				continue
			}
		}
		ok := false
		for _, one := range r.accounts() {
			o, seen := done[one.Account.ID]
			if !seen {
				o.m, o.err = p.deliverOne(ctx, env, one, parsed, key, size)
				done[one.Account.ID] = o
				if o.err != nil {
					p.log().Info("delivery refused", "id", env.ID, "rcpt", r.Address, "account", one.Account.Address(), "err", o.err)
				} else {
					p.log().Info("delivered", "id", env.ID, "rcpt", r.Address, "account", one.Account.Address(), "size", size)
				}
			}
			switch {
			case o.err == nil:
				ok = true
				if res.Message == nil {
					res.Message = o.m
				}
			case res.Err == nil:
				res.Err = o.err
			}
		}
		if ok {
			res.Err = nil
		}
		results = append(results, res)
		if res.Message != nil && !env.Inbound && p.Delivered != nil {
			p.Delivered(ctx, env.From, res.Recipient.Address, res.Message)
		}
		if res.Message != nil && env.Inbound && p.Reported != nil {
			p.Reported(ctx, res.Message, parsed)
		}
	}
	return results
}

// bounceRejected hands the recipients that failed to the Bounce hook when
// others succeeded (othersOK: the message went to someone not in results):
// the sender heard 250 and must still learn of them.
func (p *Pipeline) bounceRejected(ctx context.Context, from string, raw []byte, results []Result, othersOK bool) {
	var failed []Result
	ok := othersOK
	for _, r := range results {
		if r.Err != nil {
			failed = append(failed, r)
		} else {
			ok = true
		}
	}
	if ok && len(failed) > 0 && from != "" && p.Bounce != nil {
		p.Bounce(ctx, from, raw, failed)
	}
}

// storeBlob writes the message once, below the trace fields it adds, and
// returns its key and size and its parse. The parse is of the message
// below the trace fields (they are ours: nothing reads them back from the
// parse), so that adding them costs no copy of the message: the blob is
// written from the two pieces (issue 13: a message costs about its size
// in memory, not several times it).
func (p *Pipeline) storeBlob(ctx context.Context, env *Envelope, raw []byte) (string, int64, *message.Message, error) {
	return p.writeMessage(ctx, env, raw, false)
}

// writeMessage is storeBlob; with inline, a message small enough is not
// written but kept for the recipients' transactions (inline.go).
// Submit's messages stay files: the queue reads them.
func (p *Pipeline) writeMessage(ctx context.Context, env *Envelope, raw []byte, inline bool) (string, int64, *message.Message, error) {
	raw = p.storedForm(raw, env.Inbound)
	parsed := message.Parse(raw)
	// RFC 5321 §6.3: our own Received field counts too.
	if len(parsed.Header.Values("Received"))+1 > MaxReceived {
		return "", 0, nil, ErrLoop
	}
	var authHeader string
	if env.Inbound && p.Resolver != nil {
		env.Auth = spam.Check(ctx, p.Resolver, spam.AuthInput{RemoteIP: remoteIP(env.RemoteAddr), Helo: env.Helo, MailFrom: env.From, Raw: raw})
		authHeader = env.Auth.Header(p.Hostname)
	}
	trace := p.traceHeaders(env, authHeader)
	if inline {
		if in := p.keepInline(trace, raw); in != nil {
			env.trace, env.stored, env.inline = trace, raw, in
			return in.key, int64(len(in.content)), parsed, nil
		}
	}
	key, size, err := p.Blobs.Put(ctx, io.MultiReader(bytes.NewReader(trace), bytes.NewReader(raw)))
	if err != nil {
		return "", 0, nil, temporary(fmt.Errorf("store message: %w", err))
	}
	env.trace, env.stored, env.filed = trace, raw, key
	return key, size, parsed, nil
}

func (p *Pipeline) deliverOne(ctx context.Context, env *Envelope, r *Recipient, parsed *message.Message, key string, size int64) (*store.Message, error) {
	d := &Delivery{Envelope: env, Recipient: r, Parsed: parsed, Mailbox: store.RoleInbox, BlobKey: key, Size: size}
	for _, step := range p.Steps {
		if err := step(ctx, d); err != nil {
			return nil, err
		}
		if d.Discard {
			return nil, nil
		}
	}
	key, size, err := p.verdictBlob(ctx, d, key, size)
	if err != nil {
		return nil, temporary(err)
	}
	// the verdict of the account's copy is stored with it (what the API
	// and the webmail read); an inbound copy also carries its
	// X-Postroom-Spam field
	m, err := p.appendFiled(ctx, actor.System(r.Account.ID, "delivery"), d, mail.AppendRequest{
		BlobKey: key, Size: size, Parsed: parsed, Flags: d.Flags,
		InternalDate: p.clock(), SpamVerdict: d.Verdict, Content: env.contentFor(key), Head: env.headFor(key),
	})
	switch {
	case errors.Is(err, store.ErrOverQuota):
		return nil, ErrOverQuota
	case errors.Is(err, store.ErrNotFound):
		return nil, ErrUnknownRecipient // deleted since RCPT
	case err != nil:
		return nil, temporary(err)
	}
	folder := string(d.Mailbox)
	if d.MailboxID != 0 {
		folder = "filtered" // a rule's folder
	}
	metrics.Delivered(folder)
	return m, nil
}
