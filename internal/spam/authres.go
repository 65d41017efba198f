// Package spam owns what decides whether inbound mail is wanted: the
// sender authentication checks (SPF, DKIM, DMARC and iprev, recorded in an
// Authentication-Results header field, RFC 8601), the header sanity checks
// (sanity.go, hidden.go), the DNS block lists (dnsbl.go), the classifier
// that learns from "report spam" (bayes.go, learner.go) and the score
// model that adds them up into a verdict with its reasons (score.go). The
// users' and domains' block lists are read by the delivery pipeline
// (internal/deliver/blocked.go), which applies the verdict.
//
// Invariants of the authentication checks (authres*.go, spf*.go,
// dkimverify*.go, dmarc*.go, iprev*.go):
//   - Check never fails and never panics: DNS problems become temperror
//     results, malformed records and messages permerror or none, so that
//     the SMTP server can answer 451 for the one and decide on the other.
//   - All DNS goes through the resolver.Resolver given to Check; nothing
//     here asks the system resolver behind the caller's back.
//   - Check only reports; what to do with a fail (reject, quarantine,
//     score) is the verdict's business, not this file's.
package spam

import (
	"context"
	"net"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/idna"

	"postroom/internal/message"
	"postroom/internal/resolver"
)

// Result values (RFC 8601 §2.7; RFC 7208 §2.6 for SPF, RFC 7489 §11.2 for
// DMARC). Each method uses the subset its RFC defines.
const (
	Pass      = "pass"
	Fail      = "fail"
	SoftFail  = "softfail"
	Neutral   = "neutral"
	None      = "none"
	TempError = "temperror"
	PermError = "permerror"
)

// checkTimeout bounds Check when the caller's context has no deadline of its
// own. RFC 7208 §4.6.4 asks SPF to allow at least 20 seconds.
const checkTimeout = 30 * time.Second

// AuthInput is what the SMTP server knows about an inbound message.
type AuthInput struct {
	RemoteIP net.IP
	Helo     string
	MailFrom string // envelope sender, "" for bounces
	Raw      []byte // the message as received
}

// AuthResults are the outcomes of the authentication checks of one message.
type AuthResults struct {
	SPF       string // pass, fail, softfail, neutral, none, temperror, permerror
	SPFDomain string // the domain SPF checked
	// SPFScope is the identity SPF checked: "mailfrom", or "helo" when
	// MAIL FROM was empty (RFC 7208 §2.4).
	SPFScope string

	DKIM []DKIMResult // one per DKIM-Signature field, in header order

	DMARC       string // pass, fail, none, temperror, permerror
	DMARCPolicy string // the policy that applies on fail: none, quarantine, reject ("" when no record)
	FromDomain  string // RFC5322.From domain

	IPRev     string // pass, fail, temperror (permerror when there is no valid remote IP)
	IPRevName string // the PTR name that confirmed, if any
	IPRevIP   string // the remote IP iprev checked (policy.iprev)
}

// DKIMResult is the outcome of one DKIM signature (RFC 6376 §6.1).
type DKIMResult struct {
	Domain   string // d=
	Selector string // s=
	Result   string // pass, fail, neutral, temperror, permerror
	Reason   string // why it did not pass, for people
}

// SPF scopes (RFC 7208 §2.3, §2.4).
const (
	ScopeMailFrom = "mailfrom"
	ScopeHelo     = "helo"
)

// Check evaluates SPF (RFC 7208) on the MAIL FROM domain, or on HELO when
// MAIL FROM is empty; every DKIM signature (RFC 6376); DMARC (RFC 7489)
// with the record at _dmarc.<From domain> or at its organizational domain;
// and iprev (RFC 8601 §3). SPF, DKIM and iprev run concurrently; DMARC
// then combines SPF and DKIM. Check never fails: see the package
// invariants.
func Check(ctx context.Context, r resolver.Resolver, in AuthInput) *AuthResults {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, checkTimeout)
		defer cancel()
	}
	// Line ends may be bare LF (a message read back from storage):
	// message.Parse and go-msgauth's canonicalization (RFC 6376 §3.4) both
	// read them as CRLF, the form the message travelled in.
	h := message.Parse(in.Raw).Header
	res := &AuthResults{}
	var wg sync.WaitGroup
	wg.Go(func() {
		res.SPF, res.SPFDomain, res.SPFScope = checkSPF(ctx, r, in.RemoteIP, in.Helo, in.MailFrom)
	})
	wg.Go(func() { res.DKIM = verifyDKIM(ctx, r, in.Raw, h) })
	wg.Go(func() { res.IPRev, res.IPRevName, res.IPRevIP = checkIPRev(ctx, r, in.RemoteIP) })
	wg.Wait()
	evaluateDMARC(ctx, r, h, in.Raw, res)
	return res
}

// asciiDomain returns d lower-cased, without a trailing dot, with
// internationalized labels in their A-label form (RFC 5890) so that names
// from headers compare equal to names from DNS.
func asciiDomain(d string) string {
	d = strings.TrimSuffix(strings.TrimSpace(d), ".")
	for i := 0; i < len(d); i++ {
		if d[i] >= 0x80 {
			if a, err := idna.Lookup.ToASCII(d); err == nil {
				d = a
			}
			break
		}
	}
	return strings.ToLower(d)
}

// validDomain reports whether d (from asciiDomain) is a multi-label domain
// name whose labels are 1 to 63 letters, digits, hyphens or underscores
// (RFC 7208 §4.3 asks for exactly this before any SPF lookup).
func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
