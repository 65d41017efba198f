package dkim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"postroom/internal/resolver"
)

const domain = "example.test"

var (
	keysOnce sync.Once
	testKeys []Key
	keysErr  error
)

// keys generates one key pair per test binary: RSA 2048 takes a while.
func keys(t *testing.T) []Key {
	t.Helper()
	keysOnce.Do(func() {
		testKeys, keysErr = GenerateKeys(time.Date(2026, 11, 3, 23, 30, 0, 0, time.FixedZone("KST", 9*3600)))
	})
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return testKeys
}

func message(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n"))
}

var sample = message(
	"From: Kim Minsu <minsu@example.test>",
	"To: Lee <lee@example.org>",
	"Subject: Quarterly report",
	"Date: Tue, 03 Nov 2026 09:00:00 +0900",
	"Message-ID: <1@example.test>",
	"MIME-Version: 1.0",
	"Content-Type: text/plain; charset=utf-8",
	"",
	"Hello,  see you   tomorrow.",
	"",
	"",
)

// publish returns a resolver that serves the DNS records of keys.
func publish(t *testing.T, keys []Key) *resolver.Static {
	t.Helper()
	st := &resolver.Static{TXT: map[string][]string{}}
	for _, k := range keys {
		name, value, err := k.DNSRecord()
		if err != nil {
			t.Fatal(err)
		}
		st.TXT[name+"."+domain] = []string{value}
	}
	return st
}

// verify runs go-msgauth's verifier over the signed message and returns
// one error (nil for a pass) per signature.
func verify(t *testing.T, st *resolver.Static, signed []byte) []error {
	t.Helper()
	vs, err := msgdkim.VerifyWithOptions(bytes.NewReader(signed), &msgdkim.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) { return st.LookupTXT(context.Background(), name) },
	})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	errs := make([]error, len(vs))
	for i, v := range vs {
		if v.Domain != domain {
			t.Errorf("signature %d: d=%q, want %q", i, v.Domain, domain)
		}
		errs[i] = v.Err
	}
	return errs
}

func sign(t *testing.T, raw []byte, keys []Key) []byte {
	t.Helper()
	sigs, err := Sign(raw, domain, keys)
	if err != nil {
		t.Fatal(err)
	}
	return append(sigs, raw...)
}

func TestGenerateKeys_oneRSAOneEd25519WithMonthSelectors(t *testing.T) {
	ks := keys(t)
	// 23:30 KST on 3 November is still 3 November in UTC; selectors use UTC.
	want := []struct{ sel, alg string }{{"pr202611r", RSA}, {"pr202611e", Ed25519}}
	if len(ks) != len(want) {
		t.Fatalf("got %d keys, want %d", len(ks), len(want))
	}
	for i, w := range want {
		if ks[i].Selector != w.sel || ks[i].Algorithm != w.alg {
			t.Errorf("key %d = %s/%s, want %s/%s", i, ks[i].Selector, ks[i].Algorithm, w.sel, w.alg)
		}
		if !bytes.HasPrefix(ks[i].PrivatePEM, []byte("-----BEGIN PRIVATE KEY-----")) {
			t.Errorf("key %d is not PKCS#8 PEM: %.40q", i, ks[i].PrivatePEM)
		}
	}
	s, err := ks[0].signer()
	if err != nil {
		t.Fatal(err)
	}
	if bits := s.(*rsa.PrivateKey).N.BitLen(); bits != 2048 {
		t.Errorf("RSA key has %d bits, want 2048", bits)
	}
}

func TestGenerateKeys_selectorFollowsUTCMonth(t *testing.T) {
	// 1 December 2026 08:00 in Seoul is still 30 November in UTC.
	ks, err := GenerateKeys(time.Date(2026, 12, 1, 8, 0, 0, 0, time.FixedZone("KST", 9*3600)))
	if err != nil {
		t.Fatal(err)
	}
	if ks[0].Selector != "pr202611r" || ks[1].Selector != "pr202611e" {
		t.Errorf("selectors %s, %s; want pr202611r, pr202611e", ks[0].Selector, ks[1].Selector)
	}
}

func TestDNSRecord_publishesThePublicKey(t *testing.T) {
	for _, k := range keys(t) {
		t.Run(k.Algorithm, func(t *testing.T) {
			name, value, err := k.DNSRecord()
			if err != nil {
				t.Fatal(err)
			}
			if name != k.Selector+"._domainkey" {
				t.Errorf("name = %q", name)
			}
			prefix := "v=DKIM1; k=" + k.Algorithm + "; p="
			if !strings.HasPrefix(value, prefix) {
				t.Fatalf("value = %q, want prefix %q", value, prefix)
			}
			p, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(value, prefix))
			if err != nil {
				t.Fatal(err)
			}
			s, _ := k.signer()
			switch pub := s.Public().(type) {
			case *rsa.PublicKey:
				got, err := x509.ParsePKIXPublicKey(p)
				if err != nil || !pub.Equal(got) {
					t.Errorf("p= is not the RSA public key (err %v)", err)
				}
			case ed25519.PublicKey:
				if !pub.Equal(ed25519.PublicKey(p)) {
					t.Errorf("p= is not the Ed25519 public key")
				}
			}
		})
	}
}

