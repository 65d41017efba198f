package message

// Charsets: the MIME charset labels (RFC 2045 §5.1, RFC 2046 §4.1.2) a mail
// server meets, mapped onto golang.org/x/text decoders, plus our own
// ISO-2022-KR decoder. Labels are matched case-insensitively and without
// regard to '-', '_', ' ' and '.', so "KS_C_5601-1987", "ks-c-5601-1987" and
// "ksc5601" are one label.
//
// Two conventions differ from the IANA registry on purpose, because that is
// what mailers mean in practice (and what browsers do, WHATWG Encoding §4.2):
//   - every EUC-KR label decodes as CP949 (Unified Hangul Code), a superset
//     that Korean Windows mailers send under the EUC-KR and ks_c_5601-1987
//     labels; x/text's korean.EUCKR already is CP949;
//   - iso-8859-1, latin1 and us-ascii text with 8-bit bytes decode as
//     windows-1252, whose printable characters are a superset.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// ErrUnknownCharset is returned (wrapped, with the label) by DecodeCharset
// and CharsetReader for a charset label this package cannot decode.
var ErrUnknownCharset = errors.New("message: unknown charset")

// cp949 decodes EUC-KR and its Microsoft superset CP949.
var cp949 = korean.EUCKR

// latin1 is the fallback for 8-bit text that is neither UTF-8 nor Korean.
var latin1 = charmap.Windows1252

// charsets maps normalised labels (see normCharset) to encodings. A nil
// encoding means UTF-8 (invalid sequences become U+FFFD). Labels not listed
// here are looked up in x/text's WHATWG and IANA indexes.
var charsets = map[string]encoding.Encoding{
	"utf8": nil, "unicode11utf8": nil, "xunicode20utf8": nil,
	"usascii": nil, "ascii": nil, "ansix341968": nil, "us": nil, "iso646us": nil,

	// Korean. RFC 1557 (ISO-2022-KR) is ours; everything else is CP949.
	"euckr": cp949, "xeuckr": cp949, "cseuckr": cp949,
	"ksc56011987": cp949, "ksc56011989": cp949, "ksc5601": cp949,
	"csksc56011987": cp949, "isoir149": cp949, "korean": cp949,
	"cp949": cp949, "ms949": cp949, "windows949": cp949,
	"xwindows949": cp949, "uhc": cp949, "xuhc": cp949, "ksx1001": cp949,
	"iso2022kr": iso2022KR{}, "csiso2022kr": iso2022KR{},

	// Western and other single-byte sets (RFC 1345 names).
	"iso88591": charmap.Windows1252, "latin1": charmap.Windows1252,
	"l1": charmap.Windows1252, "isoir100": charmap.Windows1252,
	"cp819": charmap.Windows1252, "ibm819": charmap.Windows1252,
	"iso88592": charmap.ISO8859_2, "latin2": charmap.ISO8859_2,
	"iso88593": charmap.ISO8859_3, "latin3": charmap.ISO8859_3,
	"iso88594": charmap.ISO8859_4, "latin4": charmap.ISO8859_4,
	"iso88595": charmap.ISO8859_5, "cyrillic": charmap.ISO8859_5,
	"iso88596": charmap.ISO8859_6, "arabic": charmap.ISO8859_6,
	"iso88596i": charmap.ISO8859_6, "iso88596e": charmap.ISO8859_6,
	"iso88597": charmap.ISO8859_7, "greek": charmap.ISO8859_7,
	"iso88598": charmap.ISO8859_8, "hebrew": charmap.ISO8859_8,
	"iso88598i": charmap.ISO8859_8, "iso88598e": charmap.ISO8859_8,
	"iso88599": charmap.ISO8859_9, "latin5": charmap.ISO8859_9,
	"iso885910": charmap.ISO8859_10, "latin6": charmap.ISO8859_10,
	"iso885911": charmap.Windows874, "tis620": charmap.Windows874,
	"windows874": charmap.Windows874, "cp874": charmap.Windows874,
	"iso885913": charmap.ISO8859_13, "iso885914": charmap.ISO8859_14,
	"iso885915": charmap.ISO8859_15, "latin9": charmap.ISO8859_15,
	"iso885916": charmap.ISO8859_16, "latin10": charmap.ISO8859_16,
	"windows1250": charmap.Windows1250, "cp1250": charmap.Windows1250,
	"windows1251": charmap.Windows1251, "cp1251": charmap.Windows1251,
	"windows1252": charmap.Windows1252, "cp1252": charmap.Windows1252,
	"windows1253": charmap.Windows1253, "cp1253": charmap.Windows1253,
	"windows1254": charmap.Windows1254, "cp1254": charmap.Windows1254,
	"windows1255": charmap.Windows1255, "cp1255": charmap.Windows1255,
	"windows1256": charmap.Windows1256, "cp1256": charmap.Windows1256,
	"windows1257": charmap.Windows1257, "cp1257": charmap.Windows1257,
	"windows1258": charmap.Windows1258, "cp1258": charmap.Windows1258,
	"koi8r": charmap.KOI8R, "koi8u": charmap.KOI8U, "koi8ru": charmap.KOI8U,

	// Japanese.
	"shiftjis": japanese.ShiftJIS, "sjis": japanese.ShiftJIS,
	"xsjis": japanese.ShiftJIS, "mskanji": japanese.ShiftJIS,
	"cp932": japanese.ShiftJIS, "ms932": japanese.ShiftJIS,
	"windows31j": japanese.ShiftJIS, "windows932": japanese.ShiftJIS,
	"csshiftjis": japanese.ShiftJIS, "cseucpkdfmtjapanese": japanese.EUCJP,
	"eucjp": japanese.EUCJP, "xeucjp": japanese.EUCJP,
	"iso2022jp": japanese.ISO2022JP, "csiso2022jp": japanese.ISO2022JP,

	// Chinese. GB2312 text is decoded with GBK, its superset.
	"gb2312": simplifiedchinese.GBK, "csgb2312": simplifiedchinese.GBK,
	"euccn": simplifiedchinese.GBK, "xeuccn": simplifiedchinese.GBK,
	"gbk": simplifiedchinese.GBK, "cp936": simplifiedchinese.GBK,
	"windows936": simplifiedchinese.GBK, "xgbk": simplifiedchinese.GBK,
	"gb18030": simplifiedchinese.GB18030, "hzgb2312": simplifiedchinese.HZGB2312,
	"big5": traditionalchinese.Big5, "big5hkscs": traditionalchinese.Big5,
	"cnbig5": traditionalchinese.Big5, "xxbig5": traditionalchinese.Big5,
	"csbig5": traditionalchinese.Big5, "cp950": traditionalchinese.Big5,

	// Unicode encodings. RFC 2781 §4.3: UTF-16 without a BOM is big-endian.
	"utf16":   unicode.UTF16(unicode.BigEndian, unicode.UseBOM),
	"utf16be": unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
	"utf16le": unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	"ucs2":    unicode.UTF16(unicode.BigEndian, unicode.UseBOM),
	"utf32":   utf32.UTF32(utf32.BigEndian, utf32.UseBOM),
	"utf32be": utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM),
	"utf32le": utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM),
}

