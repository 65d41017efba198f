package compose

// Addresses as users type them into To, Cc and Bcc: "kim@example.co.kr",
// "<kim@example.co.kr>", "김철수 <kim@example.co.kr>" or
// "\"Kim, Minsu\" <kim@example.co.kr>". Unlike internal/message, which
// reads whatever arrives as well as it can, this is strict: an address we
// send to must be one a receiving server accepts.
//   - local part: a dot-atom (RFC 5322 §3.2.3), UTF-8 allowed (RFC 6532
//     §3.2); quoted local parts are refused (nobody types them, and they
//     are where parsers disagree);
//   - domain: at least two labels of letters, digits and hyphens (RFC 1035
//     §2.3.1, UTF-8 labels allowed for IDN), no address literals;
//   - lengths as RFC 5321 §4.5.3.1: local part 64, domain 255, path 254.

import (
	"strings"
	"unicode/utf8"

	"postroom/internal/store"
)

// Limits of RFC 5321 §4.5.3.1 and of a display name.
const (
	maxLocalPart = 64
	maxDomain    = 255
	maxAddress   = 254
	maxName      = 256
)

// ParseAddress parses one recipient as typed. field names the field in
// errors ("to", "cc", "bcc").
func ParseAddress(field, s string) (store.Address, error) {
	if err := checkText(field, s); err != nil {
		return store.Address{}, err
	}
	bad := &Error{Field: field, Code: CodeInvalidAddress, Value: s}
	s = strings.TrimSpace(s)
	name, spec := "", s
	if strings.HasSuffix(s, ">") {
		lt := strings.LastIndexByte(s, '<')
		if lt < 0 {
			return store.Address{}, bad
		}
		spec = s[lt+1 : len(s)-1]
		var ok bool
		if name, ok = displayName(s[:lt]); !ok {
			return store.Address{}, bad
		}
	}
	// Outlook wraps names in single quotes ('Kim Minsu'); readers drop them.
	if len(name) >= 2 && name[0] == '\'' && name[len(name)-1] == '\'' {
		name = strings.TrimSpace(name[1 : len(name)-1])
	}
	addr, ok := addrSpec(spec)
	if !ok || utf8.RuneCountInString(name) > maxName {
		return store.Address{}, bad
	}
	return store.Address{Name: name, Addr: addr}, nil
}

// displayName reads the phrase before "<": plain words or one quoted
// string (with \" and \\ escapes).
func displayName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, `"`) {
		if strings.ContainsAny(s, `"<>`) {
			return "", false
		}
		return strings.Join(strings.Fields(s), " "), true
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return "", false
			}
			i++
			b.WriteByte(s[i])
		case '"':
			if strings.TrimSpace(s[i+1:]) != "" {
				return "", false
			}
			return strings.Join(strings.Fields(b.String()), " "), true
		default:
			b.WriteByte(c)
		}
	}
	return "", false // unterminated quote
}

// addrSpec checks local@domain and returns it with the domain lower-cased.
func addrSpec(s string) (string, bool) {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || len(s) > maxAddress {
		return "", false
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if len(local) > maxLocalPart || !dotAtom(local) || !validDomain(domain) {
		return "", false
	}
	return local + "@" + domain, true
}

// atext is RFC 5322 §3.2.3's atext without ALPHA and DIGIT.
const atextSpecials = "!#$%&'*+-/=?^_`{|}~"

func isAtext(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		strings.ContainsRune(atextSpecials, r) || r >= 0xa0 && r != utf8.RuneError
}

// dotAtom reports whether s is atext runs separated by single dots.
func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if r != '.' && !isAtext(r) {
			return false
		}
	}
	return true
}

// validDomain checks a host name of two or more labels.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(d) > maxDomain || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r >= 0xa0 && r != utf8.RuneError) {
				return false
			}
		}
	}
	return true
}

// FormatAddress writes an address for a header field: the display name as
// atoms, a quoted string or RFC 2047 words, then <addr>.
func FormatAddress(a store.Address) string {
	if a.Name == "" {
		return a.Addr
	}
	return phrase(a.Name) + " <" + a.Addr + ">"
}

// phrase encodes a display name (RFC 5322 §3.2.5).
func phrase(name string) string {
	switch {
	case needsEncoding(name):
		return encodeWords(name)
	case isAtoms(name):
		return name
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(name) + `"`
}

// isAtoms reports whether s is atoms separated by single spaces.
func isAtoms(s string) bool {
	for _, w := range strings.Split(s, " ") {
		if w == "" {
			return false
		}
		for _, r := range w {
			if !isAtext(r) {
				return false
			}
		}
	}
	return true
}

// IsUTF8 reports whether an address needs SMTPUTF8 (RFC 6531) to be sent.
func IsUTF8(addr string) bool {
	for i := 0; i < len(addr); i++ {
		if addr[i] >= 0x80 {
			return true
		}
	}
	return false
}
