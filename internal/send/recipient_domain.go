package send

// Where a user may send (issue 13): not to an address literal
// (x@[127.0.0.1]) nor to a name that is not on the public internet
// (x@localhost, a single label, a numeric name, the special-use and
// private names), unless the configuration allows it
// (allow_internal_recipients, for a site whose smart host knows such
// names). Otherwise any mail client or webmail user could make the server
// connect to hosts inside its own network. Hosted domains are always
// allowed, whatever their names.

import (
	"strings"

	"postroom/internal/deliver"
)

// ErrNotPublic refuses a recipient whose domain is not on the internet
// (RFC 3463 X.1.2: bad destination system address).
var ErrNotPublic = &deliver.Error{Code: 550, Enhanced: [3]int{5, 1, 2},
	Message: "Recipient's domain is not on the internet: address literals and local names are refused"}

// internalNames are never on the public internet, nor anything below
// them: RFC 6761 §6.3, §6.4 (localhost, invalid), RFC 6762 (local, mDNS),
// RFC 8375 (home.arpa), ICANN's private-use internal, and corp, home and
// mail, which ICANN will not delegate (name collisions).
var internalNames = []string{"localhost", "invalid", "local", "home.arpa", "internal", "corp", "home", "mail"}

// publicName reports whether domain may be a domain on the internet: at
// least two labels, none empty, a top label that is not a number (RFC
// 3696 §2: "127.0.0.1", "127.1" and "0x7f.1" are addresses to some
// resolvers), and not one of internalNames.
func publicName(domain string) bool {
	d := strings.TrimSuffix(strings.ToLower(domain), ".")
	if strings.ContainsAny(d, "[]:") {
		return false // an address literal (RFC 5321 §4.1.3)
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	if number(labels[len(labels)-1]) {
		return false
	}
	for _, n := range internalNames {
		if d == n || strings.HasSuffix(d, "."+n) {
			return false
		}
	}
	return true
}

// number reports whether a label reads as a number: decimal, or hex with
// 0x (inet_aton's forms).
func number(label string) bool {
	if rest, ok := strings.CutPrefix(label, "0x"); ok {
		label = rest
		return strings.Trim(label, "0123456789abcdef") == ""
	}
	return strings.Trim(label, "0123456789") == ""
}
