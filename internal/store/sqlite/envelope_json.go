package sqlite

// A decoder of the stored envelope JSON for the form encoding/json
// writes of store.Envelope, without reflection: decoding every row's
// envelope with encoding/json was most of a whole-mailbox read (issue 17:
// about 60% of UID FETCH 1:* FLAGS and SEARCH on 100,000 messages). An
// envelope with an escaped character, or anything the plain scan does not
// expect, goes through encoding/json, so the result is always what
// encoding/json would give (FuzzDecodeEnvelope).

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"postroom/internal/store"
)

// decodeEnvelope decodes a stored envelope into env.
func decodeEnvelope(s string, env *store.Envelope) error {
	if utf8.ValidString(s) {
		var e store.Envelope
		if scanEnvelope(s, &e) {
			*env = e
			return nil
		}
	}
	return json.Unmarshal([]byte(s), env)
}

// scanEnvelope reads {"key":value,...} whose values are strings, null or
// address lists, without escapes; false for anything else.
func scanEnvelope(s string, env *store.Envelope) bool {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return false
	}
	s = s[1 : len(s)-1]
	for s != "" {
		key, rest, ok := scanString(s)
		if !ok || rest == "" || rest[0] != ':' {
			return false
		}
		rest = rest[1:]
		if strings.HasPrefix(rest, "null") {
			rest = rest[4:]
		} else {
			var list *[]store.Address
			var text *string
			switch key {
			case "from":
				list = &env.From
			case "sender":
				list = &env.Sender
			case "reply_to":
				list = &env.ReplyTo
			case "to":
				list = &env.To
			case "cc":
				list = &env.Cc
			case "bcc":
				list = &env.Bcc
			case "date_text":
				text = &env.DateText
			case "subject":
				text = &env.Subject
			case "in_reply_to":
				text = &env.InReplyTo
			case "message_id":
				text = &env.MessageID
			case "date":
			default:
				return false
			}
			switch {
			case list != nil:
				*list, rest, ok = scanAddrArray(rest)
			default:
				var v string
				v, rest, ok = scanString(rest)
				if !ok {
					return false
				}
				if text != nil {
					*text = v
				} else if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
					env.Date = t
				} else {
					return false
				}
			}
			if !ok {
				return false
			}
		}
		if rest != "" {
			if rest[0] != ',' {
				return false
			}
			rest = rest[1:]
		}
		s = rest
	}
	return true
}

// scanAddrArray reads [{"name":"..","addr":".."},...] at the start of s.
func scanAddrArray(s string) ([]store.Address, string, bool) {
	if s == "" || s[0] != '[' {
		return nil, "", false
	}
	s = s[1:]
	out := []store.Address{} // as encoding/json gives "[]"
	for {
		if s == "" {
			return nil, "", false
		}
		if s[0] == ']' {
			return out, s[1:], true
		}
		if len(out) > 0 {
			if s[0] != ',' {
				return nil, "", false
			}
			s = s[1:]
		}
		if s == "" || s[0] != '{' {
			return nil, "", false
		}
		s = s[1:]
		var a store.Address
		for {
			if s == "" {
				return nil, "", false
			}
			if s[0] == '}' {
				s = s[1:]
				break
			}
			if s[0] == ',' {
				s = s[1:]
			}
			key, rest, ok := scanString(s)
			if !ok || rest == "" || rest[0] != ':' {
				return nil, "", false
			}
			val, rest, ok := scanString(rest[1:])
			if !ok {
				return nil, "", false
			}
			switch key {
			case "name":
				a.Name = val
			case "addr":
				a.Addr = val
			default:
				return nil, "", false
			}
			s = rest
		}
		out = append(out, a)
	}
}

// scanString reads a JSON string at the start of s.
func scanString(s string) (val, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", false
	}
	if strings.IndexByte(s[1:1+end], '\\') >= 0 {
		return scanEscaped(s)
	}
	return s[1 : 1+end], s[2+end:], true
}

// scanEscaped reads a JSON string with escapes at the start of s, as
// encoding/json reads it (a lone surrogate is U+FFFD).
func scanEscaped(s string) (val, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], true
		case c < 0x20:
			return "", "", false
		case c != '\\':
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", "", false
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hex4(s[i+2:])
			if !ok {
				return "", "", false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(strings.TrimPrefix(s[i:], `\u`)); ok && strings.HasPrefix(s[i:], `\u`) {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						b.WriteRune(dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		default:
			return "", "", false
		}
		i += 2
	}
	return "", "", false
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for i := range 4 {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}
