package resolver

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"time"
)

// Cache answers a lookup asked again within a short while from memory.
// Every message received asks DNS the same few questions of its sender's
// domain (SPF, DMARC) and address (iprev), and Go's resolver keeps
// nothing: a sixth of the CPU of receiving a 10 KB message went to
// asking them again (issue 21). Go's resolver does not tell the records'
// TTLs, so an answer is kept a fixed time, shorter than mail's records
// are published for; a name that does not exist the same (RFC 2308
// negative caching); a failure of the resolver only briefly (RFC 9520:
// at least a second, so that a failing server is not asked for every
// message). A lookup that ended with its caller's context is not kept: it
// says nothing of DNS.
type Cache struct {
	Resolver Resolver
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time

	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
}

// How long an answer, or a failure, is kept; and how many are at most.
const (
	cacheAnswer  = time.Minute
	cacheFailure = 5 * time.Second
	cacheMax     = 10_000
)

type cacheKey struct {
	kind byte // 'M'X, 'T'XT, 'A' (IP addresses), 'P'TR
	name string
}

type cacheEntry struct {
	value any
	err   error
	until time.Time
}

var _ Resolver = (*Cache)(nil)

// Cached is r with a Cache in front.
func Cached(r Resolver) *Cache { return &Cache{Resolver: r} }

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// lookup returns the kept answer of (kind, name), or asks ask and keeps
// what it says.
func (c *Cache) lookup(ctx context.Context, kind byte, name string, ask func() (any, error)) (any, error) {
	k := cacheKey{kind, key(name)}
	now := c.now()
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.value, e.err
	}
	v, err := ask()
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return v, err
	}
	keep := cacheAnswer
	if err != nil && !IsNotFound(err) {
		keep = cacheFailure
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= cacheMax {
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= cacheMax {
			clear(c.entries) // all fresh: a flood of distinct names, kept no longer
		}
	}
	if c.entries == nil {
		c.entries = map[cacheKey]cacheEntry{}
	}
	c.entries[k] = cacheEntry{value: v, err: err, until: now.Add(keep)}
	return v, err
}

// LookupMX implements Resolver. The caller gets its own slice (the
// outbound queue sorts it).
func (c *Cache) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	v, err := c.lookup(ctx, 'M', name, func() (any, error) { return c.Resolver.LookupMX(ctx, name) })
	mx, _ := v.([]*net.MX)
	if mx == nil {
		return nil, err
	}
	out := make([]*net.MX, len(mx))
	for i, m := range mx {
		cp := *m
		out[i] = &cp
	}
	return out, err
}

// LookupTXT implements Resolver.
func (c *Cache) LookupTXT(ctx context.Context, name string) ([]string, error) {
	v, err := c.lookup(ctx, 'T', name, func() (any, error) { return c.Resolver.LookupTXT(ctx, name) })
	txt, _ := v.([]string)
	return slices.Clone(txt), err
}

// LookupIPAddr implements Resolver.
func (c *Cache) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	v, err := c.lookup(ctx, 'A', host, func() (any, error) { return c.Resolver.LookupIPAddr(ctx, host) })
	ips, _ := v.([]net.IPAddr)
	return slices.Clone(ips), err
}

// LookupAddr implements Resolver.
func (c *Cache) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	v, err := c.lookup(ctx, 'P', addr, func() (any, error) { return c.Resolver.LookupAddr(ctx, addr) })
	names, _ := v.([]string)
	return slices.Clone(names), err
}
