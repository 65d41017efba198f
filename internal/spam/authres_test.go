package spam

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/authres"
	msgdkim "github.com/emersion/go-msgauth/dkim"

	"postroom/internal/dkim"
	"postroom/internal/resolver"
)

// The world of these tests: senderIP sends for example.com, whose SPF
// record allows it, and signs with testKeys.
var senderIP = net.ParseIP("192.0.2.10")

// testNow dates the test keys: selectors pr202611r and pr202611e.
var testNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

var (
	keysOnce sync.Once
	testKeys []dkim.Key
	keysErr  error
)

func keys(t *testing.T) []dkim.Key {
	t.Helper()
	keysOnce.Do(func() { testKeys, keysErr = dkim.GenerateKeys(testNow) })
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return testKeys
}

func newDNS() *resolver.Static {
	return &resolver.Static{
		MX:   map[string][]*net.MX{},
		TXT:  map[string][]string{},
		IP:   map[string][]net.IP{},
		PTR:  map[string][]string{},
		Fail: map[string]bool{},
	}
}

// publishKeys publishes the DKIM key records of testKeys for domain.
func publishKeys(t *testing.T, st *resolver.Static, domain string, ks []dkim.Key) {
	t.Helper()
	for _, k := range ks {
		name, value, err := k.DNSRecord()
		if err != nil {
			t.Fatal(err)
		}
		st.TXT[name+"."+domain] = []string{value}
	}
}

// newMessage returns a message with the given From field value.
func newMessage(from string) []byte {
	return []byte(strings.Join([]string{
		"From: " + from,
		"To: kim@example.net",
		"Subject: =?UTF-8?B?7ZqM7J2Y?=",
		"Date: Tue, 03 Nov 2026 09:00:00 +0900",
		"Message-ID: <m1@example.com>",
		"",
		"Meeting at ten.",
		"",
	}, "\r\n"))
}

// signAs prepends DKIM signatures for domain made with ks.
func signAs(t *testing.T, raw []byte, domain string, ks []dkim.Key) []byte {
	t.Helper()
	sigs, err := dkim.Sign(raw, domain, ks)
	if err != nil {
		t.Fatal(err)
	}
	return append(sigs, raw...)
}

func TestCheck_allPass(t *testing.T) {
	st := newDNS()
	st.TXT["example.com"] = []string{"v=spf1 ip4:192.0.2.0/24 -all"}
	st.TXT["_dmarc.example.com"] = []string{"v=DMARC1; p=reject"}
	st.PTR["192.0.2.10"] = []string{"mail.example.com."}
	st.IP["mail.example.com"] = []net.IP{senderIP}
	publishKeys(t, st, "example.com", keys(t))

	res := Check(context.Background(), st, AuthInput{
		RemoteIP: senderIP,
		Helo:     "mail.example.com",
		MailFrom: "bounce+123@example.com",
		Raw:      signAs(t, newMessage("Park <park@example.com>"), "example.com", keys(t)),
	})
	want := AuthResults{
		SPF: Pass, SPFDomain: "example.com", SPFScope: ScopeMailFrom,
		DKIM: []DKIMResult{
			{Domain: "example.com", Selector: "pr202611r", Result: Pass},
			{Domain: "example.com", Selector: "pr202611e", Result: Pass},
		},
		DMARC: Pass, DMARCPolicy: "reject", FromDomain: "example.com",
		IPRev: Pass, IPRevName: "mail.example.com", IPRevIP: "192.0.2.10",
	}
	if !reflect.DeepEqual(*res, want) {
		t.Errorf("Check =\n%+v\nwant\n%+v", *res, want)
	}
}