// normCharset lower-cases a label and drops the characters that senders
// spell differently ("ISO_8859-1", "iso8859-1", "KS_C_5601-1987", quotes).
func normCharset(label string) string {
	var b strings.Builder
	for i := 0; i < len(label); i++ {
		c := label[i]
		switch {
		case c == '-' || c == '_' || c == ' ' || c == '.' || c == '"' || c == '\'' || c == '\t':
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// lookupCharset finds the encoding for label. ok is false for labels it
// cannot decode; enc is nil (with ok true) for UTF-8 and US-ASCII.
func lookupCharset(label string) (enc encoding.Encoding, ok bool) {
	n := normCharset(label)
	if n == "" {
		return nil, false
	}
	if enc, ok := charsets[n]; ok {
		return enc, true
	}
	name := strings.ToLower(strings.TrimSpace(strings.Trim(label, "\"' \t")))
	// WHATWG maps ISO-2022-KR, ISO-2022-CN and HZ to its "replacement"
	// encoding, which decodes everything to one U+FFFD; never use that.
	if e, err := htmlindex.Get(name); err == nil && e != nil && e != encoding.Replacement {
		return e, true
	}
	if e, err := ianaindex.MIME.Encoding(name); err == nil && e != nil && e != encoding.Replacement {
		return e, true
	}
	return nil, false
}

// DecodeCharset converts b from the named charset to UTF-8. Bytes that are
// invalid in the charset become U+FFFD. An unknown label returns an error
// wrapping ErrUnknownCharset; callers that must show something use the
// guessing fallback of Part.Text instead.
func DecodeCharset(charset string, b []byte) (string, error) {
	enc, ok := lookupCharset(charset)
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownCharset, charset)
	}
	return decodeWith(enc, b), nil
}

// decodeWith decodes b with enc (nil meaning UTF-8) and never fails: the
// x/text decoders replace invalid input with U+FFFD, and should one stop
// with an error anyway, the undecoded rest is appended as Latin-1.
func decodeWith(enc encoding.Encoding, b []byte) string {
	if enc == nil {
		return toValidUTF8(b)
	}
	out, n, err := transform.Bytes(enc.NewDecoder(), b)
	if err != nil {
		rest, _ := latin1.NewDecoder().Bytes(b[min(n, len(b)):])
		out = append(out, rest...)
	}
	return toValidUTF8(out)
}

// toValidUTF8 returns b as a string with invalid UTF-8 replaced by U+FFFD.
func toValidUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
}

