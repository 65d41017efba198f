package spam

// DMARC (RFC 7489). go-msgauth's dmarc package only parses the record
// (RFC 7489 §6.3); discovery, alignment and policy are here.

import (
	"context"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/emersion/go-msgauth/dmarc"
	"golang.org/x/net/publicsuffix"

	"postroom/internal/message"
	"postroom/internal/resolver"
)

// maxFromDomains bounds the distinct RFC5322.From domains evaluated (and so
// the DNS queries one message can cause).
const maxFromDomains = 4

// evaluateDMARC sets res.DMARC, res.DMARCPolicy and res.FromDomain from the
// From field of h and the SPF and DKIM results already in res.
//
// RFC 7489 §6.6.1 leaves messages with several From domains to the
// receiver: each domain is evaluated and the worst outcome reported, so
// that adding a second From cannot dodge a p=reject. A message without a
// From domain cannot be evaluated at all and gets permerror.
func evaluateDMARC(ctx context.Context, r resolver.Resolver, h message.Header, raw []byte, res *AuthResults) {
	domains := fromDomains(h)
	if len(domains) == 0 {
		res.DMARC = PermError
		return
	}
	for i, d := range domains {
		result, policy := dmarcFor(ctx, r, d, raw, res)
		if i == 0 || worse(result, policy, res.DMARC, res.DMARCPolicy) {
			res.DMARC, res.DMARCPolicy, res.FromDomain = result, policy, d
		}
	}
}

// fromDomains returns the distinct domains of the RFC5322.From addresses
// (RFC 7489 §3.1: the Author Domain), at most maxFromDomains.
func fromDomains(h message.Header) []string {
	if !h.Has("From") {
		return nil
	}
	var out []string
	for _, a := range h.Envelope().From {
		at := strings.LastIndexByte(a.Addr, '@')
		if at < 0 {
			continue
		}
		d := asciiDomain(a.Addr[at+1:])
		if d == "" || slices.Contains(out, d) {
			continue
		}
		if out = append(out, d); len(out) == maxFromDomains {
			break
		}
	}
	return out
}

// dmarcFor evaluates one From domain (RFC 7489 §6.6.2, §6.6.3).
func dmarcFor(ctx context.Context, r resolver.Resolver, from string, raw []byte, res *AuthResults) (result, policy string) {
	org := orgDomain(from)
	rec, status, absent := lookupDMARC(ctx, r, from)
	atOrg := false
	if absent && org != from {
		// RFC 7489 §6.6.3 step 3: no record for the From domain itself,
		// so the Organizational Domain's record applies.
		rec, status, _ = lookupDMARC(ctx, r, org)
		atOrg = true
	}
	if rec == nil {
		return status, ""
	}
	policy = string(rec.Policy)
	if atOrg && rec.SubdomainPolicy != "" {
		policy = string(rec.SubdomainPolicy) // RFC 7489 §6.3 sp=: for subdomains
	}
	policy = sampled(policy, rec.Percent, raw)

	// RFC 7489 §3.1, §4.2: DMARC passes when SPF or a DKIM signature passes
	// for a domain aligned with the From domain.
	spfAligned := aligned(res.SPFDomain, from, rec.SPFAlignment)
	if res.SPF == Pass && spfAligned {
		return Pass, policy
	}
	temp := res.SPF == TempError && spfAligned
	for _, d := range res.DKIM {
		if !aligned(d.Domain, from, rec.DKIMAlignment) {
			continue
		}
		if d.Result == Pass {
			return Pass, policy
		}
		temp = temp || d.Result == TempError
	}
	if temp {
		// Not in RFC 7489, which would call this fail: an aligned check
		// that could not complete may still pass on a retry, and a
		// temperror lets the MX answer 451 instead of rejecting good mail
		// during a DNS outage.
		return TempError, policy
	}
	return Fail, policy
}

// lookupDMARC fetches the DMARC record at _dmarc.<domain> (RFC 7489
// §6.6.3). It returns the record, or nil and none (no record, or several:
// step 5 says DMARC then does not apply), temperror (DNS failed) or
// permerror (the one record is malformed). absent reports that there is
// no DMARC record at all, the one case where discovery goes on to the
// Organizational Domain.
func lookupDMARC(ctx context.Context, r resolver.Resolver, domain string) (rec *dmarc.Record, status string, absent bool) {
	txts, err := r.LookupTXT(ctx, "_dmarc."+domain)
	if err != nil {
		if resolver.IsNotFound(err) {
			return nil, None, true
		}
		return nil, TempError, false
	}
	var found []string
	for _, txt := range txts {
		// RFC 7489 §6.6.3 step 4: only records starting "v=DMARC1" count.
		first, _, _ := strings.Cut(txt, ";")
		if name, value, ok := strings.Cut(first, "="); ok &&
			strings.TrimSpace(name) == "v" && strings.TrimSpace(value) == "DMARC1" {
			found = append(found, txt)
		}
	}
	if len(found) != 1 {
		return nil, None, len(found) == 0
	}
	if rec, err = dmarc.Parse(found[0]); err != nil {
		return nil, PermError, false
	}
	return rec, "", false
}

// orgDomain returns the Organizational Domain of d (RFC 7489 §3.2): the
// public suffix plus one label, by the Public Suffix List; d itself when
// it is a public suffix or malformed.
func orgDomain(d string) string {
	if org, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
		return org
	}
	return d
}

// aligned reports whether the authenticated domain a is aligned with the
// From domain (RFC 7489 §3.1.1, §3.1.2): equal in strict mode, with the
// same Organizational Domain in relaxed mode (the default).
func aligned(a, from string, mode dmarc.AlignmentMode) bool {
	a = asciiDomain(a)
	if a == "" {
		return false
	}
	if a == from {
		return true
	}
	return mode != dmarc.AlignmentStrict && orgDomain(a) == orgDomain(from)
}

// sampled applies pct= (RFC 7489 §6.6.4): a message outside the sampled
// percentage gets the next milder policy (reject → quarantine → none).
// The sample is drawn from a hash of the message, so the same message
// always gets the same answer, also when its sender retries.
func sampled(policy string, pct *int, raw []byte) string {
	if pct == nil || *pct >= 100 {
		return policy
	}
	h := fnv.New32a()
	h.Write(raw)
	if int(h.Sum32()%100) < *pct {
		return policy
	}
	switch policy {
	case dmarc.PolicyReject:
		return dmarc.PolicyQuarantine
	case dmarc.PolicyQuarantine:
		return string(dmarc.PolicyNone)
	}
	return policy
}

// dmarcRank orders DMARC results from best to worst for combining the
// results of several From domains.
var dmarcRank = map[string]int{Pass: 0, None: 1, PermError: 2, TempError: 3, Fail: 4}

var policyRank = map[string]int{"": 0, "none": 1, "quarantine": 2, "reject": 3}

// worse reports whether result a with policy pa is worse than b with pb.
func worse(a, pa, b, pb string) bool {
	if dmarcRank[a] != dmarcRank[b] {
		return dmarcRank[a] > dmarcRank[b]
	}
	return policyRank[pa] > policyRank[pb]
}
