package deliver

// Forwarding (S2): a message delivered to an account with forwarding
// addresses is queued, before the sender hears 250, for each address:
// hosted ones are delivered from the queue through this pipeline with the
// original envelope sender, the others go over SMTP with an SRS envelope
// sender (srs.go). Without "keep a copy" nothing is stored in the
// account's mailbox, but only once the forward is queued: a forward that
// cannot be queued, or that would loop, is stored in the Inbox instead.
//
// Loops: every forward adds "X-Postroom-Forwarded: <account>" on top of
// the message. An account never forwards a message that already names it
// there (A → B → A stops at A, which keeps it), and no message is
// forwarded more than MaxForwards times; MaxReceived still bounds any
// loop through other hosts.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"postroom/internal/store"
)

// ForwardedHeader is the trace field a forward adds.
const ForwardedHeader = "X-Postroom-Forwarded"

// MaxForwards is the most forwards one message goes through here.
const MaxForwards = 10

// Forward is the Step of forwarding; it runs after the steps that move a
// message to Spam (spam is not forwarded) and after Vacation (it may
// leave nothing to store).
func (p *Pipeline) Forward(ctx context.Context, d *Delivery) error {
	if d.Mailbox == store.RoleSpam {
		return nil
	}
	set, ok := p.settingsOf(ctx, d)
	if !ok || len(set.Forwarding.Addresses) == 0 {
		return nil
	}
	acct := d.Recipient.Account
	own := acct.Address()
	seen := d.Parsed.Header.Values(ForwardedHeader)
	for _, v := range seen {
		if strings.EqualFold(strings.Trim(strings.TrimSpace(v), "<>"), own) {
			p.log().Warn("forward loop: kept here", "id", d.Envelope.ID, "account", own, "forwards", len(seen))
			return nil
		}
	}
	if len(seen) >= MaxForwards {
		p.log().Warn("too many forwards: kept here", "id", d.Envelope.ID, "account", own, "forwards", len(seen))
		return nil
	}
	var local, remote []string
	for _, addr := range set.Forwarding.Addresses {
		_, domain, ok := SplitAddress(addr)
		if !ok || strings.EqualFold(addr, own) {
			continue
		}
		hosted, err := p.IsLocalDomain(ctx, domain)
		if err != nil {
			p.log().Error("forward not queued: kept here", "id", d.Envelope.ID, "account", own, "err", err)
			return nil
		}
		if hosted {
			local = append(local, addr)
		} else {
			remote = append(remote, addr)
		}
	}
	if len(local)+len(remote) == 0 {
		return nil
	}
	if err := p.queueForward(ctx, d, local, remote); err != nil {
		p.log().Error("forward not queued: kept here", "id", d.Envelope.ID, "account", own, "err", err)
		return nil
	}
	p.log().Info("forwarded", "id", d.Envelope.ID, "account", own, "to", append(local, remote...), "keep_copy", set.Forwarding.KeepCopy)
	if !set.Forwarding.KeepCopy {
		d.Discard = true
	}
	return nil
}

// queueForward writes the forwarded form of the message and queues it:
// one queue row for the hosted addresses (original envelope sender), one
// for the others (SRS sender). Both rows commit or the call fails with
// the first left in the queue: a second copy to a hosted address is
// better than none, and the caller then keeps the message here too.
func (p *Pipeline) queueForward(ctx context.Context, d *Delivery, local, remote []string) error {
	acct := d.Recipient.Account
	key, size, err := p.forwardedBlob(ctx, d, acct.Address())
	if err != nil {
		return err
	}
	enqueue := func(from string, rcpts []string) error {
		if len(rcpts) == 0 {
			return nil
		}
		q := &store.QueuedMessage{AccountID: acct.ID, From: from, BlobKey: key, Size: size, UTF8: !isASCII(from), CreatedAt: p.clock()}
		for _, r := range rcpts {
			q.Recipients = append(q.Recipients, store.QueuedRecipient{Address: r})
			q.UTF8 = q.UTF8 || !isASCII(r)
		}
		if err := p.Store.Enqueue(ctx, q); err != nil {
			return fmt.Errorf("queue forward to %v: %w", rcpts, err)
		}
		return nil
	}
	if err := enqueue(d.Envelope.From, local); err != nil {
		return err
	}
	if len(remote) > 0 {
		_, domain, _ := SplitAddress(acct.Address())
		srs, err := p.SRSAddress(ctx, d.Envelope.From, domain)
		if err != nil {
			return err
		}
		if err := enqueue(srs, remote); err != nil {
			return err
		}
	}
	p.notifyQueue()
	return nil
}

// forwardedBlob writes the message as forwarded: our trace field on top of
// the stored message, without its Return-Path (RFC 5321 §4.4: it belongs
// to the final delivery, and the next one adds its own). The stored
// message is streamed, not read into memory.
func (p *Pipeline) forwardedBlob(ctx context.Context, d *Delivery, own string) (string, int64, error) {
	f, err := p.openStored(d.Envelope, d.BlobKey) // maybe not stored yet (inline.go)
	if err != nil {
		return "", 0, fmt.Errorf("forward: open message: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	first, err := br.ReadSlice('\n')
	if err != nil && err != bufio.ErrBufferFull {
		return "", 0, fmt.Errorf("forward: read message: %w", err)
	}
	head := fmt.Sprintf("%s: <%s>\r\n", ForwardedHeader, own)
	var rest io.Reader = io.MultiReader(bytes.NewReader(first), br)
	if bytes.HasPrefix(bytes.ToLower(first), []byte("return-path:")) && err == nil {
		rest = br
	}
	key, size, err := p.Blobs.Put(ctx, io.MultiReader(strings.NewReader(head), rest))
	if err != nil {
		return "", 0, fmt.Errorf("forward: store message: %w", err)
	}
	return key, size, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
