package spam

import (
	"context"
	"net"
	"reflect"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"postroom/internal/resolver"
)

// fakeLists answers A lookups from a table, counts them, and hangs on
// the names in hang until the context ends.
type fakeLists struct {
	mu    sync.Mutex
	table map[string][]net.IPAddr
	hang  map[string]bool
	fail  map[string]bool
	asked []string
}

func (f *fakeLists) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	f.mu.Lock()
	f.asked = append(f.asked, host)
	a, hang, fail := f.table[host], f.hang[host], f.fail[host]
	f.mu.Unlock()
	switch {
	case hang:
		<-ctx.Done()
		return nil, ctx.Err()
	case fail:
		return nil, &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}
	case a == nil:
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return a, nil
}

func (f *fakeLists) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.asked)
}

func ipAddrs(s ...string) []net.IPAddr {
	var out []net.IPAddr
	for _, a := range s {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out
}

func TestReverseName(t *testing.T) {
	for ip, want := range map[string]string{
		"192.0.2.99":  "99.2.0.192",
		"2001:db8::1": "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2",
	} {
		if got := reverseName(net.ParseIP(ip)); got != want {
			t.Errorf("%s: %q, want %q", ip, got, want)
		}
	}
}

// Listed names the lists that answer 127.0.0.x, in the config's order;
// "no such name", a refusal code (127.255.255.x), a failure are not
// listings; answers are kept for the TTL, failures not; private and
// loopback addresses are never asked.
func TestDNSBL_fakeResolver(t *testing.T) {
	f := &fakeLists{table: map[string][]net.IPAddr{
		"99.2.0.192.zen.example.org": ipAddrs("127.0.0.2"),
		"99.2.0.192.bl.example.net":  ipAddrs("127.0.0.4"),
		"99.2.0.192.quota.example":   ipAddrs("127.255.255.254"),
		"99.2.0.192.public.example":  ipAddrs("192.0.2.1"),
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.example.org": ipAddrs("127.0.0.3"),
	}, fail: map[string]bool{"99.2.0.192.down.example": true}}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	b := &DNSBL{Zones: []string{"bl.example.net", "Zen.Example.Org.", "quota.example", "public.example", "down.example", "none.example"},
		Resolver: f, TTL: time.Minute, Now: func() time.Time { return now }}
	ctx := context.Background()
	if got := b.Listed(ctx, net.ParseIP("192.0.2.99")); !reflect.DeepEqual(got, []string{"bl.example.net", "zen.example.org"}) {
		t.Errorf("listed %q", got)
	}
	if n := f.count(); n != 6 {
		t.Errorf("%d lookups, want one per list", n)
	}
	b.Listed(ctx, net.ParseIP("192.0.2.99"))
	if n := f.count(); n != 7 {
		t.Errorf("%d lookups after a second ask within the TTL: only the failed list is asked again (want 7)", n)
	}
	now = now.Add(2 * time.Minute)
	b.Listed(ctx, net.ParseIP("192.0.2.99"))
	if n := f.count(); n != 13 {
		t.Errorf("%d lookups after the TTL, want 13", n)
	}
	if got := b.Listed(ctx, net.ParseIP("2001:db8::1")); !reflect.DeepEqual(got, []string{"zen.example.org"}) {
		t.Errorf("IPv6 listed %q", got)
	}
	before := f.count()
	for _, ip := range []string{"127.0.0.1", "10.1.2.3", "192.168.0.5", "fe80::1", "::1"} {
		if got := b.Listed(ctx, net.ParseIP(ip)); got != nil {
			t.Errorf("%s listed %q", ip, got)
		}
	}
	if f.count() != before {
		t.Errorf("private addresses were asked: %q", f.asked[before:])
	}
	if got := (*DNSBL)(nil).Listed(ctx, net.ParseIP("192.0.2.99")); got != nil {
		t.Errorf("no lists configured: %q", got)
	}
}

// A list that does not answer costs at most the timeout, and the others'
// answers still count.
func TestDNSBL_timeoutBounded(t *testing.T) {
	f := &fakeLists{table: map[string][]net.IPAddr{"99.2.0.192.zen.example.org": ipAddrs("127.0.0.2")},
		hang: map[string]bool{"99.2.0.192.slow.example": true}}
	b := &DNSBL{Zones: []string{"slow.example", "zen.example.org"}, Resolver: f, Timeout: 50 * time.Millisecond}
	done := make(chan []string, 1)
	go func() { done <- b.Listed(context.Background(), net.ParseIP("192.0.2.99")) }()
	select {
	case got := <-done:
		if !reflect.DeepEqual(got, []string{"zen.example.org"}) {
			t.Errorf("listed %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Listed did not return: the timeout does not bound it")
	}
}

// startListDNS serves a DNS block list over UDP on 127.0.0.1: A answers
// for the names in listed, NXDOMAIN for every other name.
func startListDNS(t *testing.T, listed map[string][4]byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			a, ok := listed[q.Name.String()]
			rc := dnsmessage.RCodeSuccess
			if !ok {
				rc = dnsmessage.RCodeNameError
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RCode: rc})
			b.StartQuestions()
			b.Question(q)
			b.StartAnswers()
			if ok && q.Type == dnsmessage.TypeA {
				b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: a})
			}
			if out, err := b.Finish(); err == nil {
				pc.WriteTo(out, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

// Through a real DNS server on 127.0.0.1 and the resolver the server
// uses (resolver.New with dns_server).
func TestDNSBL_realDNSServer(t *testing.T) {
	addr := startListDNS(t, map[string][4]byte{"99.2.0.192.zen.example.org.": {127, 0, 0, 2}})
	b := &DNSBL{Zones: []string{"zen.example.org", "other.example.org"}, Resolver: resolver.New(addr), Timeout: 5 * time.Second}
	ctx := context.Background()
	if got := b.Listed(ctx, net.ParseIP("192.0.2.99")); !reflect.DeepEqual(got, []string{"zen.example.org"}) {
		t.Errorf("listed %q, want zen.example.org", got)
	}
	if got := b.Listed(ctx, net.ParseIP("192.0.2.100")); got != nil {
		t.Errorf("an unlisted IP is listed in %q", got)
	}
}
