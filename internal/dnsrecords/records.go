// Package dnsrecords owns what an operator must publish in DNS for a hosted
// domain, as `postroom domain dns DOMAIN` prints it: MX, SPF, DKIM, DMARC,
// MTA-STS, TLS-RPT, the autoconfig/autodiscover names and the RFC 6186 SRV
// records, and the MTA-STS policy file the server serves over HTTPS.
//
// Every value a record holds is decided here, once; Format only renders.
package dnsrecords

import (
	"fmt"
	"strings"
	"time"

	"postroom/internal/dkim"
)

// Record is one resource record to publish.
type Record struct {
	Name    string // fully qualified, without the final dot: "_dmarc.example.test"
	Type    string // MX, TXT, CNAME, SRV
	Value   string // RDATA; TXT values unquoted and unsplit, host names with the final dot
	Comment string // why the record exists or what else it needs, for the operator
}

// Record types.
const (
	MX    = "MX"
	TXT   = "TXT"
	CNAME = "CNAME"
	SRV   = "SRV"
)

// mtaSTSMaxAge is the policy lifetime (RFC 8461 §3.2 max_age, seconds): one
// week, long enough to protect between visits, short enough to change MX.
const mtaSTSMaxAge = 604800

// srv lists the RFC 6186 / RFC 8314 service records. RFC 6186 §3 has a
// client compare priorities across the TLS and plain-text variants of a
// service, so implicit TLS gets the lower (preferred) number, as RFC 8314
// prefers it over STARTTLS.
var srv = []struct {
	service  string
	priority int
	port     int
	comment  string
}{
	{"_submissions._tcp", 0, 465, "mail submission over implicit TLS (RFC 8314)"},
	{"_submission._tcp", 10, 587, "mail submission with STARTTLS (RFC 6186 §3.1)"},
	{"_imaps._tcp", 0, 993, "IMAP over implicit TLS (RFC 6186 §3.2, RFC 8314)"},
	{"_imap._tcp", 10, 143, "IMAP with STARTTLS (RFC 6186 §3.2)"},
	{"_pop3s._tcp", 0, 995, "POP3 over implicit TLS (RFC 6186 §3.3, RFC 8314)"},
	{"_pop3._tcp", 10, 110, "POP3 with STLS (RFC 6186 §3.3)"},
	{"_autodiscover._tcp", 0, 443, "Outlook account setup (Microsoft Autodiscover)"},
}

// Records lists the records to publish for domain, whose mail server is
// hostname (the server's host name, the MX target), with its DKIM keys.
// now dates the MTA-STS policy id: print the records again after changing
// the policy, and publish the new id.
func Records(domain, hostname string, keys []dkim.Key, now time.Time) ([]Record, error) {
	domain, hostname = name(domain), name(hostname)
	if !validName(domain) {
		return nil, fmt.Errorf("dnsrecords: invalid domain %q", domain)
	}
	if !validName(hostname) {
		return nil, fmt.Errorf("dnsrecords: invalid host name %q", hostname)
	}
	host := hostname + "."
	at := func(label string) string { return label + "." + domain }

	recs := []Record{
		{Name: domain, Type: MX, Value: "10 " + host,
			Comment: "incoming mail for " + domain + " goes to " + hostname + " (RFC 5321 §5.1)"},
		// "~all" rather than "-all": DKIM and the DMARC policy below already
		// tell receivers what to do with mail that fails, and DMARC can
		// still pass forwarded mail on its DKIM signature. With "-all" some
		// receivers reject at MAIL FROM on the SPF result alone (RFC 7208
		// §8.4), before looking at DKIM, which loses forwarded mail and
		// mail sent through a relay the record does not name.
		{Name: domain, Type: TXT, Value: "v=spf1 mx ~all",
			Comment: "SPF (RFC 7208): the MX hosts may send for " + domain + "; add the relay with include: or ip4: if one is configured"},
	}
	for _, k := range keys {
		rel, value, err := k.DNSRecord()
		if err != nil {
			return nil, fmt.Errorf("dnsrecords: %w", err)
		}
		recs = append(recs, Record{Name: at(rel), Type: TXT, Value: value,
			Comment: "DKIM " + k.Algorithm + " key " + k.Selector + " (RFC 6376 §3.6.2, RFC 8463)"})
	}
	recs = append(recs,
		Record{Name: at("_dmarc"), Type: TXT,
			Value:   "v=DMARC1; p=quarantine; rua=mailto:postmaster@" + domain + "; adkim=r; aspf=r",
			Comment: "DMARC (RFC 7489 §6.3): aggregate reports go to postmaster@" + domain},
		Record{Name: at("_mta-sts"), Type: TXT,
			Value: "v=STSv1; id=" + now.UTC().Format("20060102150405"),
			Comment: "MTA-STS (RFC 8461 §3.1): https://mta-sts." + domain +
				"/.well-known/mta-sts.txt must serve the policy (RFC 8461 §3.2); change id when the policy changes"},
		Record{Name: at("mta-sts"), Type: CNAME, Value: host,
			Comment: "the MTA-STS policy host; its HTTPS certificate must name mta-sts." + domain},
		Record{Name: at("_smtp._tls"), Type: TXT, Value: "v=TLSRPTv1; rua=mailto:tlsrpt@" + domain,
			Comment: "SMTP TLS reporting (RFC 8460 §3): reports go to tlsrpt@" + domain},
		Record{Name: at("autoconfig"), Type: CNAME, Value: host,
			Comment: "Thunderbird account setup (autoconfig)"},
		Record{Name: at("autodiscover"), Type: CNAME, Value: host,
			Comment: "Outlook account setup (Autodiscover)"},
	)
	for _, s := range srv {
		recs = append(recs, Record{Name: at(s.service), Type: SRV,
			Value:   fmt.Sprintf("%d 1 %d %s", s.priority, s.port, host),
			Comment: s.comment})
	}
	return recs, nil
}

// MTASTSPolicy returns the MTA-STS policy file (RFC 8461 §3.2) for mail
// served by hostname. Mode "testing" asks senders to report TLS problems
// (TLS-RPT) without refusing delivery; the operator moves to "enforce" once
// the reports are clean.
func MTASTSPolicy(hostname string) string {
	return fmt.Sprintf("version: STSv1\nmode: testing\nmx: %s\nmax_age: %d\n", name(hostname), mtaSTSMaxAge)
}

// name returns a domain name lower-cased, without surrounding space or a
// final dot.
func name(s string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
}

// validName reports whether s is a multi-label host name of letters,
// digits and hyphens (RFC 1123 §2.1), at most 253 octets.
func validName(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
