package migrate

import (
	"encoding/base64"
	"strings"
	"unicode/utf16"
)

// mutf7 is IMAP's base64 alphabet (RFC 3501 §5.1.3): "," for "/".
var mutf7 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,").WithPadding(base64.NoPadding)

// decodeMUTF7 decodes a folder name in IMAP's modified UTF-7 ("&rDGsvA-"
// is 거래처's first letters); a malformed part is kept as it is written.
func decodeMUTF7(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for s != "" {
		amp := strings.IndexByte(s, '&')
		if amp < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:amp])
		s = s[amp+1:]
		end := strings.IndexByte(s, '-')
		if end < 0 {
			b.WriteString("&" + s)
			break
		}
		enc := s[:end]
		s = s[end+1:]
		if enc == "" {
			b.WriteByte('&')
			continue
		}
		raw, err := mutf7.DecodeString(enc)
		if err != nil || len(raw)%2 != 0 {
			b.WriteString("&" + enc + "-")
			continue
		}
		units := make([]uint16, len(raw)/2)
		for i := range units {
			units[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
		}
		b.WriteString(string(utf16.Decode(units)))
	}
	return b.String()
}

// encodeMUTF7 writes a folder name in IMAP's modified UTF-7: printable
// ASCII as it is ("&" as "&-"), the rest as base64 of UTF-16.
func encodeMUTF7(s string) string {
	var b strings.Builder
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		units := utf16.Encode(run)
		raw := make([]byte, 0, 2*len(units))
		for _, u := range units {
			raw = append(raw, byte(u>>8), byte(u))
		}
		b.WriteString("&" + mutf7.EncodeToString(raw) + "-")
		run = run[:0]
	}
	for _, r := range s {
		switch {
		case r == '&':
			flush()
			b.WriteString("&-")
		case r >= 0x20 && r <= 0x7e:
			flush()
			b.WriteRune(r)
		default:
			run = append(run, r)
		}
	}
	flush()
	return b.String()
}
