package message

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Hard-coded samples, checked against an independent encoder (Python's
// cp949 and iso2022_kr codecs), so that the tests do not only round-trip
// x/text through our own code.
var (
	// "안녕하세요" in EUC-KR.
	eucKRHello = []byte{0xBE, 0xC8, 0xB3, 0xE7, 0xC7, 0xCF, 0xBC, 0xBC, 0xBF, 0xE4}
	// "똠방각하": 똠 (0x8C63) exists only in CP949's extension, not in
	// KS X 1001, so it proves that EUC-KR labels decode as CP949.
	cp949Ttom = []byte{0x8C, 0x63, 0xB9, 0xE6, 0xB0, 0xA2, 0xC7, 0xCF}
	// "안녕하세요" in ISO-2022-KR: designator, SO, 7-bit pairs, SI.
	iso2022KRHello = []byte{0x1B, 0x24, 0x29, 0x43, 0x0E, 0x3E, 0x48, 0x33, 0x67, 0x47, 0x4F, 0x3C, 0x3C, 0x3F, 0x64, 0x0F}
)

// encode encodes s with enc, for building samples in tests.
func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func TestHardCodedSamples_matchXTextEncoder(t *testing.T) {
	if got := encode(t, korean.EUCKR, "안녕하세요"); !bytes.Equal(got, eucKRHello) {
		t.Errorf("x/text EUC-KR of 안녕하세요 = % X, want % X", got, eucKRHello)
	}
	if got := encode(t, korean.EUCKR, "똠방각하"); !bytes.Equal(got, cp949Ttom) {
		t.Errorf("x/text CP949 of 똠방각하 = % X, want % X", got, cp949Ttom)
	}
}

func TestDecodeCharset_labels(t *testing.T) {
	type tc struct {
		label string
		in    []byte
		want  string
	}
	tests := []tc{
		{"utf-8", []byte("안녕하세요"), "안녕하세요"},
		{"UTF8", []byte("héllo"), "héllo"},
		{"us-ascii", []byte("plain"), "plain"},
		{"utf-8", []byte{'a', 0xFF, 'b'}, "a\uFFFDb"},
		{"iso-2022-kr", iso2022KRHello, "안녕하세요"},
		{"ISO-2022-KR", []byte("Hi \x1b$)C\x0e1h9N<v\x0f!"), "Hi 김민수!"},
		{"iso-8859-1", []byte("caf\xe9"), "café"},
		{"ISO_8859-1", []byte("caf\xe9"), "café"},
		{"iso-8859-2", encode(t, charmap.ISO8859_2, "Łódź"), "Łódź"},
		{"iso-8859-5", encode(t, charmap.ISO8859_5, "Привет"), "Привет"},
		{"iso-8859-7", encode(t, charmap.ISO8859_7, "Καλημέρα"), "Καλημέρα"},
		{"iso-8859-15", encode(t, charmap.ISO8859_15, "€uro"), "€uro"},
		{"iso-8859-16", encode(t, charmap.ISO8859_16, "Științ"), "Științ"},
		{"windows-1251", encode(t, charmap.Windows1251, "Привет"), "Привет"},
		{"windows-1252", []byte("\x93quoted\x94"), "“quoted”"},
		{"cp1250", encode(t, charmap.Windows1250, "Příliš"), "Příliš"},
		{"koi8-r", encode(t, charmap.KOI8R, "Привет"), "Привет"},
		{"koi8-u", encode(t, charmap.KOI8U, "Привіт"), "Привіт"},
		{"shift_jis", encode(t, japanese.ShiftJIS, "こんにちは"), "こんにちは"},
		{"cp932", encode(t, japanese.ShiftJIS, "日本語"), "日本語"},
		{"MS932", encode(t, japanese.ShiftJIS, "日本語"), "日本語"},
		{"euc-jp", encode(t, japanese.EUCJP, "日本語"), "日本語"},
		{"iso-2022-jp", encode(t, japanese.ISO2022JP, "日本語"), "日本語"},
		{"gb2312", encode(t, simplifiedchinese.GBK, "你好"), "你好"},
		{"gbk", encode(t, simplifiedchinese.GBK, "你好"), "你好"},
		{"gb18030", encode(t, simplifiedchinese.GB18030, "你好"), "你好"},
		{"big5", encode(t, traditionalchinese.Big5, "你好"), "你好"},
		{"utf-16", []byte{0xFE, 0xFF, 0xD5, 0x5C, 0xAE, 0x00}, "한글"},
		{"utf-16", []byte{0xFF, 0xFE, 0x5C, 0xD5, 0x00, 0xAE}, "한글"},
		{"utf-16be", []byte{0xD5, 0x5C, 0xAE, 0x00}, "한글"},
		{"utf-16le", []byte{0x5C, 0xD5, 0x00, 0xAE}, "한글"},
	}
	// Every Korean label decodes the same hard-coded EUC-KR bytes and the
	// CP949-only syllable.
	for _, label := range []string{"euc-kr", "EUC-KR", "ks_c_5601-1987", "KS_C_5601-1987", "ks_c_5601", "ksc5601", "cp949", "CP949", "windows-949", "x-windows-949", "uhc", "korean"} {
		tests = append(tests, tc{label, eucKRHello, "안녕하세요"}, tc{label, cp949Ttom, "똠방각하"})
	}
	for _, tt := range tests {
		got, err := DecodeCharset(tt.label, tt.in)
		if err != nil {
			t.Errorf("DecodeCharset(%q, % X): %v", tt.label, tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("DecodeCharset(%q, % X) = %q, want %q", tt.label, tt.in, got, tt.want)
		}
	}
}

func TestDecodeCharset_unknownCharset_error(t *testing.T) {
	for _, label := range []string{"x-unknown-charset", "", "utf-7-bogus"} {
		_, err := DecodeCharset(label, []byte("abc"))
		if !errors.Is(err, ErrUnknownCharset) {
			t.Errorf("DecodeCharset(%q) error = %v, want ErrUnknownCharset", label, err)
		}
	}
}

func TestISO2022KR_decoder(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"designator then shifted text", "\x1b$)C\x0e>H3gGO<<?d\x0f", "안녕하세요"},
		{"mixed ASCII and Korean", "\x1b$)C\r\nRe: \x0e0_@{<-\x0f 2024", "\r\nRe: 견적서 2024"},
		{"line break ends shift (RFC 1557)", "\x1b$)C\x0eGQ1[\nabc", "한글\nabc"},
		{"no designator still shifts", "\x0eGQ1[\x0f", "한글"},
		{"space inside shift stays space", "\x0eGQ 1[\x0f", "한 글"},
		{"odd trailing byte is replaced", "\x0eGQ1\x0f", "한\uFFFD"},
		{"8-bit EUC-KR passes through", "\x1b$)C" + string(eucKRHello), "안녕하세요"},
		{"other escapes pass through", "\x1b(Bx", "\x1b(Bx"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		got, err := DecodeCharset("iso-2022-kr", []byte(tt.in))
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

// oneByteReader returns one byte per Read, so the designator is cut across
// transformer calls.
type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

func TestCharsetReader_streamsISO2022KRByteByByte(t *testing.T) {
	r, err := CharsetReader("ISO-2022-KR", &oneByteReader{b: append([]byte("A"), iso2022KRHello...)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || string(got) != "A안녕하세요" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestCharsetReader_unknown_error(t *testing.T) {
	if _, err := CharsetReader("x-nope", strings.NewReader("")); !errors.Is(err, ErrUnknownCharset) {
		t.Fatalf("err = %v", err)
	}
}

// TestCharsetReader_asGoMessageHook checks the signature against
// go-message's hook and that go-message then decodes ISO-2022-KR, which it
// cannot do alone.
func TestCharsetReader_asGoMessageHook(t *testing.T) {
	old := gomessage.CharsetReader
	gomessage.CharsetReader = CharsetReader
	defer func() { gomessage.CharsetReader = old }()

	raw := "Content-Type: text/plain; charset=iso-2022-kr\r\n\r\n" + string(iso2022KRHello)
	e, err := gomessage.Read(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(e.Body)
	if err != nil || string(b) != "안녕하세요" {
		t.Fatalf("go-message body = %q, %v", b, err)
	}
}

func TestDecodeText_fallbacks(t *testing.T) {
	tests := []struct {
		name    string
		charset string
		in      []byte
		want    string
	}{
		{"unknown charset, valid UTF-8", "x-unknown", []byte("안녕하세요"), "안녕하세요"},
		{"unknown charset, Korean bytes", "x-unknown", eucKRHello, "안녕하세요"},
		{"unknown charset, Latin-1 bytes", "x-unknown", []byte("caf\xe9 cr\xe8me"), "café crème"},
		{"no charset, CP949 bytes", "", cp949Ttom, "똠방각하"},
		{"us-ascii label on CP949 bytes", "us-ascii", eucKRHello, "안녕하세요"},
		{"utf-8 label on CP949 bytes", "utf-8", eucKRHello, "안녕하세요"},
		{"euc-kr label on UTF-8 bytes", "euc-kr", []byte("안녕하세요"), "안녕하세요"},
		{"iso-8859-1 label on Korean bytes", "iso-8859-1", eucKRHello, "안녕하세요"},
		{"iso-8859-1 label on German stays Latin-1", "iso-8859-1", []byte("Gr\xf6\xdfe"), "Größe"},
		{"iso-8859-1 label on French stays Latin-1", "iso-8859-1", []byte("d\xe9j\xe0 \xe9t\xe9"), "déjà été"},
		{"no charset, ISO-2022-KR escapes", "", iso2022KRHello, "안녕하세요"},
		{"no charset, ISO-2022-JP escapes", "", []byte("\x1b$B$3$s\x1b(B\x8a"), "こん\uFFFD"},
	}
	for _, tt := range tests {
		if got := decodeText(tt.charset, tt.in); got != tt.want {
			t.Errorf("%s: decodeText(%q, % X) = %q, want %q", tt.name, tt.charset, tt.in, got, tt.want)
		}
	}
}
