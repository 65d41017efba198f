package wire

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// RFC 3501 §5.1.3: modified BASE64 is RFC 2045 base64 with "," for "/"
// and no padding.
const mutf7Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,"

var mutf7Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(mutf7Alphabet); i++ {
		t[mutf7Alphabet[i]] = int8(i)
	}
	return t
}()

// DecodeMailbox decodes a modified UTF-7 mailbox name (RFC 3501 §5.1.3)
// to UTF-8. It refuses what the RFC forbids, so that one name has one
// spelling: raw octets outside printable US-ASCII, "&" not followed by a
// valid shift sequence, base64 for a character that represents itself,
// non-zero padding bits and unpaired surrogates.
func DecodeMailbox(s string) (string, error) {
	if !strings.ContainsRune(s, '&') {
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] > 0x7e {
				return "", fmt.Errorf("mailbox name %q: octet 0x%02x must be modified UTF-7 encoded", s, s[i])
			}
		}
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return "", fmt.Errorf("mailbox name %q: octet 0x%02x must be modified UTF-7 encoded", s, c)
		}
		if c != '&' {
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i+1:], '-')
		if end < 0 {
			return "", fmt.Errorf("mailbox name %q: \"&\" at %d is not closed by \"-\" (write \"&-\" for \"&\")", s, i)
		}
		enc := s[i+1 : i+1+end]
		i += end + 1
		if enc == "" {
			b.WriteByte('&')
			continue
		}
		runes, err := decodeShift(enc)
		if err != nil {
			return "", fmt.Errorf("mailbox name %q: %v", s, err)
		}
		b.WriteString(runes)
	}
	return b.String(), nil
}

func decodeShift(enc string) (string, error) {
	var units []uint16
	var acc uint32
	bits := 0
	for i := 0; i < len(enc); i++ {
		v := mutf7Index[enc[i]]
		if v < 0 {
			return "", fmt.Errorf("%q is not modified base64", enc[i])
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 16 {
			bits -= 16
			units = append(units, uint16(acc>>bits))
			acc &= 1<<bits - 1
		}
	}
	if bits >= 6 || acc != 0 {
		return "", errors.New("modified base64 has stray bits")
	}
	if len(units) == 0 {
		return "", errors.New("empty modified base64")
	}
	var b strings.Builder
	for i := 0; i < len(units); i++ {
		u := units[i]
		var r rune
		switch {
		case utf16.IsSurrogate(rune(u)):
			if u >= 0xdc00 || i+1 >= len(units) {
				return "", errors.New("unpaired UTF-16 surrogate")
			}
			r = utf16.DecodeRune(rune(u), rune(units[i+1]))
			if r == utf8.RuneError {
				return "", errors.New("unpaired UTF-16 surrogate")
			}
			i++
		default:
			r = rune(u)
		}
		if r >= 0x20 && r <= 0x7e {
			return "", fmt.Errorf("printable ASCII %q must not be base64 encoded", r)
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}

// EncodeMailbox encodes a UTF-8 mailbox name in modified UTF-7 (RFC 3501
// §5.1.3). Invalid UTF-8 octets are encoded as U+FFFD.
func EncodeMailbox(name string) string {
	var b strings.Builder
	var run []uint16
	flush := func() {
		if len(run) == 0 {
			return
		}
		b.WriteByte('&')
		var acc uint32
		bits := 0
		for _, u := range run {
			acc = acc<<16 | uint32(u)
			bits += 16
			for bits >= 6 {
				bits -= 6
				b.WriteByte(mutf7Alphabet[(acc>>bits)&0x3f])
			}
		}
		if bits > 0 {
			b.WriteByte(mutf7Alphabet[(acc<<(6-bits))&0x3f])
		}
		b.WriteByte('-')
		run = run[:0]
	}
	for _, r := range name {
		if r >= 0x20 && r <= 0x7e {
			flush()
			b.WriteRune(r)
			if r == '&' {
				b.WriteByte('-')
			}
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			run = append(run, uint16(r1), uint16(r2))
		} else {
			run = append(run, uint16(r))
		}
	}
	flush()
	return b.String()
}
