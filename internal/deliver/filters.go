package deliver

// Filter rules (S4) on delivery. The step runs after Blocked (personal
// and system spam) and before Vacation and Forward. Precedence, in the
// words of issue 14 ("before the spam folder decision for move rules"):
//   - a rule's move wins over the Spam folder: the message goes to the
//     rule's folder and is no longer spam for the steps after it (the
//     out-of-office reply and forwarding treat it as any other);
//   - spam whose action is "delete" was discarded by Blocked already: a
//     user who chose to drop spam at once gets it dropped, rules or not;
//   - mark_read stores it \Seen; delete discards it (accepted, not
//     stored; logged); forward queues a copy to each address, as
//     forwarding does (the forwarded trace field, SRS for remote ones,
//     loops stopped);
//   - the first matching rule with a move decides the folder; a folder
//     deleted since is replaced by the Inbox (nothing is lost);
//   - rules that cannot be read leave the message in the Inbox.

import (
	"context"
	"errors"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/filters"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// FilterRules decides what an account's rules do with a message
// (*filters.Service in the server; tests fill it).
type FilterRules interface {
	ForDelivery(ctx context.Context, accountID int64, m filters.Message) (filters.Decision, error)
}

// Filters returns the Step that applies the account's filter rules.
func (p *Pipeline) Filters(rules FilterRules) Step {
	return func(ctx context.Context, d *Delivery) error {
		acct := d.Recipient.Account
		env := d.Parsed.Envelope()
		dec, err := rules.ForDelivery(ctx, acct.ID, filters.Message{Envelope: &env, Body: func() string {
			return d.Parsed.TextPrefix(1 << 20)
		}})
		if err != nil {
			p.log().Error("filter rules not read: kept in the Inbox", "id", d.Envelope.ID, "account", acct.Address(), "err", err)
			return nil
		}
		if len(dec.Matched) == 0 {
			return nil
		}
		p.log().Info("filter rules matched", "id", d.Envelope.ID, "account", acct.Address(), "rules", dec.Matched)
		if dec.MarkRead {
			d.Flags = append(d.Flags, store.FlagSeen)
		}
		if dec.MailboxID != 0 {
			d.MailboxID, d.Mailbox = dec.MailboxID, store.RoleInbox
		}
		forwarded := len(dec.Forward) == 0 || p.forwardByRule(ctx, d, dec.Forward)
		if dec.Delete && forwarded {
			p.log().Info("deleted by a filter rule", "id", d.Envelope.ID, "account", acct.Address())
			d.Discard = true
		}
		return nil
	}
}

// forwardByRule queues a copy to each address as forwarding does
// (forward.go); false when it could not be queued, so that a rule that
// also deletes keeps the message rather than lose it.
func (p *Pipeline) forwardByRule(ctx context.Context, d *Delivery, addrs []string) bool {
	own := d.Recipient.Account.Address()
	seen := d.Parsed.Header.Values(ForwardedHeader)
	for _, v := range seen {
		if strings.EqualFold(strings.Trim(strings.TrimSpace(v), "<>"), own) {
			p.log().Warn("forward loop: a filter rule's forward not sent", "id", d.Envelope.ID, "account", own)
			return true // the loop ends here; the rule's other actions stand
		}
	}
	if len(seen) >= MaxForwards {
		p.log().Warn("too many forwards: a filter rule's forward not sent", "id", d.Envelope.ID, "account", own)
		return true
	}
	var local, remote []string
	for _, addr := range addrs {
		_, domain, ok := SplitAddress(addr)
		if !ok || strings.EqualFold(addr, own) {
			continue
		}
		hosted, err := p.IsLocalDomain(ctx, domain)
		if err != nil {
			p.log().Error("a filter rule's forward not queued", "id", d.Envelope.ID, "account", own, "err", err)
			return false
		}
		if hosted {
			local = append(local, addr)
		} else {
			remote = append(remote, addr)
		}
	}
	if len(local)+len(remote) == 0 {
		return true
	}
	if err := p.queueForward(ctx, d, local, remote); err != nil {
		p.log().Error("a filter rule's forward not queued", "id", d.Envelope.ID, "account", own, "err", err)
		return false
	}
	p.log().Info("forwarded by a filter rule", "id", d.Envelope.ID, "account", own, "to", append(local, remote...))
	return true
}

// appendFiled stores the message in the folder a rule chose, or in the
// folder of d.Mailbox's role when there is none or it was deleted since.
func (p *Pipeline) appendFiled(ctx context.Context, a actor.Actor, d *Delivery, r mail.AppendRequest) (*store.Message, error) {
	if d.MailboxID != 0 {
		r.MailboxID = d.MailboxID
		m, err := p.Mail.Append(ctx, a, r)
		if !errors.Is(err, store.ErrNotFound) {
			return m, err
		}
		p.log().Warn("a filter rule's folder is gone: stored in the Inbox", "id", d.Envelope.ID, "account", d.Recipient.Account.Address())
	}
	return p.Mail.AppendToRole(ctx, a, d.Mailbox, r)
}
