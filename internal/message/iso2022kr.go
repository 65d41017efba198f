package message

// ISO-2022-KR (RFC 1557) is the 7-bit form of EUC-KR that old Korean mailers
// sent and some still do. go-message (through x/text's WHATWG index) decodes
// it to a single U+FFFD, so we decode it ourselves:
//
//   - the designator ESC $ ) C announces KS X 1001 (KS C 5601) as G1; it
//     appears once, at the start of a line before any SO (RFC 1557 §2);
//   - SO (0x0E) shifts to KS X 1001, SI (0x0F) back to ASCII;
//   - in the shifted state each character is two bytes 0x21–0x7E, which are
//     the EUC-KR bytes with their high bit cleared;
//   - a line starts in ASCII ("it is assumed that the SI is in effect at the
//     beginning of each line", RFC 1557 §2), so CR and LF shift back.
//
// The decoder is two transformers chained: iso2022KRToEUCKR rewrites the
// 7-bit form to EUC-KR bytes (setting the high bit inside SO…SI and dropping
// the control sequences), and x/text's EUC-KR decoder does the table lookup.
// 8-bit bytes, which ISO-2022-KR never has, pass through unchanged; they
// then decode as CP949, which is what a mislabelled EUC-KR message needs.

import (
	"bytes"
	"errors"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

const (
	asciiESC = 0x1b
	asciiSO  = 0x0e
	asciiSI  = 0x0f
)

// iso2022KRDesignator is ESC $ ) C: KS X 1001 designated to G1.
var iso2022KRDesignator = []byte{asciiESC, '$', ')', 'C'}

// iso2022KR is the ISO-2022-KR encoding. It only decodes; Postroom composes
// mail in UTF-8 and never needs to write ISO-2022-KR.
type iso2022KR struct{}

// NewDecoder returns a decoder from ISO-2022-KR to UTF-8.
func (iso2022KR) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: transform.Chain(&iso2022KRToEUCKR{}, cp949.NewDecoder())}
}

// NewEncoder returns an encoder that always fails: iso2022KR is an
// encoding.Encoding only so that it sits in the charset table with the rest.
func (iso2022KR) NewEncoder() *encoding.Encoder {
	return &encoding.Encoder{Transformer: noEncoder{}}
}

// errNoISO2022KREncoder is what encoding to ISO-2022-KR returns.
var errNoISO2022KREncoder = errors.New("message: encoding to ISO-2022-KR is not supported")

// noEncoder is a transformer that refuses all input.
type noEncoder struct{ transform.NopResetter }

// Transform implements transform.Transformer.
func (noEncoder) Transform(dst, src []byte, atEOF bool) (int, int, error) {
	if len(src) == 0 {
		return 0, 0, nil
	}
	return 0, 0, errNoISO2022KREncoder
}

// iso2022KRToEUCKR is the first stage of the decoder: a byte-for-byte
// rewrite of the 7-bit form into EUC-KR. Its only state is the shift.
type iso2022KRToEUCKR struct {
	shifted bool
}

// Reset implements transform.Transformer.
func (t *iso2022KRToEUCKR) Reset() { t.shifted = false }

// Transform implements transform.Transformer.
func (t *iso2022KRToEUCKR) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		switch c {
		case asciiESC:
			rest := src[nSrc:]
			if bytes.HasPrefix(rest, iso2022KRDesignator) {
				nSrc += len(iso2022KRDesignator)
				continue
			}
			// A designator cut by the buffer: ask for more input.
			if !atEOF && len(rest) < len(iso2022KRDesignator) && bytes.HasPrefix(iso2022KRDesignator, rest) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			// Any other escape sequence is not ours: pass it through.
		case asciiSO:
			t.shifted = true
			nSrc++
			continue
		case asciiSI:
			t.shifted = false
			nSrc++
			continue
		case '\r', '\n':
			t.shifted = false
		}
		if nDst >= len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		if t.shifted && c >= 0x21 && c <= 0x7e {
			c |= 0x80
		}
		dst[nDst] = c
		nDst++
		nSrc++
	}
	return nDst, nSrc, nil
}