func TestSign_bothSignaturesVerify(t *testing.T) {
	ks := keys(t)
	signed := sign(t, sample, ks)
	if n := bytes.Count(signed, []byte("DKIM-Signature:")); n != 2 {
		t.Fatalf("%d DKIM-Signature fields, want 2", n)
	}
	errs := verify(t, publish(t, ks), signed)
	if len(errs) != 2 {
		t.Fatalf("%d verifications, want 2", len(errs))
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("signature %d: %v", i, err)
		}
	}
	for _, want := range []string{"c=relaxed/relaxed", "a=rsa-sha256", "a=ed25519-sha256", "s=pr202611r", "s=pr202611e"} {
		if !bytes.Contains(signed, []byte(want)) {
			t.Errorf("signatures lack %q", want)
		}
	}
}

func TestSign_eachAlgorithmAloneVerifies(t *testing.T) {
	for _, k := range keys(t) {
		t.Run(k.Algorithm, func(t *testing.T) {
			errs := verify(t, publish(t, []Key{k}), sign(t, sample, []Key{k}))
			if len(errs) != 1 || errs[0] != nil {
				t.Errorf("verification: %v", errs)
			}
		})
	}
}

func TestSign_tamperingFails(t *testing.T) {
	ks := keys(t)
	signed := sign(t, sample, ks)
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
	}{
		{"body changed", func(b []byte) []byte {
			return bytes.Replace(b, []byte("tomorrow"), []byte("today"), 1)
		}},
		{"subject changed", func(b []byte) []byte {
			return bytes.Replace(b, []byte("Quarterly"), []byte("Annual"), 1)
		}},
		{"second From added below (the verifier reads From from the bottom)", func(b []byte) []byte {
			return bytes.Replace(b, []byte("\r\n\r\n"), []byte("\r\nFrom: ceo@example.test\r\n\r\n"), 1)
		}},
		{"second From added on top (caught by oversigning)", func(b []byte) []byte {
			return append([]byte("From: ceo@example.test\r\n"), b...)
		}},
		{"Reply-To added (absent names are signed)", func(b []byte) []byte {
			return bytes.Replace(b, []byte("\r\n\r\n"), []byte("\r\nReply-To: thief@example.org\r\n\r\n"), 1)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := verify(t, publish(t, ks), tc.edit(bytes.Clone(signed)))
			for i, err := range errs {
				if err == nil {
					t.Errorf("signature %d still verifies", i)
				}
			}
		})
	}
}

func TestSign_relaxedSurvivesWhitespaceChanges(t *testing.T) {
	ks := keys(t)
	signed := sign(t, sample, ks)
	// Relays may refold headers and change runs of whitespace (RFC 6376 §3.4.2, §3.4.4).
	edited := bytes.Replace(signed, []byte("Subject: Quarterly report"), []byte("Subject:   Quarterly\r\n\treport"), 1)
	edited = bytes.Replace(edited, []byte("see you   tomorrow."), []byte("see you tomorrow.  "), 1)
	for i, err := range verify(t, publish(t, ks), edited) {
		if err != nil {
			t.Errorf("signature %d: %v", i, err)
		}
	}
}

func TestSign_bareLFSignsTheCRLFForm(t *testing.T) {
	ks := keys(t)
	lf := bytes.ReplaceAll(sample, []byte("\r\n"), []byte("\n"))
	sigs, err := Sign(lf, domain, ks)
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range verify(t, publish(t, ks), append(sigs, sample...)) {
		if err != nil {
			t.Errorf("signature %d over the CRLF form: %v", i, err)
		}
	}
}

func TestSign_badInput(t *testing.T) {
	ks := keys(t)
	edAsRSA := ks[1]
	edAsRSA.Algorithm = RSA
	badSelector := ks[1]
	badSelector.Selector = "bad_selector"
	for _, tc := range []struct {
		name   string
		domain string
		keys   []Key
	}{
		{"no keys", domain, nil},
		{"no domain", "", ks},
		{"algorithm does not match key", domain, []Key{edAsRSA}},
		{"invalid selector", domain, []Key{badSelector}},
		{"not PEM", domain, []Key{{Selector: "s1", Algorithm: RSA, PrivatePEM: []byte("junk")}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if sigs, err := Sign(sample, tc.domain, tc.keys); err == nil {
				t.Errorf("Sign succeeded: %q", sigs)
			}
		})
	}
}

func TestValidSelector(t *testing.T) {
	for s, want := range map[string]bool{
		"pr202611r": true, "a.b-c": true, "2026": true,
		"": false, "a..b": false, "-a": false, "a-": false, "a_b": false, "a b": false, ".a": false,
		strings.Repeat("a", 64): false,
	} {
		if got := validSelector(s); got != want {
			t.Errorf("validSelector(%q) = %v, want %v", s, got, want)
		}
	}
}
