package message

import "strings"

// SplitAddress splits a bare address (no display name, no brackets) at its
// last "@" (a quoted local part may hold another) into the local part and
// the lower-cased domain. ok is false when either part is empty, the
// domain has an empty label, or the address holds a space, an angle
// bracket or a control character: nothing a recipient or a login can be.
func SplitAddress(addr string) (local, domain string, ok bool) {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return "", "", false
	}
	local, domain = addr[:at], strings.ToLower(addr[at+1:])
	if strings.Contains(domain, "..") {
		return "", "", false
	}
	for _, r := range addr {
		if r <= 0x20 || r == 0x7f || r == '<' || r == '>' {
			return "", "", false
		}
	}
	return local, domain, true
}
