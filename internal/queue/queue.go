// Package queue sends what the store's outbound queue holds: remote
// recipients through internal/smtpclient, local ones (delayed and scheduled
// sending) through the delivery pipeline. It retries with back-off over a
// lifetime, warns the sender after a delay, and returns a delivery status
// notification (RFC 3464) when it gives up. Null senders get no DSN.
//
// Invariants:
//   - A recipient is claimed with a lease before it is tried, so a restart
//     (or another node) tries it again only when the lease ends: nothing is
//     lost and a crash causes at most one repeated attempt.
//   - A recipient's result is recorded only after the attempt ended.
package queue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/deliver"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/metrics"
	"postroom/internal/smtpclient"
	"postroom/internal/store"
)

// Defaults; each is stated once here.
const (
	DefaultLifetime  = 5 * 24 * time.Hour // give up after this (RFC 5321 §4.5.4.1: 4-5 days)
	DefaultWarnAfter = 4 * time.Hour      // then tell the sender of the delay
	// DefaultLease is how long a claim on a recipient holds: longer than
	// the longest SMTP transaction (RFC 5321 §4.5.3.2's timeouts add up
	// to about 10 minutes), so that no two nodes send the same mail at
	// once; what a node that died was sending waits this long.
	DefaultLease = 15 * time.Minute
	batch        = 50
)

// backoff is the wait before attempt n+1.
var backoff = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour}

// Worker sends the queue.
type Worker struct {
	Store    store.Store
	Blobs    blob.Store
	Client   *smtpclient.Client
	Pipeline *deliver.Pipeline
	Mail     *mail.Service
	Hostname string
	// Sign returns header fields (DKIM-Signature) to prepend for the
	// sender's domain; nil or an empty result sends unsigned.
	Sign      func(ctx context.Context, raw []byte, fromDomain string) ([]byte, error)
	Lifetime  time.Duration
	WarnAfter time.Duration
	// Lease is how long a claim holds (DefaultLease when 0).
	Lease time.Duration
	// Parallel is how many messages are sent at once.
	Parallel int
	// Failed, when set, is told of the recipients the worker gave up on,
	// with the sender's account and the Message-ID (read receipts mark
	// them failed: internal/receipts).
	Failed func(ctx context.Context, accountID int64, messageID string, rcpts []string)
	// Personal, when set, gives the recipients of a user's message
	// (raw, as it goes) that get a copy of their own, by lower-cased
	// address: read receipts' tracking image (internal/receipts). Each
	// such copy goes to its recipient alone, signed on its own.
	Personal func(ctx context.Context, accountID int64, raw []byte, rcpts []string) map[string][]byte
	Log      *slog.Logger
	// Now is the worker's clock (time.Now when nil): what is due, retry
	// times, lifetimes. Tests move it instead of sleeping.
	Now func() time.Time

	wake chan struct{}
	once sync.Once
}

func (w *Worker) clock() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func (w *Worker) init() {
	w.once.Do(func() { w.wake = make(chan struct{}, 1) })
}

// Notify wakes the worker at once (after something was queued).
func (w *Worker) Notify() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends, looking for due work every second or when
// notified.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.log().Error("queue", "err", err)
			}
			if n < batch || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// RunOnce claims what is due and sends it; it returns how many messages
// it handled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	msgs, err := w.Store.ClaimDue(ctx, w.clock(), cmp.Or(w.Lease, DefaultLease), batch)
	if err != nil {
		return 0, fmt.Errorf("claim due messages: %w", err)
	}
	parallel := max(w.Parallel, 1)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range msgs {
		sem <- struct{}{}
		wg.Add(1)
		go func(q *store.QueuedMessage) {
			defer func() { <-sem; wg.Done() }()
			if err := w.process(ctx, q); err != nil {
				w.log().Error("queue send", "id", q.ID, "err", err)
			}
		}(&msgs[i])
	}
	wg.Wait()
	return len(msgs), nil
}

