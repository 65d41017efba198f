// Package resolver owns DNS lookups: every package that asks DNS (outbound
// MX lookup, SPF, DKIM, DMARC, MTA-STS, iprev) goes through the Resolver
// interface, so that tests answer with their own records and real runs use
// the system resolver.
package resolver

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
)

// Resolver is the subset of *net.Resolver that mail needs; *net.Resolver
// satisfies it.
type Resolver interface {
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
}

// System is the operating system's resolver.
var System Resolver = net.DefaultResolver

// New returns the system resolver, or one that asks the DNS server at
// server ("host:port") when it is set (a local caching resolver, or a
// test's own port).
func New(server string) Resolver {
	if server == "" {
		return System
	}
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
}

// IsNotFound reports whether err says the name or record does not exist
// (NXDOMAIN or no data), as opposed to a temporary failure.
func IsNotFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

// Static answers from records given in code: what tests use. Names are
// compared case-insensitively, with or without the trailing dot. A name
// with no record of the asked type answers "not found".
type Static struct {
	mu   sync.RWMutex
	MX   map[string][]*net.MX
	TXT  map[string][]string
	IP   map[string][]net.IP
	PTR  map[string][]string // by IP address string
	Fail map[string]bool     // names whose lookups fail temporarily
}

var _ Resolver = (*Static)(nil)

func key(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (s *Static) fail(name string) error {
	if s.Fail[key(name)] {
		return &net.DNSError{Err: "server misbehaving", Name: name, IsTemporary: true}
	}
	return nil
}

// LookupMX implements Resolver.
func (s *Static) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.fail(name); err != nil {
		return nil, err
	}
	if mx, ok := s.MX[key(name)]; ok {
		return mx, nil
	}
	return nil, notFound(name)
}

// LookupTXT implements Resolver.
func (s *Static) LookupTXT(_ context.Context, name string) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.fail(name); err != nil {
		return nil, err
	}
	if txt, ok := s.TXT[key(name)]; ok {
		return txt, nil
	}
	return nil, notFound(name)
}

// LookupIPAddr implements Resolver. IP literals resolve to themselves.
func (s *Static) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.fail(host); err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip != nil {
		return []net.IPAddr{{IP: ip}}, nil
	}
	ips, ok := s.IP[key(host)]
	if !ok {
		return nil, notFound(host)
	}
	out := make([]net.IPAddr, len(ips))
	for i, ip := range ips {
		out[i] = net.IPAddr{IP: ip}
	}
	return out, nil
}

// LookupAddr implements Resolver (PTR).
func (s *Static) LookupAddr(_ context.Context, addr string) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.fail(addr); err != nil {
		return nil, err
	}
	if names, ok := s.PTR[addr]; ok {
		return names, nil
	}
	return nil, notFound(addr)
}

// Set replaces records while lookups may run (tests that change DNS).
func (s *Static) Set(fn func(s *Static)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s)
}
