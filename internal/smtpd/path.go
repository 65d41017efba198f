package smtpd

// Parsing the arguments of MAIL and RCPT (RFC 5321 §4.1.2): a path and
// the ESMTP parameters after it.

import (
	"strings"
)

// pathArg parses the argument of MAIL ("FROM:" ...) or RCPT ("TO:" ...),
// the keyword in any case.
func pathArg(arg, keyword string, reverse bool) (addr string, params []string, ok bool) {
	if len(arg) < len(keyword) || !strings.EqualFold(arg[:len(keyword)], keyword) {
		return "", nil, false
	}
	return parsePath(arg[len(keyword):], reverse)
}

// parsePath splits "<path> PARAM=value ..." (what follows "FROM:" or
// "TO:") into the address and its parameters. The angle brackets may be
// missing, as old clients send them; a source route ("@a,@b:") is
// dropped (RFC 5321 §4.1.2 and appendix C); a quoted local part is
// unquoted. "<>" is the null reverse path, allowed only when reverse.
func parsePath(s string, reverse bool) (addr string, params []string, ok bool) {
	s = strings.TrimLeft(s, " ")
	var rest string
	if strings.HasPrefix(s, "<") {
		end := closingBracket(s)
		if end < 0 {
			return "", nil, false
		}
		addr, rest = s[1:end], s[end+1:]
	} else {
		addr, rest, _ = strings.Cut(s, " ")
		rest = " " + rest
	}
	if rest != "" && rest[0] != ' ' {
		return "", nil, false
	}
	params = strings.Fields(rest)
	if addr == "" {
		return "", params, reverse
	}
	if addr[0] == '@' {
		_, addr, ok = strings.Cut(addr, ":")
		if !ok {
			return "", nil, false
		}
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return "", nil, false
	}
	local, domain := addr[:at], addr[at+1:]
	if strings.HasPrefix(local, `"`) {
		if local, ok = unquote(local); !ok {
			return "", nil, false
		}
	}
	if strings.ContainsAny(domain, " <>\"") || strings.ContainsAny(local, "\x00\r\n") {
		return "", nil, false
	}
	return local + "@" + domain, params, true
}

// closingBracket returns the index of the '>' that ends the path opened
// at s[0], skipping a quoted local part; -1 when there is none.
func closingBracket(s string) int {
	quoted := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && c == '>':
			return i
		}
	}
	return -1
}

// unquote returns the content of a quoted string (RFC 5321 Quoted-string):
// the quotes removed, each quoted pair made the character it quotes.
func unquote(q string) (string, bool) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(q)-1; i++ {
		c := q[i]
		switch c {
		case '\\':
			i++
			if i == len(q)-1 {
				return "", false
			}
			c = q[i]
		case '"':
			return "", false
		}
		b.WriteByte(c)
	}
	return b.String(), b.Len() > 0
}

// param splits "KEY=value" into the key in upper case and the value.
func param(p string) (key, value string) {
	key, value, _ = strings.Cut(p, "=")
	return strings.ToUpper(key), value
}
