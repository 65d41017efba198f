package deliver

// Unknown recipients from the internet (issue 13, item 8): a client that
// tries addresses to learn which exist gets a few answers at once, then
// slower ones, then none. Unknown recipients are counted per source
// address (an IPv6 client per /64, which one host has whole) in the
// store's counters, so that parallel connections, other listeners'
// processes and (later) other nodes share one count:
//
//   - the first UnknownFree unknown recipients in UnknownWindow are
//     answered 550 5.1.1 at once;
//   - the next ones, up to UnknownLimit, after UnknownDelay each;
//   - from then on, until the window has slid past them, every RCPT from
//     the address, known or not, is answered 421 4.7.0 and the connection
//     is closed (RFC 5321 §3.8): the answer tells nothing about the
//     address asked.
//
// Known recipients never count, and mail from the address to them flows
// until the limit is reached.

import (
	"context"
	"errors"
	"net/netip"
	"time"
)

// The thresholds (README, "What the SMTP server answers").
const (
	UnknownFree   = 3
	UnknownLimit  = 10
	UnknownWindow = time.Hour
	UnknownDelay  = time.Second
)

// ErrTooManyUnknown: the source address tried too many unknown recipients
// lately. The connection is closed after it.
var ErrTooManyUnknown = refusal(421, 4, 7, 0, "Too many unknown recipients from your address, try again later")

// ResolveInbound is Resolve for mail from the internet, from a client at
// remote ("host:port"): unknown recipients are counted and throttled per
// source address as above.
func (p *Pipeline) ResolveInbound(ctx context.Context, remote, addr string, size int64) (*Recipient, error) {
	key, counted := unknownKey(remote)
	now := p.clock()
	since := now.Add(-UnknownWindow)
	if counted {
		n, err := p.Store.Hits(ctx, key, since)
		if err != nil {
			return nil, temporary(err)
		}
		if n >= UnknownLimit {
			return nil, ErrTooManyUnknown
		}
	}
	r, err := p.Resolve(ctx, addr, size)
	if !counted || !errors.Is(err, ErrUnknownRecipient) {
		return r, err
	}
	n, herr := p.Store.AddHits(ctx, key, 1, now, since)
	if herr != nil {
		p.log().Error("unknown recipient not counted", "remote", remote, "err", herr)
		return nil, err
	}
	if n > UnknownFree {
		p.log().Info("unknown recipients", "remote", remote, "count", n, "rcpt", addr)
		p.pause(ctx, UnknownDelay)
	}
	return nil, err
}

// unknownKey is the counter of a source address; counted is false when
// remote names none (a test's pipe).
func unknownKey(remote string) (key string, counted bool) {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return "", false
	}
	a := ap.Addr().Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "rcpt-unknown:" + p.String(), true
	}
	return "rcpt-unknown:" + a.String(), true
}

// pause waits d, or until ctx ends; tests replace it.
func (p *Pipeline) pause(ctx context.Context, d time.Duration) {
	if p.sleep != nil {
		p.sleep(ctx, d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