func (w *Worker) readBlob(key string, size int64) ([]byte, error) {
	r, err := w.Blobs.Open(key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return blob.ReadAll(r, size)
}

func domainOf(addr string) string {
	_, d, _ := deliver.SplitAddress(addr)
	return d
}

// process tries every claimed recipient of one message.
func (w *Worker) process(ctx context.Context, q *store.QueuedMessage) error {
	raw, err := w.readBlob(q.BlobKey, q.Size)
	if err != nil {
		return fmt.Errorf("read queued message %d: %w", q.ID, err) // the lease ends, it is tried again
	}
	if q.SaveSent && q.AccountID != 0 {
		w.saveSent(ctx, q, raw) // the original: its Bcc field stays in Sent
	}
	raw = deliver.Outgoing(raw) // recipients never see the Bcc (RFC 5322 §3.6.3)
	copies := w.personal(ctx, q, raw)
	byDomain := map[string][]*store.QueuedRecipient{}
	var order []string
	for i := range q.Recipients {
		d := domainOf(q.Recipients[i].Address)
		if byDomain[d] == nil {
			order = append(order, d)
		}
		byDomain[d] = append(byDomain[d], &q.Recipients[i])
	}
	now := w.clock()
	// A delayed or scheduled message lives from when it was due to go.
	age := now.Sub(q.CreatedAt)
	if q.SendAt.After(q.CreatedAt) {
		age = now.Sub(q.SendAt)
	}
	var failed []dsnRecipient
	var results []store.QueuedRecipient
	for _, d := range order {
		rcpts := byDomain[d]
		outcomes := w.sendAll(ctx, q, d, rcpts, raw, copies)
		for i, r := range rcpts {
			o := outcomes[i]
			r.Attempts++
			r.LastError = o.String()
			switch {
			case o.OK():
				r.Status = store.RcptSent
				metrics.Outbound(metrics.Sent)
			case o.Permanent || age >= w.lifetime():
				r.Status = store.RcptFailed
				failed = append(failed, dsnRecipient{Address: r.Address, Status: statusOf(o), Diagnostic: o.String()})
				metrics.Outbound(metrics.Bounced)
			default:
				r.Status = store.RcptPending
				metrics.Outbound(metrics.Deferred)
				r.NextTry = now.Add(backoff[min(r.Attempts-1, len(backoff)-1)])
			}
			results = append(results, *r)
			w.log().Info("queue attempt", "id", q.ID, "rcpt", r.Address, "status", r.Status, "reply", o.String())
		}
	}
	if len(failed) > 0 {
		w.bounce(ctx, q, raw, dsnFailed, failed)
		w.failed(ctx, q, raw, failed)
	}
	if !q.Warned && age >= w.warnAfter() {
		var delayed []dsnRecipient
		for _, r := range results {
			if r.Status == store.RcptPending {
				delayed = append(delayed, dsnRecipient{Address: r.Address, Status: "4.4.7", Diagnostic: r.LastError})
			}
		}
		if len(delayed) > 0 {
			w.bounce(ctx, q, raw, dsnDelayed, delayed)
			if err := w.Store.SetWarned(ctx, q.ID); err != nil {
				w.log().Error("queue warned", "id", q.ID, "err", err)
			}
		}
	}
	return w.Store.SetRecipientResults(ctx, q.ID, results)
}

func (w *Worker) lifetime() time.Duration {
	if w.Lifetime > 0 {
		return w.Lifetime
	}
	return DefaultLifetime
}

func (w *Worker) warnAfter() time.Duration {
	if w.WarnAfter > 0 {
		return w.WarnAfter
	}
	return DefaultWarnAfter
}

// statusOf gives the RFC 3463 status for a DSN.
func statusOf(r smtpclient.Result) string {
	if r.Enhanced != "" {
		return r.Enhanced
	}
	if r.Code >= 500 {
		return "5.0.0"
	}
	return "4.4.7" // delivery time expired
}

// sendAll sends to the recipients of one domain: in one transaction,
// except that a recipient with a copy of his own (copies, by lower-cased
// address) and, for a message sent individually (E3-2), every recipient
// gets his copy alone.
func (w *Worker) sendAll(ctx context.Context, q *store.QueuedMessage, domain string, rcpts []*store.QueuedRecipient, raw []byte,
	copies map[string][]byte) []smtpclient.Result {
	if !q.Individually && len(copies) == 0 {
		return w.send(ctx, q, domain, rcpts, raw)
	}
	out := make([]smtpclient.Result, len(rcpts))
	var together []*store.QueuedRecipient
	var at []int // together[j] is rcpts[at[j]]
	for i, r := range rcpts {
		own, ok := copies[strings.ToLower(r.Address)]
		switch {
		case !ok && !q.Individually:
			together, at = append(together, r), append(at, i)
			continue
		case !ok:
			own = raw
		}
		if q.Individually {
			own = deliver.Personalize(own, r.Address)
		}
		out[i] = w.send(ctx, q, domain, []*store.QueuedRecipient{r}, own)[0]
	}
	if len(together) > 0 {
		for j, o := range w.send(ctx, q, domain, together, raw) {
			out[at[j]] = o
		}
	}
	return out
}

// personal asks the Personal hook for the copies of a user's message.
func (w *Worker) personal(ctx context.Context, q *store.QueuedMessage, raw []byte) map[string][]byte {
	if w.Personal == nil || q.AccountID == 0 {
		return nil
	}
	rcpts := make([]string, len(q.Recipients))
	for i, r := range q.Recipients {
		rcpts[i] = r.Address
	}
	return w.Personal(ctx, q.AccountID, raw, rcpts)
}

// send delivers to the recipients of one domain: locally through the
// pipeline when the domain is hosted here, else over SMTP.
func (w *Worker) send(ctx context.Context, q *store.QueuedMessage, domain string, rcpts []*store.QueuedRecipient, raw []byte) []smtpclient.Result {
	local, err := w.Pipeline.IsLocalDomain(ctx, domain)
	if err != nil {
		return sameForAll(rcpts, smtpclient.Result{Code: 451, Enhanced: "4.3.0", Text: err.Error()})
	}
	if local {
		return w.sendLocal(ctx, q, rcpts, raw)
	}
	data := raw
	if w.Sign != nil {
		if sig, err := w.Sign(ctx, raw, domainOf(q.From)); err != nil {
			w.log().Error("dkim sign", "id", q.ID, "err", err)
		} else if len(sig) > 0 {
			data = append(append([]byte{}, sig...), raw...)
		}
	}
	m := &smtpclient.Message{From: q.From, Data: data, UTF8: q.UTF8, EightBit: has8bit(raw)}
	for _, r := range rcpts {
		m.Recipients = append(m.Recipients, r.Address)
	}
	return w.Client.Send(ctx, domain, m)
}

func sameForAll(rcpts []*store.QueuedRecipient, r smtpclient.Result) []smtpclient.Result {
	out := make([]smtpclient.Result, len(rcpts))
	for i := range out {
		out[i] = r
		out[i].Recipient = rcpts[i].Address
	}
	return out
}

func (w *Worker) sendLocal(ctx context.Context, q *store.QueuedMessage, rcpts []*store.QueuedRecipient, raw []byte) []smtpclient.Result {
	out := make([]smtpclient.Result, len(rcpts))
	env := &deliver.Envelope{From: q.From, Helo: w.Hostname, RemoteAddr: "127.0.0.1:0", Protocol: "ESMTPA", ID: fmt.Sprintf("q%d", q.ID)}
	idx := map[string]int{}
	for i, r := range rcpts {
		out[i].Recipient = r.Address
		rec, err := w.Pipeline.Resolve(ctx, r.Address, q.Size)
		if err != nil {
			out[i] = resultOf(r.Address, err)
			continue
		}
		idx[rec.Address] = i
		env.Recipients = append(env.Recipients, rec)
	}
	if len(env.Recipients) == 0 {
		return out
	}
	res, err := w.Pipeline.Deliver(ctx, env, raw)
	if err != nil {
		for _, rec := range env.Recipients {
			out[idx[rec.Address]] = resultOf(rec.Address, err)
		}
		return out
	}
	for _, r := range res {
		out[idx[r.Recipient.Address]] = resultOf(r.Recipient.Address, r.Err)
	}
	return out
}

// resultOf turns a delivery outcome into an SMTP-like result.
func resultOf(rcpt string, err error) smtpclient.Result {
	if err == nil {
		return smtpclient.Result{Recipient: rcpt, Code: 250, Enhanced: "2.0.0", Text: "delivered"}
	}
	var de *deliver.Error
	if errors.As(err, &de) {
		return smtpclient.Result{Recipient: rcpt, Code: de.Code,
			Enhanced: fmt.Sprintf("%d.%d.%d", de.Enhanced[0], de.Enhanced[1], de.Enhanced[2]), Text: de.Message, Permanent: de.Code >= 500}
	}
	return smtpclient.Result{Recipient: rcpt, Code: 451, Enhanced: "4.3.0", Text: err.Error()}
}

func has8bit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// saveSent stores the sender's Sent copy of a delayed or scheduled message
// when it first goes.
func (w *Worker) saveSent(ctx context.Context, q *store.QueuedMessage, raw []byte) {
	_, err := w.Mail.AppendToRole(ctx, actor.System(q.AccountID, "sent copy"), store.RoleSent, mail.AppendRequest{BlobKey: q.BlobKey,
		Size: q.Size, Parsed: message.Parse(raw), Flags: []string{store.FlagSeen}, InternalDate: w.clock(), IgnoreQuota: true})
	if err != nil {
		w.log().Error("queue sent copy", "id", q.ID, "err", err)
		return
	}
	if err := w.Store.SentSaved(ctx, q.ID); err != nil {
		w.log().Error("queue sent copy", "id", q.ID, "err", err)
	}
}

// bounce sends a DSN to the sender: into the sender's INBOX when local,
// else through the queue with an empty return path (RFC 3464 §2, RFC 5321
// §4.5.5), so that a bounce never bounces.
func (w *Worker) bounce(ctx context.Context, q *store.QueuedMessage, original []byte, kind dsnKind, rcpts []dsnRecipient) {
	if q.From == "" {
		return // RFC 3464 §2: never a DSN for a DSN
	}
	lang := "en"
	if acct, err := w.Store.AccountByAddress(ctx, q.From); err == nil && acct.Language != "" {
		lang = acct.Language
	}
	dsn := buildDSN(kind, w.Hostname, q.From, lang, q.CreatedAt, original, rcpts, w.clock())
	local, _ := w.Pipeline.IsLocalDomain(ctx, domainOf(q.From))
	if local {
		rec, err := w.Pipeline.Resolve(ctx, q.From, int64(len(dsn)))
		if err != nil {
			w.log().Warn("dsn not delivered", "id", q.ID, "to", q.From, "err", err)
			return
		}
		env := &deliver.Envelope{From: "", Recipients: []*deliver.Recipient{rec}, Helo: w.Hostname, RemoteAddr: "127.0.0.1:0",
			Protocol: "ESMTP", ID: fmt.Sprintf("dsn%d", q.ID)}
		if _, err := w.Pipeline.Deliver(ctx, env, dsn); err != nil {
			w.log().Warn("dsn not delivered", "id", q.ID, "to", q.From, "err", err)
		}
		return
	}
	key, size, err := w.Blobs.Put(ctx, strings.NewReader(string(dsn)))
	if err != nil {
		w.log().Error("dsn", "id", q.ID, "err", err)
		return
	}
	if err := w.Store.Enqueue(ctx, &store.QueuedMessage{From: "", BlobKey: key, Size: size,
		Recipients: []store.QueuedRecipient{{Address: q.From}}}); err != nil {
		w.log().Error("dsn", "id", q.ID, "err", err)
	}
}

// BounceRejected returns a DSN for recipients that a message accepted for
// others could not reach (the SMTP reply was 250 because someone got it);
// it is the delivery pipeline's Bounce hook.
func (w *Worker) BounceRejected(ctx context.Context, from string, original []byte, failed []deliver.Result) {
	var rcpts []dsnRecipient
	for _, f := range failed {
		r := resultOf(f.Recipient.Address, f.Err)
		rcpts = append(rcpts, dsnRecipient{Address: f.Recipient.Address, Status: statusOf(r), Diagnostic: r.String()})
	}
	if len(rcpts) > 0 {
		w.bounce(ctx, &store.QueuedMessage{From: from, CreatedAt: w.clock()}, original, dsnFailed, rcpts)
	}
}