// A message stored with bare LF line ends still verifies: signatures are
// over the CRLF form that travelled. Simple canonicalization (RFC 6376
// §3.4.3) keeps line ends as they are, so it shows the difference.
func TestCheck_bareLFMessageVerifies(t *testing.T) {
	st := newDNS()
	publishKeys(t, st, "example.com", keys(t))
	raw := newMessage("park@example.com")
	signed := signAs(t, raw, "example.com", keys(t))
	for _, k := range keys(t) {
		signer, err := parseSigner(k)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		err = msgdkim.Sign(&b, bytes.NewReader(signed), &msgdkim.SignOptions{
			Domain: "example.com", Selector: k.Selector, Signer: signer,
			HeaderCanonicalization: msgdkim.CanonicalizationSimple, BodyCanonicalization: msgdkim.CanonicalizationSimple,
		})
		if err != nil {
			t.Fatal(err)
		}
		signed = b.Bytes()
	}
	lf := bytes.ReplaceAll(signed, []byte("\r\n"), []byte("\n"))
	res := Check(context.Background(), st, AuthInput{RemoteIP: senderIP, Raw: lf})
	if len(res.DKIM) != 4 {
		t.Fatalf("%d DKIM results, want 4", len(res.DKIM))
	}
	for _, d := range res.DKIM {
		if d.Result != Pass {
			t.Errorf("%s: %s (%s)", d.Selector, d.Result, d.Reason)
		}
	}
}

// parseSigner decodes a dkim.Key's private key for signing with options
// our dkim package does not offer.
func parseSigner(k dkim.Key) (crypto.Signer, error) {
	block, _ := pem.Decode(k.PrivatePEM)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	return key.(crypto.Signer), nil
}

func TestCheck_neverFails(t *testing.T) {
	st := newDNS()
	for _, in := range []AuthInput{
		{},
		{RemoteIP: net.IP{1, 2, 3}, Raw: []byte("\x00\xff")},
		{RemoteIP: senderIP, Helo: "[192.0.2.10]", MailFrom: "@", Raw: []byte("DKIM-Signature: v=1; d=; s=\r\n\r\n")},
		{RemoteIP: senderIP, Raw: []byte("From: <>, undisclosed-recipients:;\r\n")},
	} {
		res := Check(context.Background(), st, in)
		if res == nil || res.SPF == "" || res.DMARC == "" || res.IPRev == "" {
			t.Errorf("Check(%+v) = %+v: every method must have a result", in, res)
		}
	}
}

func TestCheck_cancelledContextIsTempError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := &cancelAware{newDNS()}
	res := Check(ctx, st, AuthInput{RemoteIP: senderIP, MailFrom: "a@example.com", Raw: newMessage("a@example.com")})
	if res.SPF != TempError || res.DMARC != TempError || res.IPRev != TempError {
		t.Errorf("SPF %s, DMARC %s, iprev %s; want temperror for each", res.SPF, res.DMARC, res.IPRev)
	}
}

// cancelAware fails every lookup once ctx is done, with the context's own
// error (not a *net.DNSError), as a resolver over the network would.
type cancelAware struct{ *resolver.Static }

func (c *cancelAware) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return c.Static.LookupTXT(ctx, name)
}

func (c *cancelAware) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return c.Static.LookupAddr(ctx, addr)
}

// parseHeader splits an Authentication-Results field as a receiver would:
// name, then the unfolded value handed to go-msgauth's parser.
func parseHeader(t *testing.T, field string) (string, []authres.Result) {
	t.Helper()
	name, value, ok := strings.Cut(field, ":")
	if !ok || name != "Authentication-Results" {
		t.Fatalf("not an Authentication-Results field: %q", field)
	}
	value = strings.NewReplacer("\r\n", "").Replace(value)
	id, results, err := authres.Parse(value)
	if err != nil {
		t.Fatalf("authres.Parse(%q): %v", value, err)
	}
	return id, results
}

func TestHeader_roundTripsThroughAuthresParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   AuthResults
		want []authres.Result
	}{
		{
			name: "all pass",
			in: AuthResults{
				SPF: Pass, SPFDomain: "example.com", SPFScope: ScopeMailFrom,
				DKIM:  []DKIMResult{{Domain: "example.com", Selector: "pr202611r", Result: Pass}},
				DMARC: Pass, DMARCPolicy: "reject", FromDomain: "example.com",
				IPRev: Pass, IPRevName: "mail.example.com", IPRevIP: "192.0.2.10",
			},
			want: []authres.Result{
				&authres.SPFResult{Value: authres.ResultPass, From: "example.com"},
				&authres.DKIMResult{Value: authres.ResultPass, Domain: "example.com"},
				&authres.DMARCResult{Value: authres.ResultPass, From: "example.com"},
				&authres.IPRevResult{Value: authres.ResultPass, IP: "192.0.2.10"},
			},
		},
		{
			name: "failures with reasons, HELO scope, two signatures",
			in: AuthResults{
				SPF: SoftFail, SPFDomain: "mx.example.org", SPFScope: ScopeHelo,
				DKIM: []DKIMResult{
					{Domain: "example.org", Selector: "s1", Result: Fail, Reason: "dkim: body hash did not verify"},
					{Domain: "example.org", Selector: "s2", Result: PermError, Reason: `no key; "x=1" (y)`},
				},
				DMARC: Fail, DMARCPolicy: "quarantine", FromDomain: "example.org",
				IPRev: Fail, IPRevIP: "198.51.100.7",
			},
			want: []authres.Result{
				&authres.SPFResult{Value: authres.ResultSoftFail, Helo: "mx.example.org"},
				&authres.DKIMResult{Value: authres.ResultFail, Domain: "example.org", Reason: `"dkim:`},
				&authres.DKIMResult{Value: authres.ResultPermError, Domain: "example.org", Reason: `"no`},
				&authres.DMARCResult{Value: authres.ResultFail, From: "example.org"},
				&authres.IPRevResult{Value: authres.ResultFail, IP: "198.51.100.7"},
			},
		},
		{
			name: "unsigned, no DMARC record",
			in: AuthResults{
				SPF: None, SPFDomain: "example.net", SPFScope: ScopeMailFrom,
				DMARC: None, FromDomain: "example.net",
				IPRev: TempError, IPRevIP: "192.0.2.1",
			},
			want: []authres.Result{
				&authres.SPFResult{Value: authres.ResultNone, From: "example.net"},
				&authres.DKIMResult{Value: authres.ResultNone},
				&authres.DMARCResult{Value: authres.ResultNone, From: "example.net"},
				&authres.IPRevResult{Value: authres.ResultTempError, IP: "192.0.2.1"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			field := tc.in.Header("mx.example.net")
			id, got := parseHeader(t, field)
			if id != "mx.example.net" {
				t.Errorf("authserv-id = %q", id)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d results, want %d:\n%s", len(got), len(tc.want), field)
			}
			for i := range got {
				// go-msgauth splits on whitespace, so a quoted reason comes
				// back as its first word; the rest must not leak into other
				// properties.
				if !equalResult(got[i], tc.want[i]) {
					t.Errorf("result %d = %#v, want %#v\n%s", i, got[i], tc.want[i], field)
				}
			}
			for _, d := range tc.in.DKIM {
				if !strings.Contains(field, "header.s="+d.Selector) {
					t.Errorf("no header.s=%s in\n%s", d.Selector, field)
				}
			}
		})
	}
}

func equalResult(a, b authres.Result) bool {
	switch a := a.(type) {
	case *authres.SPFResult:
		b, ok := b.(*authres.SPFResult)
		return ok && *a == *b
	case *authres.DKIMResult:
		b, ok := b.(*authres.DKIMResult)
		return ok && *a == *b
	case *authres.DMARCResult:
		b, ok := b.(*authres.DMARCResult)
		return ok && *a == *b
	case *authres.IPRevResult:
		b, ok := b.(*authres.IPRevResult)
		return ok && *a == *b
	}
	return false
}

