package spam

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"postroom/internal/resolver"
)

func TestCheckSPF(t *testing.T) {
	for _, tc := range []struct {
		name       string
		txt        map[string][]string
		ip         []net.IP // mail.example.com's addresses
		fail       string   // a name whose lookups fail
		helo, from string
		result     string
		domain     string
		scope      string
	}{
		{name: "pass by ip4", txt: map[string][]string{"example.com": {"v=spf1 ip4:192.0.2.0/24 -all"}},
			from: "a@example.com", result: Pass, domain: "example.com", scope: ScopeMailFrom},
		{name: "pass by mx", txt: map[string][]string{"example.com": {"v=spf1 mx -all"}}, ip: []net.IP{senderIP},
			from: "a@example.com", result: Pass, domain: "example.com", scope: ScopeMailFrom},
		{name: "fail with -all", txt: map[string][]string{"example.com": {"v=spf1 ip4:198.51.100.1 -all"}},
			from: "a@example.com", result: Fail, domain: "example.com", scope: ScopeMailFrom},
		{name: "softfail with ~all", txt: map[string][]string{"example.com": {"v=spf1 ip4:198.51.100.1 ~all"}},
			from: "a@example.com", result: SoftFail, domain: "example.com", scope: ScopeMailFrom},
		{name: "neutral with ?all", txt: map[string][]string{"example.com": {"v=spf1 ?all"}},
			from: "a@example.com", result: Neutral, domain: "example.com", scope: ScopeMailFrom},
		{name: "none without a record", txt: map[string][]string{"example.com": {"google-site-verification=x"}},
			from: "a@example.com", result: None, domain: "example.com", scope: ScopeMailFrom},
		{name: "none for a domain that does not exist",
			from: "a@nowhere.example", result: None, domain: "nowhere.example", scope: ScopeMailFrom},
		{name: "temperror when DNS fails", fail: "example.com",
			from: "a@example.com", result: TempError, domain: "example.com", scope: ScopeMailFrom},
		{name: "permerror for two records (RFC 7208 §4.5)",
			txt:  map[string][]string{"example.com": {"v=spf1 -all", "v=spf1 +all"}},
			from: "a@example.com", result: PermError, domain: "example.com", scope: ScopeMailFrom},
		{name: "permerror for a syntax error", txt: map[string][]string{"example.com": {"v=spf1 ip4:300.1.1.1 -all"}},
			from: "a@example.com", result: PermError, domain: "example.com", scope: ScopeMailFrom},
		{name: "bounce checks HELO (RFC 7208 §2.4)",
			txt: map[string][]string{"mail.example.com": {"v=spf1 a -all"}}, ip: []net.IP{senderIP},
			helo: "mail.example.com", from: "", result: Pass, domain: "mail.example.com", scope: ScopeHelo},
		{name: "bounce from an unauthorized HELO fails",
			txt:  map[string][]string{"mail.example.com": {"v=spf1 -all"}},
			helo: "Mail.Example.com.", from: "", result: Fail, domain: "mail.example.com", scope: ScopeHelo},
		{name: "address-literal HELO gives none (RFC 7208 §4.3)",
			helo: "[192.0.2.10]", from: "", result: None, domain: "[192.0.2.10]", scope: ScopeHelo},
		{name: "MAIL FROM domain is compared case-insensitively",
			txt:  map[string][]string{"example.com": {"v=spf1 ip4:192.0.2.10 -all"}},
			from: "A@EXAMPLE.COM", result: Pass, domain: "example.com", scope: ScopeMailFrom},
		{name: "IDN MAIL FROM is looked up as A-labels",
			txt:  map[string][]string{"xn--hq1bm8jm9l.kr": {"v=spf1 ip4:192.0.2.10 -all"}},
			from: "a@도메인.kr", result: Pass, domain: "xn--hq1bm8jm9l.kr", scope: ScopeMailFrom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newDNS()
			for k, v := range tc.txt {
				st.TXT[k] = v
			}
			st.MX["example.com"] = []*net.MX{{Host: "mail.example.com.", Pref: 10}}
			if tc.ip != nil {
				st.IP["mail.example.com"] = tc.ip
			}
			if tc.fail != "" {
				st.Fail[tc.fail] = true
			}
			result, domain, scope := checkSPF(context.Background(), st, senderIP, tc.helo, tc.from)
			if result != tc.result || domain != tc.domain || scope != tc.scope {
				t.Errorf("checkSPF = %s, %s, %s; want %s, %s, %s", result, domain, scope, tc.result, tc.domain, tc.scope)
			}
		})
	}
}

func TestCheckSPF_invalidIPIsPermError(t *testing.T) {
	st := newDNS()
	st.TXT["example.com"] = []string{"v=spf1 +all"}
	if result, _, _ := checkSPF(context.Background(), st, nil, "", "a@example.com"); result != PermError {
		t.Errorf("result = %s, want permerror", result)
	}
}

// wrapping returns every error of the Static resolver wrapped, as a
// caching or logging resolver in front of ours might.
type wrapping struct{ *resolver.Static }

func (w wrapping) LookupTXT(ctx context.Context, name string) ([]string, error) {
	txt, err := w.Static.LookupTXT(ctx, name)
	if err != nil {
		err = fmt.Errorf("cache: %w", err)
	}
	return txt, err
}

func TestCheckSPF_wrappedDNSErrorsKeepTheirMeaning(t *testing.T) {
	st := newDNS()
	st.Fail["down.example"] = true
	for domain, want := range map[string]string{"missing.example": None, "down.example": TempError} {
		if got, _, _ := checkSPF(context.Background(), wrapping{st}, senderIP, "", "a@"+domain); got != want {
			t.Errorf("%s: %s, want %s", domain, got, want)
		}
	}
}

func TestDNSError(t *testing.T) {
	notFound := &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}
	for _, tc := range []struct {
		name          string
		in            error
		temp, missing bool
	}{
		{"bare not found", notFound, false, true},
		{"wrapped not found", fmt.Errorf("wrap: %w", notFound), false, true},
		{"context error", context.DeadlineExceeded, true, false},
		{"other error", errors.New("broken"), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			de, ok := dnsError(tc.in, "x").(*net.DNSError)
			if !ok {
				t.Fatalf("not a bare *net.DNSError")
			}
			if de.Temporary() != tc.temp || de.IsNotFound != tc.missing {
				t.Errorf("temporary %v, not found %v; want %v, %v", de.Temporary(), de.IsNotFound, tc.temp, tc.missing)
			}
		})
	}
	if dnsError(nil, "x") != nil {
		t.Error("dnsError(nil) != nil")
	}
}
