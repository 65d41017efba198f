package dnsrecords

import (
	"fmt"
	"strings"
)

// ttl is the TTL Format writes: an hour, short enough to correct a mistake
// the same day.
const ttl = 3600

// maxString is the longest character-string in a TXT record (RFC 1035
// §3.3: one length octet). Longer values are split into several strings,
// which receivers join without separators (RFC 7208 §3.3, RFC 6376
// §3.6.2.2).
const maxString = 255

// Format renders records as zone-file lines (RFC 1035 §5.1), one record a
// line, each preceded by its comment as a ";" line:
//
//	; DMARC (RFC 7489 §6.3): ...
//	_dmarc.example.test. 3600 IN TXT "v=DMARC1; p=quarantine; ..."
func Format(records []Record) string {
	var b strings.Builder
	for _, r := range records {
		if r.Comment != "" {
			for _, line := range strings.Split(r.Comment, "\n") {
				b.WriteString("; " + line + "\n")
			}
		}
		value := r.Value
		if r.Type == TXT {
			value = txtStrings(value)
		}
		fmt.Fprintf(&b, "%s. %d IN %s %s\n", r.Name, ttl, r.Type, value)
	}
	return b.String()
}

// txtStrings renders a TXT value as quoted character-strings of at most
// maxString octets each, with '"' and '\' escaped (RFC 1035 §5.1).
func txtStrings(v string) string {
	var parts []string
	for {
		n := min(len(v), maxString)
		parts = append(parts, `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v[:n])+`"`)
		if v = v[n:]; v == "" {
			return strings.Join(parts, " ")
		}
	}
}