func TestHeader_shape(t *testing.T) {
	a := AuthResults{
		SPF: Pass, SPFDomain: "a-rather-long-envelope-domain.subdomain.example.com", SPFScope: ScopeMailFrom,
		DKIM: []DKIMResult{{Domain: "a-rather-long-signing-domain.subdomain.example.com", Selector: "pr202611e",
			Result: Fail, Reason: "signature did not verify: crypto/ed25519: verification error"}},
		DMARC: Fail, DMARCPolicy: "reject", FromDomain: "example.com",
		IPRev: Pass, IPRevName: "mail.example.com", IPRevIP: "2001:db8::25",
	}
	field := a.Header("mx.postroom.test")
	if !strings.HasPrefix(field, "Authentication-Results: mx.postroom.test;\r\n\t") || !strings.HasSuffix(field, "\r\n") {
		t.Fatalf("field = %q", field)
	}
	lines := strings.Split(strings.TrimSuffix(field, "\r\n"), "\r\n")
	for i, l := range lines {
		width := len(strings.Replace(l, "\t", "        ", 1))
		if width >= 78 {
			t.Errorf("line %d is %d columns: %q", i, width, l)
		}
		if i > 0 && l[0] != '\t' {
			t.Errorf("continuation line %d does not start with WSP: %q", i, l)
		}
	}
	for _, want := range []string{
		`reason="signature did not verify: crypto/ed25519: verification error"`,
		`policy.iprev="2001:db8::25"`, // RFC 8601 §2.2: ":" is not allowed in a token
		"(mail.example.com)",
		"dmarc=fail (p=reject) header.from=example.com",
	} {
		if !strings.Contains(field, want) {
			t.Errorf("field lacks %s:\n%s", want, field)
		}
	}
	if strings.Contains(strings.SplitN(field, "reason=", 2)[1][:70], "header.d") {
		t.Errorf("reason must precede the properties (RFC 8601 §2.2):\n%s", field)
	}
}

func TestHeader_hostileValuesStayInside(t *testing.T) {
	a := AuthResults{
		SPF: "pass; dkim=pass", SPFDomain: "evil.example; dmarc=pass", SPFScope: ScopeMailFrom,
		DKIM:  []DKIMResult{{Domain: "x", Selector: "s", Result: Fail, Reason: "bad\r\nX-Injected: 1"}},
		IPRev: Fail, IPRevName: "host)(dmarc=pass", IPRevIP: "192.0.2.1",
	}
	field := a.Header(`mx "quoted"`)
	_, results := parseHeader(t, field)
	for _, r := range results {
		if d, ok := r.(*authres.DMARCResult); ok {
			t.Errorf("injected a DMARC result %#v:\n%s", d, field)
		}
		if s, ok := r.(*authres.SPFResult); ok && s.Value != authres.ResultPermError {
			t.Errorf("SPF value %q:\n%s", s.Value, field)
		}
	}
	if strings.Count(field, "\r\n") != strings.Count(field, "\r\n\t")+1 {
		t.Errorf("a line break that is not folding:\n%q", field)
	}
}

// FuzzHeader feeds arbitrary values (as a hostile client could choose
// through HELO, MAIL FROM and DKIM-Signature tags) to Header: the field
// must stay one well-formed ASCII header field with exactly the methods
// it was given.
func FuzzHeader(f *testing.F) {
	f.Add("mx.example.net", "pass", "example.com", "example.com", "pr202611r", "body hash did not verify", "mail.example.com", "2001:db8::1")
	f.Add("a b", "x;y", "d=1; dkim=pass", "(c)", "s\r\nX: 1", "\"\\", "n)(", "")
	f.Fuzz(func(t *testing.T, id, result, spfDomain, dkimDomain, selector, why, ptr, ip string) {
		a := AuthResults{
			SPF: result, SPFDomain: spfDomain,
			DKIM:  []DKIMResult{{Domain: dkimDomain, Selector: selector, Result: result, Reason: why}},
			DMARC: Fail, DMARCPolicy: result, FromDomain: dkimDomain,
			IPRev: Pass, IPRevName: ptr, IPRevIP: ip,
		}
		field := a.Header(id)
		if !strings.HasSuffix(field, "\r\n") || strings.Count(field, "\r\n") != strings.Count(field, "\r\n\t")+1 {
			t.Fatalf("line breaks that are not folding: %q", field)
		}
		for i := 0; i < len(field); i++ {
			if c := field[i]; c >= 0x7f || c < ' ' && c != '\r' && c != '\n' && c != '\t' {
				t.Fatalf("byte %#x in %q", c, field)
			}
		}
		_, results := parseHeader(t, field)
		wantMethods := 3 // dkim, dmarc, iprev
		if result != "" {
			wantMethods++ // spf
		}
		if len(results) != wantMethods {
			t.Fatalf("%d results, want %d: %q", len(results), wantMethods, field)
		}
	})
}
