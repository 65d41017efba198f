package spam

// SPF (RFC 7208) through blitiri.com.ar/go/spf. That library returns a
// non-nil error even on a match ("matched ip"), so only its Result is read.

import (
	"context"
	"errors"
	"net"
	"strings"

	"blitiri.com.ar/go/spf"

	"postroom/internal/resolver"
)

// checkSPF runs check_host() (RFC 7208 §4) for the MAIL FROM identity or,
// when MAIL FROM is empty, for the HELO identity as postmaster@<helo>
// (RFC 7208 §2.4). It returns the result, the domain checked and the scope.
func checkSPF(ctx context.Context, r resolver.Resolver, ip net.IP, helo, mailFrom string) (result, domain, scope string) {
	helo = asciiDomain(helo)
	sender, scope := mailFrom, ScopeMailFrom
	at := strings.LastIndexByte(mailFrom, '@')
	if at < 0 {
		// RFC 7208 §2.4: a null reverse-path is checked as postmaster@HELO.
		// A sender without a domain cannot be checked either way.
		sender, scope = "postmaster@"+helo, ScopeHelo
		at = len("postmaster")
	}
	domain = asciiDomain(sender[at+1:])
	sender = sender[:at+1] + domain
	// RFC 7208 §4.3: a malformed or single-label domain (an address
	// literal HELO such as "[192.0.2.1]") gives "none" without lookups.
	if !validDomain(domain) {
		return None, domain, scope
	}
	if ip.To16() == nil {
		return PermError, domain, scope
	}
	res, _ := spf.CheckHostWithSender(ip, helo, sender,
		spf.WithContext(ctx), spf.WithResolver(spfResolver{r}))
	switch res {
	case spf.Pass, spf.Fail, spf.SoftFail, spf.Neutral, spf.None, spf.TempError, spf.PermError:
		return string(res), domain, scope
	}
	return PermError, domain, scope
}

// spfResolver gives blitiri spf our resolver. The method sets are the same,
// but the library tells "not found" from "try later" by asserting the error
// to a bare *net.DNSError, so every error is turned into one here.
type spfResolver struct{ r resolver.Resolver }

var _ spf.DNSResolver = spfResolver{}

func (s spfResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	txt, err := s.r.LookupTXT(ctx, name)
	return txt, dnsError(err, name)
}

func (s spfResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	mx, err := s.r.LookupMX(ctx, name)
	return mx, dnsError(err, name)
}

func (s spfResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	ips, err := s.r.LookupIPAddr(ctx, host)
	return ips, dnsError(err, host)
}

func (s spfResolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	names, err := s.r.LookupAddr(ctx, addr)
	return names, dnsError(err, addr)
}

// dnsError returns err as a bare *net.DNSError, the form that both blitiri
// spf and go-msgauth inspect by type assertion. An error that is not a
// DNS answer at all (a cancelled context, a broken resolver) is temporary:
// nothing proves the record does not exist.
func dnsError(err error, name string) error {
	if err == nil {
		return nil
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return de
	}
	return &net.DNSError{Err: err.Error(), Name: name, IsTemporary: true}
}
