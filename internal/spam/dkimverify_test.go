package spam

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"postroom/internal/dkim"
	"postroom/internal/message"
	"postroom/internal/resolver"
)

func TestVerifyDKIM(t *testing.T) {
	ks := keys(t)
	rsaKey, edKey := ks[:1], ks[1:]
	msg := newMessage("park@example.com")
	for _, tc := range []struct {
		name    string
		raw     []byte
		publish func(t *testing.T, st dnsSetter)
		want    []string // result per signature, in header order
	}{
		{
			name:    "both signatures pass",
			raw:     signAs(t, msg, "example.com", ks),
			publish: func(t *testing.T, st dnsSetter) { st.keys(t, "example.com", ks) },
			want:    []string{Pass, Pass},
		},
		{
			name:    "body changed fails",
			raw:     bytes.Replace(signAs(t, msg, "example.com", ks), []byte("ten."), []byte("eleven."), 1),
			publish: func(t *testing.T, st dnsSetter) { st.keys(t, "example.com", ks) },
			want:    []string{Fail, Fail},
		},
		{
			name:    "From changed fails",
			raw:     bytes.Replace(signAs(t, msg, "example.com", ks), []byte("From: park@"), []byte("From: ceo@"), 1),
			publish: func(t *testing.T, st dnsSetter) { st.keys(t, "example.com", ks) },
			want:    []string{Fail, Fail},
		},
		{
			name: "no signature, no result",
			raw:  msg,
			want: nil,
		},
		{
			name:    "no key published is permerror (RFC 6376 §6.1.2)",
			raw:     signAs(t, msg, "example.com", rsaKey),
			publish: func(t *testing.T, st dnsSetter) {},
			want:    []string{PermError},
		},
		{
			name:    "key lookup failing is temperror",
			raw:     signAs(t, msg, "example.com", edKey),
			publish: func(t *testing.T, st dnsSetter) { st.fail("pr202611e._domainkey.example.com") },
			want:    []string{TempError},
		},
		{
			name:    "revoked key (empty p=) is permerror",
			raw:     signAs(t, msg, "example.com", edKey),
			publish: func(t *testing.T, st dnsSetter) { st.txt("pr202611e._domainkey.example.com", "v=DKIM1; k=ed25519; p=") },
			want:    []string{PermError},
		},
		{
			name: "the key of another selector fails",
			raw:  signAs(t, msg, "example.com", edKey),
			publish: func(t *testing.T, st dnsSetter) {
				other, err := dkim.GenerateKeys(testNow)
				if err != nil {
					t.Fatal(err)
				}
				st.keys(t, "example.com", other[1:])
			},
			want: []string{Fail},
		},
		{
			name: "one good, one broken signature",
			raw: append([]byte("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=; b=\r\n"),
				signAs(t, msg, "example.com", edKey)...),
			publish: func(t *testing.T, st dnsSetter) { st.keys(t, "example.com", ks) },
			want:    []string{PermError, Pass},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := dnsSetter{newDNS()}
			if tc.publish != nil {
				tc.publish(t, st)
			}
			res := verifyDKIM(context.Background(), st.Static, tc.raw, message.Parse(tc.raw).Header)
			var got []string
			for _, r := range res {
				got = append(got, r.Result)
				if r.Result != Pass && r.Reason == "" {
					t.Errorf("%s result %s without a reason", r.Selector, r.Result)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("results %v, want %v (%+v)", got, tc.want, res)
			}
		})
	}
}

func TestVerifyDKIM_namesEachSignature(t *testing.T) {
	st := dnsSetter{newDNS()}
	st.keys(t, "example.com", keys(t))
	raw := signAs(t, newMessage("park@example.com"), "Example.COM", keys(t))
	res := verifyDKIM(context.Background(), st.Static, raw, message.Parse(raw).Header)
	want := []DKIMResult{
		{Domain: "example.com", Selector: "pr202611r", Result: Pass},
		{Domain: "example.com", Selector: "pr202611e", Result: Pass},
	}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("got %+v, want %+v", res, want)
	}
}

func TestVerifyDKIM_tooManySignaturesAreNeutral(t *testing.T) {
	st := dnsSetter{newDNS()}
	st.keys(t, "example.com", keys(t))
	raw := newMessage("park@example.com")
	for range maxSignatures/2 + 1 {
		raw = signAs(t, raw, "example.com", keys(t))
	}
	res := verifyDKIM(context.Background(), st.Static, raw, message.Parse(raw).Header)
	if len(res) != maxSignatures+2 {
		t.Fatalf("%d results, want %d", len(res), maxSignatures+2)
	}
	for i, r := range res {
		want := Pass
		if i >= maxSignatures {
			want = Neutral
		}
		// Signatures added later sign the earlier DKIM-Signature fields
		// only when listed in h=; ours are not, so every one verifies.
		if r.Result != want {
			t.Errorf("signature %d: %s (%s), want %s", i, r.Result, r.Reason, want)
		}
	}
}

func TestSignatureTags(t *testing.T) {
	got := signatureTags(" v=1; a=rsa-sha256;\r\n\td=exa\r\n mple.com ; s = sel1; s=dup; junk; b=abc\tdef")
	for k, want := range map[string]string{"v": "1", "d": "example.com", "s": "sel1", "b": "abcdef"} {
		if got[k] != want {
			t.Errorf("%s=%q, want %q", k, got[k], want)
		}
	}
}

// dnsSetter adds records to a Static resolver in test tables.
type dnsSetter struct{ *resolver.Static }

func (d dnsSetter) keys(t *testing.T, domain string, ks []dkim.Key) {
	publishKeys(t, d.Static, domain, ks)
}
func (d dnsSetter) fail(name string)                  { d.Fail[strings.ToLower(name)] = true }
func (d dnsSetter) txt(name string, values ...string) { d.TXT[name] = values }
