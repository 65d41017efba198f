package deliver

// Mailing lists (M4). An address of a hosted domain that is no account
// but a list (internal/admin keeps them) resolves to a Recipient with
// List set; deliverAll expands it, per message, into its members:
//
//   - hosted members get it through the normal local delivery (their
//     filters, out-of-office, forwarding, quota), in the same
//     deliverAll, so that an account gets one copy however many lists
//     and direct recipients of the message reach it;
//   - internet members get one queued copy, with "List-Id" on top and the
//     list's own address as envelope sender (so that their servers' SPF
//     checks this host and their bounces come back to the list), once
//     per address however many lists name it, and none when the address
//     is a direct internet recipient of the same submission;
//   - mail to the list with the null reverse path (bounces of the list's
//     copies, auto-replies, RFC 5321 §4.5.5) goes to the domain's
//     administrators, who own the list, never to the members;
//   - a list with "members only" refuses a sender who is no member with
//     550 5.7.1: at RCPT by the envelope sender (ResolveFrom,
//     ResolveInboundFrom), after DATA by the envelope sender and every
//     address of From;
//   - a message that already carries this list's List-Id went out
//     through it before: it is refused (554 5.4.6), not sent round again.
//
// A hosted member that is no account (removed since, or another list)
// and one that is suspended or full is left out and logged: the sender
// is not told about one member.
//
// A member (of the list, by address) may send with the list's address
// as MAIL FROM and in From (MaySendAs, submit.go).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"postroom/internal/message"
	"postroom/internal/store"
)

// ErrNotMember refuses a sender who is no member of a "members only" list.
var ErrNotMember = refusal(550, 5, 7, 1, "Only members of this list may send to it")

// ErrListLoop refuses a message the list has sent out already.
var ErrListLoop = refusal(554, 5, 4, 6, "Mail loop detected: this list sent the message already")

// ListIDHeader is the field a list's copies carry (RFC 2919).
const ListIDHeader = "List-Id"

// listID is the list's identifier in List-Id (RFC 2919 §2: the address
// with its "@" made a dot).
func listID(l *store.List) string { return l.LocalPart + "." + l.Domain }

// resolveList returns the list addr names, or nil when it names none.
func (p *Pipeline) resolveList(ctx context.Context, addr string) (*Recipient, error) {
	local, domain, _ := SplitAddress(addr)
	d, err := p.Store.Domain(ctx, domain)
	if err != nil {
		return nil, temporary(err)
	}
	l, err := p.Store.ListByLocalPart(ctx, d.ID, local)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, temporary(err)
	}
	return &Recipient{Address: addr, List: l}, nil
}

// isMember reports whether addr is one of the list's members (any case).
func isMember(l *store.List, addr string) bool {
	for _, m := range l.Members {
		if strings.EqualFold(m, addr) {
			return true
		}
	}
	return false
}

// admitSender refuses a sender who may not write to r's list: nothing
// for any other recipient, and nothing for the null sender (it goes to
// the administrators).
func admitSender(r *Recipient, from string) error {
	if r == nil || r.List == nil || !r.List.MembersOnly || from == "" || isMember(r.List, from) {
		return nil
	}
	return ErrNotMember
}

// ResolveFrom is Resolve for a message from the envelope sender from: a
// "members only" list refuses a sender who is no member (ErrNotMember).
func (p *Pipeline) ResolveFrom(ctx context.Context, from, addr string, size int64) (*Recipient, error) {
	r, err := p.Resolve(ctx, addr, size)
	if err != nil {
		return nil, err
	}
	if err := admitSender(r, from); err != nil {
		return nil, err
	}
	return r, nil
}

// ResolveInboundFrom is ResolveInbound for a message from the envelope
// sender from, with the lists' "members only" as ResolveFrom.
func (p *Pipeline) ResolveInboundFrom(ctx context.Context, remote, from, addr string, size int64) (*Recipient, error) {
	r, err := p.ResolveInbound(ctx, remote, addr, size)
	if err != nil {
		return nil, err
	}
	if err := admitSender(r, from); err != nil {
		return nil, err
	}
	return r, nil
}

// listRun is what the lists of one message share: the internet
// addresses that have their copy already.
type listRun struct {
	queued map[string]bool
}

