package spam

// DNS block lists (issue 18; RFC 5782): the operator may name lists in
// the config ([spam] dnsbl, off by default); the connecting IP of mail
// from the internet is asked of each, and each list that names it is a
// signal (PointsDNSBL, never spam alone).
//
// A list is asked for the IP's reversed octets (IPv4: 192.0.2.99 is
// 99.2.0.192.zone) or nibbles (IPv6, RFC 5782 §2.4) under its zone; an A
// answer in 127.0.0.0/8 means listed. 127.255.255.0/24 is how Spamhaus
// says "your query was refused" (a public resolver, a quota): not a
// listing. No answer, an error or a timeout are "not listed": a list
// that cannot be reached must not make mail spam, and must not hold a
// delivery up past Timeout (all lists are asked at once). Answers are
// kept for TTL, so a sender's burst asks once; failures are not kept.
// Loopback, private and link-local addresses are never asked (RFC 5782
// §5: they leak nothing useful and the lists do not hold them).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"
)

// DNSBL asks DNS block lists about connecting IPs.
type DNSBL struct {
	// Zones are the lists, in the config's order ("zen.example.org").
	Zones []string
	// Resolver asks the DNS (resolver.Resolver; tests answer their own).
	Resolver interface {
		LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
	}
	// Timeout bounds one Listed call; DefaultDNSBLTimeout when 0.
	Timeout time.Duration
	// TTL is how long an answer is kept; DefaultDNSBLTTL when 0.
	TTL time.Duration
	// Now is the clock of the cache; time.Now when nil.
	Now func() time.Time
	Log *slog.Logger

	mu    sync.Mutex
	cache map[string]dnsblEntry // by zone + " " + IP
}

type dnsblEntry struct {
	listed  bool
	expires time.Time
}

// Defaults of the DNSBL check, and the most answers kept.
const (
	DefaultDNSBLTimeout = 2 * time.Second
	DefaultDNSBLTTL     = 10 * time.Minute
	maxDNSBLCache       = 10000
)

// Listed returns the zones that list ip, in the order of Zones; nil when
// none does, when ip is not a public address or when no list answered.
func (b *DNSBL) Listed(ctx context.Context, ip net.IP) []string {
	if b == nil || len(b.Zones) == 0 || !publicIP(ip) {
		return nil
	}
	timeout := b.Timeout
	if timeout <= 0 {
		timeout = DefaultDNSBLTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rev := reverseName(ip)
	listed := make([]bool, len(b.Zones))
	var wg sync.WaitGroup
	for i, zone := range b.Zones {
		zone = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(zone)), ".")
		if zone == "" {
			continue
		}
		key := zone + " " + ip.String()
		if l, ok := b.cached(key); ok {
			listed[i] = l
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := b.ask(ctx, rev+"."+zone)
			if err != nil {
				b.log().Warn("dns block list not answered", "zone", zone, "ip", ip.String(), "err", err)
				return
			}
			listed[i] = l
			b.keep(key, l)
		}()
	}
	wg.Wait()
	var out []string
	for i, l := range listed {
		if l {
			out = append(out, strings.TrimSuffix(strings.ToLower(strings.TrimSpace(b.Zones[i])), "."))
		}
	}
	return out
}

// ask says whether name has a listing answer; an error for a lookup that
// failed (not for "no such name", which is "not listed").
func (b *DNSBL) ask(ctx context.Context, name string) (bool, error) {
	addrs, err := b.Resolver.LookupIPAddr(ctx, name)
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return false, nil
		}
		return false, fmt.Errorf("look up %s: %w", name, err)
	}
	for _, a := range addrs {
		v4 := a.IP.To4()
		if v4 != nil && v4[0] == 127 && !(v4[1] == 255 && v4[2] == 255) {
			return true, nil
		}
	}
	return false, nil
}

func (b *DNSBL) cached(key string) (listed, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.cache[key]
	if !ok || !b.now().Before(e.expires) {
		return false, false
	}
	return e.listed, true
}

func (b *DNSBL) keep(key string, listed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.cache == nil {
		b.cache = map[string]dnsblEntry{}
	}
	if len(b.cache) >= maxDNSBLCache { // drop the expired; if none, all
		for k, e := range b.cache {
			if !now.Before(e.expires) {
				delete(b.cache, k)
			}
		}
		if len(b.cache) >= maxDNSBLCache {
			clear(b.cache)
		}
	}
	ttl := b.TTL
	if ttl <= 0 {
		ttl = DefaultDNSBLTTL
	}
	b.cache[key] = dnsblEntry{listed: listed, expires: now.Add(ttl)}
}

func (b *DNSBL) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *DNSBL) log() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.Default()
}

// publicIP: an address the lists may hold.
func publicIP(ip net.IP) bool {
	return ip != nil && !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() &&
		!ip.IsUnspecified() && !ip.IsMulticast()
}

// reverseName is the IP as a DNSBL asks for it: reversed octets for
// IPv4, reversed nibbles for IPv6 (RFC 5782 §2.1, §2.4).
func reverseName(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return fmt.Sprintf("%d.%d.%d.%d", v4[3], v4[2], v4[1], v4[0])
	}
	const hex = "0123456789abcdef"
	v6 := ip.To16()
	parts := make([]string, 0, 32)
	for i := len(v6) - 1; i >= 0; i-- {
		parts = append(parts, string(hex[v6[i]&0xf]), string(hex[v6[i]>>4]))
	}
	return strings.Join(parts, ".")
}
