package dnsrecords

import (
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/dkim"
)

var (
	keysOnce sync.Once
	testKeys []dkim.Key
	keysErr  error
)

func keys(t *testing.T) []dkim.Key {
	t.Helper()
	keysOnce.Do(func() { testKeys, keysErr = dkim.GenerateKeys(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) })
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return testKeys
}

// now is 9:05:07 on 3 November 2026 in Seoul, 00:05:07 UTC.
var now = time.Date(2026, 11, 3, 9, 5, 7, 0, time.FixedZone("KST", 9*3600))

func records(t *testing.T) []Record {
	t.Helper()
	recs, err := Records("Example.Test.", "mail.example.test", keys(t), now)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func find(recs []Record, name, typ string) []Record {
	var out []Record
	for _, r := range recs {
		if r.Name == name && r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func TestRecords_everyRecordWithItsName(t *testing.T) {
	recs := records(t)
	dkimRSA, _, _ := keys(t)[0].DNSRecord()
	dkimEd, _, _ := keys(t)[1].DNSRecord()
	for _, want := range []struct{ name, typ, value string }{
		{"example.test", MX, "10 mail.example.test."},
		{"example.test", TXT, "v=spf1 mx ~all"},
		{dkimRSA + ".example.test", TXT, "v=DKIM1; k=rsa; p="},
		{dkimEd + ".example.test", TXT, "v=DKIM1; k=ed25519; p="},
		{"_dmarc.example.test", TXT, "v=DMARC1; p=quarantine; rua=mailto:postmaster@example.test; adkim=r; aspf=r"},
		{"_mta-sts.example.test", TXT, "v=STSv1; id=20261103000507"},
		{"mta-sts.example.test", CNAME, "mail.example.test."},
		{"_smtp._tls.example.test", TXT, "v=TLSRPTv1; rua=mailto:tlsrpt@example.test"},
		{"autoconfig.example.test", CNAME, "mail.example.test."},
		{"autodiscover.example.test", CNAME, "mail.example.test."},
		{"_submissions._tcp.example.test", SRV, "0 1 465 mail.example.test."},
		{"_submission._tcp.example.test", SRV, "10 1 587 mail.example.test."},
		{"_imaps._tcp.example.test", SRV, "0 1 993 mail.example.test."},
		{"_imap._tcp.example.test", SRV, "10 1 143 mail.example.test."},
		{"_pop3s._tcp.example.test", SRV, "0 1 995 mail.example.test."},
		{"_pop3._tcp.example.test", SRV, "10 1 110 mail.example.test."},
		{"_autodiscover._tcp.example.test", SRV, "0 1 443 mail.example.test."},
	} {
		got := find(recs, want.name, want.typ)
		if len(got) != 1 {
			t.Errorf("%s %s: %d records, want 1", want.name, want.typ, len(got))
			continue
		}
		if !strings.HasPrefix(got[0].Value, want.value) || (!strings.HasSuffix(want.value, "p=") && got[0].Value != want.value) {
			t.Errorf("%s %s = %q, want %q", want.name, want.typ, got[0].Value, want.value)
		}
		if got[0].Comment == "" {
			t.Errorf("%s %s has no comment for the operator", want.name, want.typ)
		}
	}
	if n := len(recs); n != 17 {
		t.Errorf("%d records, want 17", n)
	}
	if c := find(recs, "_mta-sts.example.test", TXT)[0].Comment; !strings.Contains(c, "https://mta-sts.example.test/.well-known/mta-sts.txt") {
		t.Errorf("MTA-STS comment does not say where the policy goes: %q", c)
	}
}

func TestRecords_DKIMValueMatchesTheKey(t *testing.T) {
	recs := records(t)
	for _, k := range keys(t) {
		name, value, err := k.DNSRecord()
		if err != nil {
			t.Fatal(err)
		}
		got := find(recs, name+".example.test", TXT)
		if len(got) != 1 || got[0].Value != value {
			t.Errorf("%s: got %+v, want value %q", k.Selector, got, value)
		}
	}
}

func TestRecords_badInput(t *testing.T) {
	broken := dkim.Key{Selector: "pr202611r", Algorithm: dkim.RSA, PrivatePEM: []byte("not a key")}
	for _, tc := range []struct {
		name, domain, host string
		keys               []dkim.Key
	}{
		{"empty domain", "", "mail.example.test", nil},
		{"single-label domain", "localhost", "mail.example.test", nil},
		{"domain with a space", "exa mple.test", "mail.example.test", nil},
		{"empty host name", "example.test", "", nil},
		{"host name with an underscore", "example.test", "mail_1.example.test", nil},
		{"broken key", "example.test", "mail.example.test", []dkim.Key{broken}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if recs, err := Records(tc.domain, tc.host, tc.keys, now); err == nil {
				t.Errorf("Records succeeded: %+v", recs)
			}
		})
	}
}

func TestMTASTSPolicy(t *testing.T) {
	want := "version: STSv1\nmode: testing\nmx: mail.example.test\nmax_age: 604800\n"
	if got := MTASTSPolicy("Mail.Example.Test."); got != want {
		t.Errorf("MTASTSPolicy = %q, want %q", got, want)
	}
}
