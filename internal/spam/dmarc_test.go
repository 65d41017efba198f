package spam

import (
	"context"
	"testing"

	"github.com/emersion/go-msgauth/dmarc"

	"postroom/internal/message"
)

// TestCheck_DMARC runs whole checks: the SPF and DKIM results that DMARC
// combines come from real records and real signatures.
func TestCheck_DMARC(t *testing.T) {
	const allowSender = "v=spf1 ip4:192.0.2.10 -all"
	for _, tc := range []struct {
		name       string
		txt        map[string][]string // besides the DKIM keys
		fail       string              // a name whose lookups fail
		mailFrom   string
		from       string // From field value
		signDomain string // d= of the signatures ("" for unsigned)
		keyDomain  string // where the keys are published (default signDomain)
		want       string
		policy     string
		fromDomain string
	}{
		{
			name:     "pass by aligned SPF",
			txt:      map[string][]string{"example.com": {allowSender}, "_dmarc.example.com": {"v=DMARC1; p=reject"}},
			mailFrom: "a@example.com", from: "a@example.com",
			want: Pass, policy: "reject", fromDomain: "example.com",
		},
		{
			name:     "pass by aligned DKIM though SPF fails",
			txt:      map[string][]string{"example.com": {"v=spf1 -all"}, "_dmarc.example.com": {"v=DMARC1; p=reject"}},
			mailFrom: "a@example.com", from: "a@example.com", signDomain: "example.com",
			want: Pass, policy: "reject", fromDomain: "example.com",
		},
		{
			name: "pass by DKIM when SPF passes for an unaligned domain (a mailing service)",
			txt: map[string][]string{"esp.example.net": {allowSender},
				"_dmarc.example.com": {"v=DMARC1; p=reject"}},
			mailFrom: "bounce@esp.example.net", from: "a@example.com", signDomain: "example.com",
			want: Pass, policy: "reject", fromDomain: "example.com",
		},
		{
			name: "fail with p=reject: SPF passes for another domain, signature by another domain",
			txt: map[string][]string{"attacker.example": {allowSender},
				"_dmarc.example.com": {"v=DMARC1; p=reject; rua=mailto:d@example.com"}},
			mailFrom: "x@attacker.example", from: "CEO <ceo@example.com>", signDomain: "attacker.example",
			want: Fail, policy: "reject", fromDomain: "example.com",
		},
		{
			name: "fail when the aligned signature does not verify",
			txt: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=quarantine"},
				"pr202611r._domainkey.example.com": {"v=DKIM1; k=rsa; p="},
				"pr202611e._domainkey.example.com": {"v=DKIM1; k=ed25519; p="}},
			from: "a@example.com", signDomain: "example.com", keyDomain: "nowhere.example",
			want: Fail, policy: "quarantine", fromDomain: "example.com",
		},
		{
			name: "relaxed alignment via the organizational domain (co.kr is a public suffix)",
			txt: map[string][]string{"mail.example.co.kr": {allowSender},
				"_dmarc.example.co.kr": {"v=DMARC1; p=reject"}},
			mailFrom: "bounce@mail.example.co.kr", from: "kim@example.co.kr",
			want: Pass, policy: "reject", fromDomain: "example.co.kr",
		},
		{
			name: "relaxed DKIM alignment via the organizational domain",
			txt:  map[string][]string{"_dmarc.example.co.kr": {"v=DMARC1; p=reject"}},
			from: "kim@example.co.kr", signDomain: "mail.example.co.kr",
			want: Pass, policy: "reject", fromDomain: "example.co.kr",
		},
		{
			name: "sibling under a public suffix is not aligned",
			txt: map[string][]string{"other.co.kr": {allowSender},
				"_dmarc.example.co.kr": {"v=DMARC1; p=reject"}},
			mailFrom: "a@other.co.kr", from: "kim@example.co.kr", signDomain: "other.co.kr",
			want: Fail, policy: "reject", fromDomain: "example.co.kr",
		},
		{
			name: "strict SPF alignment fails on a subdomain",
			txt: map[string][]string{"mail.example.com": {allowSender},
				"_dmarc.example.com": {"v=DMARC1; p=reject; aspf=s"}},
			mailFrom: "bounce@mail.example.com", from: "a@example.com",
			want: Fail, policy: "reject", fromDomain: "example.com",
		},
		{
			name: "strict DKIM alignment fails on a subdomain",
			txt:  map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject; adkim=s"}},
			from: "a@example.com", signDomain: "mail.example.com",
			want: Fail, policy: "reject", fromDomain: "example.com",
		},
		{
			name: "sp= applies to a subdomain From found through the organizational domain",
			txt: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject; sp=quarantine"},
				"news.example.com": {"v=spf1 -all"}},
			mailFrom: "a@news.example.com", from: "a@news.example.com",
			want: Fail, policy: "quarantine", fromDomain: "news.example.com",
		},
		{
			name:     "p= applies to a subdomain when there is no sp=",
			txt:      map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject"}},
			mailFrom: "a@news.example.com", from: "a@news.example.com",
			want: Fail, policy: "reject", fromDomain: "news.example.com",
		},
		{
			name: "the subdomain's own record wins over sp=",
			txt: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject; sp=quarantine"},
				"_dmarc.news.example.com": {"v=DMARC1; p=none"}},
			from: "a@news.example.com",
			want: Fail, policy: "none", fromDomain: "news.example.com",
		},
		{
			name:     "no record is none",
			txt:      map[string][]string{"example.com": {allowSender}},
			mailFrom: "a@example.com", from: "a@example.com",
			want: None, policy: "", fromDomain: "example.com",
		},
		{
			name: "two records are none (RFC 7489 §6.6.3)",
			txt: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject", "v=DMARC1; p=none"},
				"_dmarc.com": {"v=DMARC1; p=reject"}},
			from: "a@example.com",
			want: None, policy: "", fromDomain: "example.com",
		},
		{
			name: "other TXT records beside the DMARC record are ignored",
			txt:  map[string][]string{"_dmarc.example.com": {"hello", "v=DMARC1;p=quarantine"}},
			from: "a@example.com",
			want: Fail, policy: "quarantine", fromDomain: "example.com",
		},
		{
			name: "a malformed record is permerror",
			txt:  map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=block"}},
			from: "a@example.com",
			want: PermError, policy: "", fromDomain: "example.com",
		},
		{
			name: "DNS failure is temperror",
			fail: "_dmarc.example.com",
			from: "a@example.com",
			want: TempError, policy: "", fromDomain: "example.com",
		},
		{
			name: "aligned SPF temperror is temperror, not fail",
			txt:  map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject"}},
			fail: "example.com", mailFrom: "a@example.com", from: "a@example.com",
			want: TempError, policy: "reject", fromDomain: "example.com",
		},
		{
			name: "second From domain cannot dodge the first's policy (RFC 7489 §6.6.1)",
			txt: map[string][]string{"other.example": {allowSender},
				"_dmarc.example.com": {"v=DMARC1; p=reject"}, "_dmarc.other.example": {"v=DMARC1; p=none"}},
			mailFrom: "a@other.example", from: "a@other.example, ceo@example.com",
			want: Fail, policy: "reject", fromDomain: "example.com",
		},
		{
			name: "worst From domain wins whatever the order",
			txt: map[string][]string{"other.example": {allowSender},
				"_dmarc.example.com": {"v=DMARC1; p=reject"}, "_dmarc.other.example": {"v=DMARC1; p=none"}},
			mailFrom: "a@other.example", from: "ceo@example.com, a@other.example",
			want: Fail, policy: "reject", fromDomain: "example.com",
		},
		{
			name:     "display name does not count as the From domain",
			txt:      map[string][]string{"_dmarc.bank.example": {"v=DMARC1; p=reject"}, "attacker.example": {allowSender}},
			mailFrom: "x@attacker.example", from: `"security@bank.example" <x@attacker.example>`,
			want: None, policy: "", fromDomain: "attacker.example",
		},
		{
			name: "no From domain is permerror",
			from: "undisclosed-recipients:;",
			want: PermError, policy: "", fromDomain: "",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newDNS()
			for k, v := range tc.txt {
				st.TXT[k] = v
			}
			if tc.fail != "" {
				st.Fail[tc.fail] = true
			}
			raw := newMessage(tc.from)
			if tc.signDomain != "" {
				raw = signAs(t, raw, tc.signDomain, keys(t))
				keyDomain := tc.keyDomain
				if keyDomain == "" {
					keyDomain = tc.signDomain
				}
				publishKeys(t, st, keyDomain, keys(t))
			}
			res := Check(context.Background(), st, AuthInput{RemoteIP: senderIP, Helo: "mx.example.net", MailFrom: tc.mailFrom, Raw: raw})
			if res.DMARC != tc.want || res.DMARCPolicy != tc.policy || res.FromDomain != tc.fromDomain {
				t.Errorf("DMARC %s, policy %q, From domain %q; want %s, %q, %q (SPF %s %s, DKIM %+v)",
					res.DMARC, res.DMARCPolicy, res.FromDomain, tc.want, tc.policy, tc.fromDomain, res.SPF, res.SPFDomain, res.DKIM)
			}
		})
	}
}

