package spam

// iprev (RFC 8601 §3): the remote IP's PTR names, each confirmed by a
// forward lookup that returns the same IP ("forward-confirmed reverse DNS").

import (
	"context"
	"net"
	"strings"

	"postroom/internal/resolver"
)

// maxPTRNames bounds the forward lookups made for one IP, as RFC 7208
// §4.6.4 bounds SPF's ptr mechanism to 10 names.
const maxPTRNames = 10

// checkIPRev returns pass and the confirming name, fail when the IP has
// no PTR record or no PTR name resolves back to it, temperror when a
// lookup could not complete (RFC 8601 §2.7.3), and permerror when there is
// no valid IP to check. addr is the IP as checked, for policy.iprev.
func checkIPRev(ctx context.Context, r resolver.Resolver, ip net.IP) (result, name, addr string) {
	if ip.To16() == nil {
		return PermError, "", ""
	}
	if ip4 := ip.To4(); ip4 != nil {
		ip = ip4 // an IPv4-mapped IPv6 address has an in-addr.arpa PTR
	}
	result, name = forwardConfirmed(ctx, r, ip)
	return result, name, ip.String()
}

func forwardConfirmed(ctx context.Context, r resolver.Resolver, ip net.IP) (result, name string) {
	names, err := r.LookupAddr(ctx, ip.String())
	if err != nil {
		if resolver.IsNotFound(err) {
			return Fail, ""
		}
		return TempError, ""
	}
	if len(names) > maxPTRNames {
		names = names[:maxPTRNames]
	}
	temp := false
	for _, n := range names {
		addrs, err := r.LookupIPAddr(ctx, n)
		if err != nil {
			temp = temp || !resolver.IsNotFound(err)
			continue
		}
		for _, a := range addrs {
			if a.IP.Equal(ip) {
				return Pass, strings.ToLower(strings.TrimSuffix(n, "."))
			}
		}
	}
	if temp {
		return TempError, ""
	}
	return Fail, ""
}
