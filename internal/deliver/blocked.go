package deliver

// Personal spam (S5). An account's blocked senders (an address, or a
// whole domain written "@example.com" or "example.com", which also covers
// its subdomains) and blocked phrases (in the subject or the text, any
// case, Korean included) mark a message as spam, as does the system's
// verdict; spam.method says which apply ("personal", "system", "both").
// The domain's lists (M2, set by its administrator) are read the same
// way and apply to every account of the domain whatever its method.
// spam.action says what becomes of it: "move" stores it in Spam,
// "delete" accepts it and stores nothing (the sender, possibly a forger,
// learns nothing; the log says what was dropped).
//
// The system's verdict today is DMARC's (internal/spam): a message whose
// author domain fails DMARC and publishes quarantine or reject.

import (
	"context"
	"fmt"
	"strings"

	"postroom/internal/message"
	"postroom/internal/metrics"
	"postroom/internal/search"
	"postroom/internal/settings"
	"postroom/internal/spam"
	"postroom/internal/store"
)

// Blocked is the Step of the spam lists; it runs first. The domain's
// lists (M2) apply to every account of the domain whatever its
// spam.method, because its administrator decided so; the account's
// spam.action still says whether a match is moved or discarded ("move"
// when the settings cannot be read, so that nothing is lost).
func (p *Pipeline) Blocked(ctx context.Context, d *Delivery) error {
	set, ok := p.settingsOf(ctx, d)
	why := p.domainSpamReason(ctx, d)
	if why == "" && ok {
		why = spamReason(set.Spam, d)
	}
	var learned spam.Verdict
	if why == "" && ok && set.Spam.Method != "personal" {
		learned = p.learnedVerdict(ctx, d)
		if learned.IsSpam() {
			why = fmt.Sprintf("learned %.2f", learned.Score)
		}
	}
	d.Verdict = verdictOf(why, learned) // verdict.go
	if why == "" {
		return nil
	}
	metrics.Spam(spamKind(why))
	if ok && set.Spam.Action == "delete" {
		p.log().Info("spam discarded", "id", d.Envelope.ID, "account", d.Recipient.Account.Address(), "from", d.Envelope.From, "why", why)
		d.Discard = true
		return nil
	}
	p.log().Info("spam kept in Spam", "id", d.Envelope.ID, "account", d.Recipient.Account.Address(), "why", why)
	d.Mailbox = store.RoleSpam
	return nil
}

// Classifier judges a message for an account with what the learning
// filter learned (spam.Learner).
type Classifier interface {
	Judge(ctx context.Context, domainID, accountID int64, m *message.Message) (spam.Verdict, error)
}

// learnedVerdict is the learning filter's verdict (the zero Verdict,
// not Known, when it cannot judge: logged, the message kept).
func (p *Pipeline) learnedVerdict(ctx context.Context, d *Delivery) spam.Verdict {
	if p.Classifier == nil || d.Recipient == nil || d.Recipient.Account == nil {
		return spam.Verdict{}
	}
	acct := d.Recipient.Account
	v, err := p.Classifier.Judge(ctx, acct.DomainID, acct.ID, d.Parsed)
	if err != nil {
		p.log().Error("spam filter could not judge", "id", d.Envelope.ID, "account", acct.Address(), "err", err)
		return spam.Verdict{}
	}
	return v
}

// spamKind is a reason without the address it names, for the metrics:
// "domain blocked sender", "blocked phrase", "dmarc" ...
func spamKind(why string) string {
	if i := strings.Index(why, "sender"); i >= 0 {
		return why[:i+len("sender")]
	}
	if strings.HasPrefix(why, "learned ") {
		return "learned"
	}
	return why
}

// domainSpamReason says why the message is spam by the lists of the
// recipient's domain; "" when it is not, or when the domain cannot be
// read (logged: the personal lists still apply).
func (p *Pipeline) domainSpamReason(ctx context.Context, d *Delivery) string {
	if d.Recipient == nil || d.Recipient.Account == nil || p.Store == nil {
		return ""
	}
	dom, err := p.Store.DomainByID(ctx, d.Recipient.Account.DomainID)
	if err != nil {
		p.log().Error("domain spam lists not read for delivery", "id", d.Envelope.ID, "account", d.Recipient.Account.Address(), "err", err)
		return ""
	}
	if b := listedSender(dom.BlockedSenders, d); b != "" {
		return "domain blocked sender " + b
	}
	if b := blockedPhrase(dom.BlockedPhrases, d.Parsed); b != "" {
		return "domain blocked phrase"
	}
	return ""
}

// spamReason says why the message is spam for these settings; "" when
// it is not.
func spamReason(s settings.Spam, d *Delivery) string {
	personal := s.Method != "system"
	system := s.Method != "personal"
	if system && systemSpam(d.Envelope.Auth) {
		return "dmarc"
	}
	if !personal {
		return ""
	}
	if b := listedSender(s.BlockedSenders, d); b != "" {
		return "blocked sender " + b
	}
	if b := blockedPhrase(s.BlockedPhrases, d.Parsed); b != "" {
		return "blocked phrase"
	}
	return ""
}

// listedSender returns the entry of list that blocks the envelope
// sender or an author in From; "" for none.
func listedSender(list []string, d *Delivery) string {
	if len(list) == 0 {
		return ""
	}
	senders := []string{d.Envelope.From}
	for _, a := range d.Parsed.Header.Addresses("From") {
		senders = append(senders, a.Addr)
	}
	for _, addr := range senders {
		if b := blockedSender(list, addr); b != "" {
			return b
		}
	}
	return ""
}

// systemSpam is the system's verdict.
func systemSpam(a *spam.AuthResults) bool {
	return a != nil && a.DMARC == spam.Fail && (a.DMARCPolicy == "quarantine" || a.DMARCPolicy == "reject")
}

// blockedSender returns the entry of list that blocks addr; "" for none.
func blockedSender(list []string, addr string) string {
	_, domain, ok := SplitAddress(addr)
	if !ok {
		return ""
	}
	for _, e := range list {
		e = strings.ToLower(strings.TrimSpace(e))
		switch {
		case e == "":
		case strings.Contains(strings.TrimPrefix(e, "@"), "@"):
			if strings.EqualFold(e, addr) {
				return e
			}
		default:
			dom := strings.TrimPrefix(e, "@")
			if domain == dom || strings.HasSuffix(domain, "."+dom) {
				return e
			}
		}
	}
	return ""
}

// blockedPhrase returns the phrase of list found in the subject or the
// text (the first search.MaxIndexedText bytes, as search reads it);
// compared in lower case.
func blockedPhrase(list []string, m *message.Message) string {
	if len(list) == 0 {
		return ""
	}
	subject := strings.ToLower(m.Header.Decoded("Subject"))
	text := strings.ToLower(m.TextPrefix(search.MaxIndexedText))
	for _, ph := range list {
		ph = strings.ToLower(strings.TrimSpace(ph))
		if ph != "" && (strings.Contains(subject, ph) || strings.Contains(text, ph)) {
			return ph
		}
	}
	return ""
}