func TestOrgDomain(t *testing.T) {
	for d, want := range map[string]string{
		"example.com":                 "example.com",
		"mail.example.com":            "example.com",
		"a.b.example.co.kr":           "example.co.kr",
		"example.co.kr":               "example.co.kr",
		"co.kr":                       "co.kr", // a public suffix is its own
		"mail.example.test":           "example.test",
		"xn--hq1bm8jm9l.xn--3e0b707e": "xn--hq1bm8jm9l.xn--3e0b707e", // 도메인.한국
		"":                            "",
	} {
		if got := orgDomain(d); got != want {
			t.Errorf("orgDomain(%q) = %q, want %q", d, got, want)
		}
	}
}

func TestSampled_pctIsDeterministicAndMilder(t *testing.T) {
	pct := func(n int) *int { return &n }
	msgs := make([][]byte, 200)
	for i := range msgs {
		msgs[i] = newMessage("a" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.com")
	}
	for _, tc := range []struct {
		policy string
		pct    *int
		milder string
		min    int // how many of 200 keep the policy, at least
		max    int // and at most
	}{
		{"reject", nil, "quarantine", 200, 200},
		{"reject", pct(100), "quarantine", 200, 200},
		{"reject", pct(0), "quarantine", 0, 0},
		{"quarantine", pct(0), "none", 0, 0},
		{"none", pct(0), "none", 200, 200},
		{"reject", pct(50), "quarantine", 60, 140},
	} {
		kept := 0
		for _, m := range msgs {
			got := sampled(tc.policy, tc.pct, m)
			if got != sampled(tc.policy, tc.pct, m) {
				t.Fatalf("sampling the same message twice differs")
			}
			switch got {
			case tc.policy:
				kept++
			case tc.milder:
			default:
				t.Fatalf("sampled(%s) = %s", tc.policy, got)
			}
		}
		if kept < tc.min || kept > tc.max {
			t.Errorf("%s pct=%v kept %d of 200, want %d..%d", tc.policy, tc.pct, kept, tc.min, tc.max)
		}
	}
}

func TestAligned(t *testing.T) {
	for _, tc := range []struct {
		a, from string
		mode    dmarc.AlignmentMode
		want    bool
	}{
		{"example.com", "example.com", dmarc.AlignmentStrict, true},
		{"EXAMPLE.com.", "example.com", dmarc.AlignmentStrict, true},
		{"mail.example.com", "example.com", dmarc.AlignmentStrict, false},
		{"mail.example.com", "example.com", dmarc.AlignmentRelaxed, true},
		{"example.com", "news.example.com", dmarc.AlignmentRelaxed, true},
		{"example.net", "example.com", dmarc.AlignmentRelaxed, false},
		{"", "example.com", dmarc.AlignmentRelaxed, false},
	} {
		if got := aligned(tc.a, tc.from, tc.mode); got != tc.want {
			t.Errorf("aligned(%q, %q, %s) = %v", tc.a, tc.from, tc.mode, got)
		}
	}
}

// FuzzFromDomains feeds arbitrary header sections to the From parsing and
// the DMARC evaluation: they must never panic and always give a result.
func FuzzFromDomains(f *testing.F) {
	for _, s := range []string{
		"From: a@example.com\r\n\r\n",
		"From: \"x@y\" <a@example.com>, b@example.org\r\n\r\n",
		"From: undisclosed-recipients:;\r\n",
		"From: =?UTF-8?B?7ZqM?= <kim@도메인.kr>\r\n\r\n",
		"From:\r\n",
	} {
		f.Add([]byte(s))
	}
	st := newDNS()
	st.TXT["_dmarc.example.com"] = []string{"v=DMARC1; p=reject"}
	f.Fuzz(func(t *testing.T, raw []byte) {
		h := message.Parse(raw).Header
		if len(fromDomains(h)) > maxFromDomains {
			t.Fatalf("more than %d domains", maxFromDomains)
		}
		res := &AuthResults{SPF: Pass, SPFDomain: "example.com"}
		evaluateDMARC(context.Background(), st, h, raw, res)
		if _, ok := dmarcRank[res.DMARC]; !ok {
			t.Fatalf("DMARC result %q", res.DMARC)
		}
	})
}
