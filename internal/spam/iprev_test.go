package spam

import (
	"context"
	"net"
	"testing"
)

func TestCheckIPRev(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ip     net.IP
		ptr    []string
		fwd    map[string][]net.IP
		fail   string
		result string
		host   string
		addr   string
	}{
		{name: "pass: PTR name resolves back", ip: senderIP,
			ptr: []string{"mail.example.com."}, fwd: map[string][]net.IP{"mail.example.com": {net.ParseIP("192.0.2.9"), senderIP}},
			result: Pass, host: "mail.example.com", addr: "192.0.2.10"},
		{name: "pass on the second PTR name", ip: senderIP,
			ptr: []string{"old.example.com.", "Mail.Example.COM."}, fwd: map[string][]net.IP{"mail.example.com": {senderIP}},
			result: Pass, host: "mail.example.com", addr: "192.0.2.10"},
		{name: "pass for IPv6", ip: net.ParseIP("2001:db8::25"),
			ptr: []string{"mx.example.com."}, fwd: map[string][]net.IP{"mx.example.com": {net.ParseIP("2001:db8:0:0::25")}},
			result: Pass, host: "mx.example.com", addr: "2001:db8::25"},
		{name: "pass for an IPv4-mapped address", ip: net.ParseIP("::ffff:192.0.2.10"),
			ptr: []string{"mail.example.com."}, fwd: map[string][]net.IP{"mail.example.com": {senderIP}},
			result: Pass, host: "mail.example.com", addr: "192.0.2.10"},
		{name: "fail: no PTR record", ip: senderIP,
			result: Fail, addr: "192.0.2.10"},
		{name: "fail: PTR name points elsewhere", ip: senderIP,
			ptr: []string{"mail.example.com."}, fwd: map[string][]net.IP{"mail.example.com": {net.ParseIP("198.51.100.1")}},
			result: Fail, addr: "192.0.2.10"},
		{name: "fail: PTR name does not exist", ip: senderIP,
			ptr:    []string{"gone.example.com."},
			result: Fail, addr: "192.0.2.10"},
		{name: "temperror: forward lookup fails", ip: senderIP,
			ptr: []string{"mail.example.com."}, fail: "mail.example.com",
			result: TempError, addr: "192.0.2.10"},
		{name: "a confirmed name beats a failing one", ip: senderIP,
			ptr: []string{"down.example.com.", "mail.example.com."}, fail: "down.example.com",
			fwd:    map[string][]net.IP{"mail.example.com": {senderIP}},
			result: Pass, host: "mail.example.com", addr: "192.0.2.10"},
		{name: "permerror without an IP", ip: nil, result: PermError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newDNS()
			if tc.ptr != nil {
				ip := tc.ip
				if ip4 := ip.To4(); ip4 != nil {
					ip = ip4
				}
				st.PTR[ip.String()] = tc.ptr
			}
			for k, v := range tc.fwd {
				st.IP[k] = v
			}
			if tc.fail != "" {
				st.Fail[tc.fail] = true
			}
			result, host, addr := checkIPRev(context.Background(), st, tc.ip)
			if result != tc.result || host != tc.host || addr != tc.addr {
				t.Errorf("checkIPRev = %s, %q, %q; want %s, %q, %q", result, host, addr, tc.result, tc.host, tc.addr)
			}
		})
	}
}

func TestCheckIPRev_PTRLookupFailingIsTempError(t *testing.T) {
	st := &cancelAware{newDNS()}
	st.PTR["192.0.2.10"] = []string{"mail.example.com."}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if result, _, _ := checkIPRev(ctx, st, senderIP); result != TempError {
		t.Errorf("result = %s, want temperror", result)
	}
}

func TestCheckIPRev_boundsForwardLookups(t *testing.T) {
	st := newDNS()
	var names []string
	for i := range maxPTRNames + 5 {
		names = append(names, string(rune('a'+i))+".example.com.")
	}
	st.PTR["192.0.2.10"] = names
	// Only the last name confirms, beyond the limit.
	st.IP[names[len(names)-1][:len(names[len(names)-1])-1]] = []net.IP{senderIP}
	if result, _, _ := checkIPRev(context.Background(), st, senderIP); result != Fail {
		t.Errorf("result = %s, want fail: names past the %dth are not looked up", result, maxPTRNames)
	}
}