// expandList returns the accounts r's list reaches with this message,
// after queueing its internet members' copy: a Recipient whose Account
// (nil when none) and Also are the hosted members who can receive it.
func (p *Pipeline) expandList(ctx context.Context, env *Envelope, run *listRun, r *Recipient, parsed *message.Message, key string, size int64) (*Recipient, error) {
	l := r.List
	for _, v := range parsed.Header.Values(ListIDHeader) {
		if strings.Contains(strings.ToLower(v), "<"+listID(l)+">") {
			return nil, ErrListLoop
		}
	}
	if env.From == "" {
		return p.postmaster(ctx, r.Address, l.Domain, size)
	}
	if err := admitSender(r, env.From); err != nil {
		return nil, err
	}
	if l.MembersOnly {
		for _, a := range parsed.Header.Addresses("From") {
			if a.Addr != "" && !isMember(l, a.Addr) {
				e := *ErrNotMember
				e.Message = fmt.Sprintf("From: <%s> is not a member of this list", a.Addr)
				return nil, &e
			}
		}
	}
	if run.queued == nil {
		run.queued = map[string]bool{}
		for _, a := range env.remote {
			run.queued[strings.ToLower(a)] = true
		}
	}
	out := &Recipient{Address: r.Address}
	var remote []string
	hosted := map[string]bool{}
	for _, m := range l.Members {
		_, domain, ok := SplitAddress(m)
		if !ok {
			continue
		}
		local, seen := hosted[domain]
		if !seen {
			var err error
			if local, err = p.IsLocalDomain(ctx, domain); err != nil {
				return nil, temporary(err)
			}
			hosted[domain] = local
		}
		if !local {
			if !run.queued[strings.ToLower(m)] {
				run.queued[strings.ToLower(m)] = true
				remote = append(remote, m)
			}
			continue
		}
		a, err := p.Store.AccountByAddress(ctx, m)
		if err == nil {
			err = canReceive(a, size)
		}
		if err != nil {
			p.log().Info("list member left out", "id", env.ID, "list", l.Address(), "member", m, "err", err)
			continue
		}
		if out.Account == nil {
			out.Account = a
		} else {
			out.Also = append(out.Also, a)
		}
	}
	// The internet members' copy is queued before any hosted member gets
	// his: when it cannot be, the list's recipient fails as a whole and
	// the sender tries again without anyone having it twice.
	if len(remote) > 0 {
		if err := p.queueList(ctx, env, l, key, remote); err != nil {
			return nil, temporary(err)
		}
	}
	return out, nil
}

// queueList queues one copy of the stored message for the list's
// internet members: List-Id on top, without the Return-Path of this
// delivery (RFC 5321 §4.4), the list's address as envelope sender.
func (p *Pipeline) queueList(ctx context.Context, env *Envelope, l *store.List, key string, rcpts []string) error {
	f, err := p.openStored(env, key) // maybe not stored yet (inline.go)
	if err != nil {
		return fmt.Errorf("list %s: open message: %w", l.Address(), err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	first, err := br.ReadSlice('\n')
	if err != nil && err != bufio.ErrBufferFull {
		return fmt.Errorf("list %s: read message: %w", l.Address(), err)
	}
	var rest io.Reader = io.MultiReader(bytes.NewReader(first), br)
	if bytes.HasPrefix(bytes.ToLower(first), []byte("return-path:")) && err == nil {
		rest = br
	}
	head := fmt.Sprintf("%s: <%s>\r\n", ListIDHeader, listID(l))
	if l.Name != "" && isASCII(l.Name) && !strings.ContainsAny(l.Name, "\"\\<>\r\n") {
		head = fmt.Sprintf("%s: \"%s\" <%s>\r\n", ListIDHeader, l.Name, listID(l))
	}
	bkey, bsize, err := p.Blobs.Put(ctx, io.MultiReader(strings.NewReader(head), rest))
	if err != nil {
		return fmt.Errorf("list %s: store message: %w", l.Address(), err)
	}
	from := l.Address()
	q := &store.QueuedMessage{From: from, BlobKey: bkey, Size: bsize, UTF8: !isASCII(from), CreatedAt: p.clock()}
	for _, a := range rcpts {
		q.Recipients = append(q.Recipients, store.QueuedRecipient{Address: a})
		q.UTF8 = q.UTF8 || !isASCII(a)
	}
	if err := p.Store.Enqueue(ctx, q); err != nil {
		return fmt.Errorf("list %s: queue for %v: %w", l.Address(), rcpts, err)
	}
	p.log().Info("list: queued", "id", env.ID, "list", l.Address(), "to", rcpts, "queue", q.ID)
	p.notifyQueue()
	return nil
}

// mayUseList reports whether sender is a member of the list addr names,
// and so may send as it.
func (p *Pipeline) mayUseList(ctx context.Context, sender *store.Account, addr string) bool {
	_, domain, ok := SplitAddress(addr)
	if !ok {
		return false
	}
	if hosted, err := p.IsLocalDomain(ctx, domain); err != nil || !hosted {
		return false
	}
	r, err := p.resolveList(ctx, addr)
	if err != nil {
		p.log().Error("list not checked for a sender", "sender", sender.Address(), "from", addr, "err", err)
		return false
	}
	return r != nil && isMember(r.List, sender.Address())
}
