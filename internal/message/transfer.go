package message

// Content-Transfer-Encoding (RFC 2045 §6) decoded leniently: a body that
// cannot be decoded perfectly is decoded as far as it goes, because the
// user wants to see the attachment that one broken line spoiled.

import (
	"bytes"
	"strings"
)

// normEncoding returns the transfer encoding token of a
// Content-Transfer-Encoding value: lower-case, without comments or junk
// after the token ("Base64 (by mailer)", "8bit;"). Default "7bit" (RFC 2045
// §6.1).
func normEncoding(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, " \t;("); i >= 0 {
		v = v[:i]
	}
	v = strings.Trim(strings.ToLower(v), "\"")
	if v == "" {
		return "7bit"
	}
	return v
}

// decodeTransfer decodes body per its transfer encoding. Identity
// encodings and ones we do not know return a copy of the body.
func decodeTransfer(encoding string, body []byte) []byte {
	switch encoding {
	case "base64":
		return decodeBase64(body)
	case "quoted-printable":
		return decodeQP(body)
	}
	return append([]byte(nil), body...)
}

// b64Value returns the 6-bit value of a base64 character (RFC 2045 §6.8
// Table 1), or -1.
func b64Value(c byte) int {
	switch {
	case 'A' <= c && c <= 'Z':
		return int(c - 'A')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 26
	case '0' <= c && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}

// decodeBase64 decodes base64 best effort. RFC 2045 §6.8 says characters
// outside the alphabet are to be ignored, and so they are; beyond that, a
// "=" ends the current 4-character group wherever it is (bodies made of
// several concatenated base64 blobs decode whole), and a final incomplete
// group yields the bytes it holds.
func decodeBase64(in []byte) []byte {
	out := make([]byte, 0, len(in)*3/4+3)
	var acc uint32
	n := 0 // characters in the current group
	flush := func() {
		// n characters carry n*6 bits: 2 → 1 byte, 3 → 2 bytes.
		switch n {
		case 2:
			out = append(out, byte(acc>>4))
		case 3:
			out = append(out, byte(acc>>10), byte(acc>>2))
		}
		acc, n = 0, 0
	}
	for _, c := range in {
		if c == '=' {
			flush()
			continue
		}
		v := b64Value(c)
		if v < 0 {
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	flush()
	return out
}

// decodeQP decodes quoted-printable (RFC 2045 §6.7) leniently:
//   - "=" at the end of a line (after optional trailing whitespace, which
//     transports add) is a soft line break;
//   - "=XX" with hex digits in either case is a byte;
//   - any other "=" is kept as it is (rule 1 leaves this to the decoder;
//     keeping it loses nothing);
//   - trailing whitespace at the end of a line is removed (rule 3).
//
// Line breaks are kept as they are in the input.
func decodeQP(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for len(in) > 0 {
		// One line at a time, without its line break.
		line, brk := in, []byte(nil)
		if i := bytes.IndexByte(in, '\n'); i >= 0 {
			line, brk, in = in[:i], in[i:i+1], in[i+1:]
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line, brk = line[:len(line)-1], []byte("\r\n")
			}
		} else {
			in = nil
		}
		line = trimRightWS(line)
		soft := false
		if len(line) > 0 && line[len(line)-1] == '=' {
			soft, line = true, line[:len(line)-1]
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c == '=' && i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]) {
				out = append(out, unhex(line[i+1])<<4|unhex(line[i+2]))
				i += 2
				continue
			}
			out = append(out, c)
		}
		if !soft {
			out = append(out, brk...)
		}
	}
	return out
}

func trimRightWS(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
