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
// The system's verdict is DMARC's (a message whose author domain fails
// DMARC and publishes quarantine or reject: certain), else the score of
// header sanity, the DNS block lists and the learned filter
// (internal/spam, score.go).

import (
	"context"
	"net"
	"slices"
	"strings"

	"postroom/internal/message"
	"postroom/internal/metrics"
	"postroom/internal/search"
	"postroom/internal/settings"
	"postroom/internal/spam"
	"postroom/internal/store"
)

// Blocked is the Step of the spam verdict; it runs first. The domain's
// lists (M2) apply to every account of the domain whatever its
// spam.method, because its administrator decided so; the account's
// spam.action still says whether a match is moved or discarded ("move"
// when the settings cannot be read, so that nothing is lost).
//
// A certain rule (the lists, DMARC) decides alone; otherwise, for the
// "system" and "both" methods, the system's signals (header sanity, the
// DNS block lists, the learned filter) are added up by spam's score
// model (spam/score.go). Header sanity and the block lists judge mail
// from the internet only: what our own users submit was authenticated.
func (p *Pipeline) Blocked(ctx context.Context, d *Delivery) error {
	set, ok := p.settingsOf(ctx, d)
	system := ok && set.Spam.Method != "personal"
	var (
		a       spam.Assessment
		learned spam.Verdict
		certain bool
	)
	r := p.domainSpamReason(ctx, d)
	if r.Code == "" && ok {
		r = spamReason(set.Spam, d)
	}
	if r.Code != "" {
		certain = true
		a = spam.Assess(spam.Signal{Reason: r, Points: spam.PointsCertain})
	} else if system {
		signals := p.inboundSignals(ctx, d)
		learned = p.learnedVerdict(ctx, d)
		a = spam.Assess(append(signals, spam.LearnedSignal(learned, maxClueReasons)...)...)
	}
	d.Verdict = verdictOf(a, learned, certain) // verdict.go
	if !a.IsSpam() {
		return nil
	}
	why := strings.Join(a.Reasons(), ", ")
	metrics.Spam(a.Strongest())
	if ok && set.Spam.Action == "delete" {
		p.log().Info("spam discarded", "id", d.Envelope.ID, "account", d.Recipient.Account.Address(), "from", d.Envelope.From, "why", why, "points", a.Points)
		d.Discard = true
		return nil
	}
	p.log().Info("spam kept in Spam", "id", d.Envelope.ID, "account", d.Recipient.Account.Address(), "why", why, "points", a.Points)
	d.Mailbox = store.RoleSpam
	return nil
}

// inboundSignals are the header sanity checks' and the DNS block lists'
// signals of mail from the internet; none for other mail.
func (p *Pipeline) inboundSignals(ctx context.Context, d *Delivery) []spam.Signal {
	env := d.Envelope
	if !env.Inbound || d.Parsed == nil {
		return nil
	}
	ours := func(domain string) bool {
		if p.Store == nil {
			return false
		}
		local, err := p.IsLocalDomain(ctx, domain)
		if err != nil {
			p.log().Error("hosted domain not read for the forged-sender check", "id", env.ID, "domain", domain, "err", err)
		}
		return local
	}
	if env.sanity == nil { // once per message: they do not depend on the recipient
		env.sanity = spam.HeaderSanity(spam.SanityInput{Message: d.Parsed, MailFrom: env.From, Auth: env.Auth, Ours: ours})
		if env.sanity == nil {
			env.sanity = []spam.Signal{}
		}
	}
	out := slices.Clone(env.sanity)
	if p.DNSBL != nil {
		if env.listed == nil { // once per message, not per recipient
			env.listed = p.DNSBL.Listed(ctx, remoteIP(env.RemoteAddr))
			if env.listed == nil {
				env.listed = []string{}
			}
		}
		for _, zone := range env.listed {
			out = append(out, spam.Signal{Reason: spam.Reason{Code: spam.CodeDNSBL, Arg: zone}, Points: spam.PointsDNSBL})
		}
	}
	return out
}

// Classifier judges a message for an account with what the learning
// filter learned (spam.Learner).
type Classifier interface {
	Judge(ctx context.Context, domainID, accountID int64, m *message.Message) (spam.Verdict, error)
}

// Blocklists says which DNS block lists name an IP (spam.DNSBL); nil or
// empty for none.
type Blocklists interface {
	Listed(ctx context.Context, ip net.IP) []string
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

// domainSpamReason says why the message is spam by the lists of the
// recipient's domain; the zero Reason when it is not, or when the domain
// cannot be read (logged: the personal lists still apply).
func (p *Pipeline) domainSpamReason(ctx context.Context, d *Delivery) spam.Reason {
	if d.Recipient == nil || d.Recipient.Account == nil || p.Store == nil {
		return spam.Reason{}
	}
	dom, err := p.Store.DomainByID(ctx, d.Recipient.Account.DomainID)
	if err != nil {
		p.log().Error("domain spam lists not read for delivery", "id", d.Envelope.ID, "account", d.Recipient.Account.Address(), "err", err)
		return spam.Reason{}
	}
	if b := listedSender(dom.BlockedSenders, d); b != "" {
		return spam.Reason{Code: spam.CodeDomainBlockedSender, Arg: b}
	}
	if b := blockedPhrase(dom.BlockedPhrases, d.Parsed); b != "" {
		return spam.Reason{Code: spam.CodeDomainBlockedPhrase}
	}
	return spam.Reason{}
}

// spamReason says why the message is certainly spam for these settings
// (DMARC for the system methods, the personal lists); the zero Reason
// when it is not.
func spamReason(s settings.Spam, d *Delivery) spam.Reason {
	personal := s.Method != "system"
	system := s.Method != "personal"
	if system && systemSpam(d.Envelope.Auth) {
		return spam.Reason{Code: spam.CodeDMARC, Arg: d.Envelope.Auth.FromDomain}
	}
	if !personal {
		return spam.Reason{}
	}
	if b := listedSender(s.BlockedSenders, d); b != "" {
		return spam.Reason{Code: spam.CodeBlockedSender, Arg: b}
	}
	if b := blockedPhrase(s.BlockedPhrases, d.Parsed); b != "" {
		return spam.Reason{Code: spam.CodeBlockedPhrase}
	}
	return spam.Reason{}
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