// CharsetReader returns a reader that converts r from charset to UTF-8. Its
// signature is go-message's charset hook (message.CharsetReader), so
// packages that use go-message get our labels and ISO-2022-KR too.
func CharsetReader(charset string, r io.Reader) (io.Reader, error) {
	enc, ok := lookupCharset(charset)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownCharset, charset)
	}
	if enc == nil {
		return transform.NewReader(r, unicode.UTF8.NewDecoder()), nil
	}
	return transform.NewReader(r, enc.NewDecoder()), nil
}

// decodeText is the never-failing decoder behind Part.Text: it honours the
// declared charset when it can and guesses otherwise.
//
//   - no charset, UTF-8 or US-ASCII: the bytes as UTF-8 if they are valid,
//     else a guess (mailers label CP949 as us-ascii or send no label);
//   - a Korean label on bytes that are not CP949 but valid UTF-8: UTF-8
//     (webmail forms relabelled by a gateway);
//   - a Latin-1 label on bytes that are all valid CP949 and mostly Hangul:
//     CP949 (PHP mailers label everything iso-8859-1; real Latin-1 text
//     fails the test, see looksKorean);
//   - an unknown label: a guess.
func decodeText(charset string, b []byte) string {
	enc, ok := lookupCharset(charset)
	switch {
	case !ok || enc == nil:
		return guessDecode(b)
	case enc == cp949 && !isCP949(b) && utf8.Valid(b):
		return string(b)
	case enc == charmap.Windows1252 && isCP949(b) && looksKorean(b):
		return decodeWith(cp949, b)
	}
	return decodeWith(enc, b)
}

// guessDecode decodes text of unknown charset: ISO-2022-KR or -JP if their
// escape sequences are present (7-bit, so they would pass as UTF-8), UTF-8
// if valid, CP949 if the bytes look Korean, else windows-1252 (which maps
// every byte to something).
func guessDecode(b []byte) string {
	hasESC := bytes.IndexByte(b, asciiESC) >= 0
	switch {
	case hasESC && bytes.Contains(b, iso2022KRDesignator):
		return decodeWith(iso2022KR{}, b)
	case hasESC && (bytes.Contains(b, []byte("\x1b$B")) || bytes.Contains(b, []byte("\x1b$@"))):
		return decodeWith(japanese.ISO2022JP, b)
	case utf8.Valid(b):
		return string(b)
	case looksKorean(b):
		return decodeWith(cp949, b)
	}
	return decodeWith(latin1, b)
}

// cp949Scan walks b as CP949 and counts double-byte characters, those of
// them that are Hangul syllables, and bytes that cannot be CP949.
//
// CP949 lead bytes are 0x81–0xFE. Leads 0x81–0xC6 take the extended trail
// bytes 0x41–0x5A, 0x61–0x7A, 0x81–0xFE (the 8,822 extra syllables);
// every lead takes the KS X 1001 trails 0xA1–0xFE. KS X 1001 Hangul are
// leads 0xB0–0xC8 with trails 0xA1–0xFE.
func cp949Scan(b []byte) (pairs, hangul, bad int) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 {
			continue
		}
		if c == 0x80 || c == 0xFF || i+1 >= len(b) {
			bad++
			continue
		}
		t := b[i+1]
		ks := t >= 0xA1 && t <= 0xFE
		ext := c <= 0xC6 && ((t >= 0x41 && t <= 0x5A) || (t >= 0x61 && t <= 0x7A) || (t >= 0x81 && t <= 0xFE))
		if !ks && !ext {
			bad++
			continue
		}
		pairs++
		if (c >= 0xB0 && c <= 0xC8 && ks) || (c <= 0xC6 && !ks) || (c <= 0xA0) {
			hangul++
		}
		i++
	}
	return pairs, hangul, bad
}

// isCP949 reports whether every 8-bit byte of b is part of a valid CP949
// double-byte character.
func isCP949(b []byte) bool {
	_, _, bad := cp949Scan(b)
	return bad == 0
}

// looksKorean reports whether b reads as Korean text in CP949: (nearly) all
// 8-bit bytes form valid pairs and at least half the pairs are Hangul.
// Latin-1 text rarely passes, because an accented letter is followed by an
// ASCII letter or space, which is no KS X 1001 trail byte.
func looksKorean(b []byte) bool {
	pairs, hangul, bad := cp949Scan(b)
	return pairs > 0 && bad*50 <= pairs && hangul*2 >= pairs
}
