package spam

// Header sanity (issue 18): what a message from the internet says about
// itself that honest mail rarely says. Pure and without network: the
// authentication results were computed before (Check), and which domains
// are ours is the caller's answer.
//
//   - A sender (From, or the envelope's MAIL FROM) in one of our hosted
//     domains, arriving from the internet (the MX; our own users submit
//     with a login and never reach these checks), without a DKIM signature
//     of that domain that passed nor an SPF pass for it: a forgery of our
//     own domain, the classic "the CEO asks for a transfer" phishing. Only
//     on evidence: the checks must have answered for that domain (SPF of
//     the MAIL FROM none, neutral, softfail or fail; DMARC of the From
//     domain none or fail). When they could not (no checks ran, the DNS
//     failed: temperror), nobody is accused: a DNS outage must not send
//     mail to Spam, and DMARC itself treats it so.
//   - No Date, or no Message-ID: every mail program writes both (RFC 5322
//     §3.6 requires Date; Message-ID SHOULD be there); bulk senders'
//     scripts often omit them. Weak, each.
//   - An HTML-only message (no text/plain alternative) hiding text from
//     its reader (hidden.go): the trick that feeds a filter words the
//     reader never sees.

import (
	"strings"

	"postroom/internal/message"
)

// SanityInput is what the header checks read.
type SanityInput struct {
	Message *message.Message
	// MailFrom is the envelope's reverse path ("" for a bounce).
	MailFrom string
	// Auth is the inbound checks' outcome; nil when none ran (then
	// nothing passed, and nothing answered either).
	Auth *AuthResults
	// Ours says whether a domain (lower case) is hosted here.
	Ours func(domain string) bool
}

// HeaderSanity returns the signals of the header checks of a message from
// the internet, in a fixed order: forged senders (one per domain, sorted
// as found: MAIL FROM, then From), no Date, no Message-ID, hidden text.
func HeaderSanity(in SanityInput) []Signal {
	var out []Signal
	for _, d := range forgedDomains(in) {
		out = append(out, Signal{Reason{CodeForgedSender, d}, PointsForgedSender})
	}
	h := in.Message.Header
	if strings.TrimSpace(h.Get("Date")) == "" {
		out = append(out, Signal{Reason{Code: CodeNoDate}, PointsNoDate})
	}
	if strings.TrimSpace(h.Get("Message-ID")) == "" {
		out = append(out, Signal{Reason{Code: CodeNoMessageID}, PointsNoMessageID})
	}
	if how := HiddenText(in.Message); how != "" {
		out = append(out, Signal{Reason{CodeHiddenText, how}, PointsHiddenText})
	}
	return out
}

// forgedDomains are our domains the message claims to come from without
// proving it.
func forgedDomains(in SanityInput) []string {
	if in.Ours == nil {
		return nil
	}
	envelope := domainOf(in.MailFrom)
	claimed := []string{envelope}
	header := map[string]bool{}
	for _, a := range in.Message.Header.Addresses("From") {
		d := domainOf(a.Addr)
		claimed = append(claimed, d)
		header[d] = true
	}
	var out []string
	seen := map[string]bool{"": true}
	for _, d := range claimed {
		if seen[d] {
			continue
		}
		seen[d] = true
		if in.Ours(d) && !authenticated(in.Auth, d) && answered(in.Auth, d, d == envelope, header[d]) {
			out = append(out, d)
		}
	}
	return out
}

// answered says whether the checks answered for domain, as the envelope
// sender's (SPF) or the author's (DMARC): a result, not a DNS failure.
func answered(a *AuthResults, domain string, envelope, header bool) bool {
	if a == nil {
		return false
	}
	if envelope && a.SPFScope == ScopeMailFrom && strings.EqualFold(a.SPFDomain, domain) {
		switch a.SPF {
		case None, Neutral, SoftFail, Fail:
			return true
		}
	}
	if header && strings.EqualFold(a.FromDomain, domain) {
		switch a.DMARC {
		case None, Fail:
			return true
		}
	}
	return false
}

// authenticated says whether the checks proved the message comes from
// domain: a passing DKIM signature whose d= is the domain or its parent
// (or a subdomain of it), or an SPF pass on the domain's MAIL FROM.
func authenticated(a *AuthResults, domain string) bool {
	if a == nil {
		return false
	}
	for _, s := range a.DKIM {
		if s.Result == Pass && related(strings.ToLower(s.Domain), domain) {
			return true
		}
	}
	return a.SPF == Pass && a.SPFScope != ScopeHelo && related(strings.ToLower(a.SPFDomain), domain)
}

// related: one of the two names is the other or below it (relaxed
// alignment without the public suffix list: a hosted domain is never a
// public suffix).
func related(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}

// domainOf is the lower-case domain of an address; "" without one.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || at == len(addr)-1 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(addr[at+1:]), "."))
}
