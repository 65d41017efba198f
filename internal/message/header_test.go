package message

import (
	"strings"
	"testing"
)

func TestDecodeHeader_encodedWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain ASCII unchanged", "Meeting notes", "Meeting notes"},
		{"ks_c_5601-1987 B", "=?ks_c_5601-1987?B?sN/A+7ytIL/kw7s=?=", "견적서 요청"},
		{"KS_C_5601-1987 upper-case label", "=?KS_C_5601-1987?B?sei5zrz2?=", "김민수"},
		{"cp949 B, CP949-only syllable", "=?cp949?B?jGO55rCix88=?=", "똠방각하"},
		{"euc-kr Q", "=?euc-kr?Q?=B1=E8=B9=CE=BC=F6?=", "김민수"},
		{"utf-8 B", "=?UTF-8?B?7JWI64WV7ZWY7IS47JqU?=", "안녕하세요"},
		{"utf-8 Q with underscore", "=?utf-8?q?Caf=C3=A9_au_lait?=", "Café au lait"},
		{"iso-2022-kr B", "=?iso-2022-kr?B?GyQpQw5IOEBHDw==?=", "회의"},
		{"iso-8859-1 Q", "=?iso-8859-1?Q?Andr=E9?=", "André"},
		{"shift_jis B", "=?shift_jis?B?k/qWe4zq?=", "日本語"},
		{"shift_jis Q", "=?Shift_JIS?Q?=83=65=83=58=83=67?=", "テスト"},
		{"gb2312 B", "=?gb2312?B?1tDOxA==?=", "中文"},
		{"big5 B", "=?big5?B?pKSk5Q==?=", "中文"},
		{"text around a word", "Re: =?utf-8?B?7JWI64WV?= (fwd)", "Re: 안녕 (fwd)"},
		{"adjacent words: whitespace between them dropped", "=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab"},
		{"adjacent words across a fold", "=?utf-8?Q?a?=\r\n =?utf-8?Q?b?=", "ab"},
		{"adjacent words without any space", "=?utf-8?Q?a?==?utf-8?Q?b?=", "ab"},
		{"UTF-8 character split across words", "=?UTF-8?B?7JWI6w==?= =?UTF-8?B?hZXtlZjshLjsmpQ=?=", "안녕하세요"},
		{"CP949 character split across words", "=?ks_c_5601-1987?B?vsiz?= =?ks_c_5601-1987?B?58fPvLy/5A==?=", "안녕하세요"},
		{"words in different charsets", "=?euc-kr?B?sei5zrz2?= =?utf-8?Q?_Kim?=", "김민수 Kim"},
		{"space between a word and text kept", "=?utf-8?Q?a?= b", "a b"},
		{"word glued to text", "Subject:=?utf-8?Q?x?=y", "Subject:xy"},
		{"missing base64 padding", "=?utf-8?B?7JWI64WV?=", "안녕"},
		{"RFC 2231 language in charset", "=?utf-8*ko?Q?=ED=95=9C?=", "한"},
		{"unknown charset left as is", "=?x-bogus?Q?abc?= ok", "=?x-bogus?Q?abc?= ok"},
		{"unknown encoding letter left as is", "=?utf-8?X?abc?=", "=?utf-8?X?abc?="},
		{"broken base64 left as is", "=?utf-8?B?%%%?=", "=?utf-8?B?%%%?="},
		{"unterminated word left as is", "=?utf-8?Q?abc", "=?utf-8?Q?abc"},
		{"lone =? is text", "a =? b", "a =? b"},
		{"invalid Q escape kept", "=?utf-8?Q?100=?= =?utf-8?Q?=ZZ?=", "100==ZZ"},
		{"raw CP949 bytes", "Re: " + string(eucKRHello), "Re: 안녕하세요"},
		{"raw UTF-8 (RFC 6532) unchanged", "Re: 안녕하세요", "Re: 안녕하세요"},
		{"raw ISO-2022-KR", string(iso2022KRHello), "안녕하세요"},
		{"raw CP949 beside an encoded word", string(eucKRHello) + " =?utf-8?Q?x?=", "안녕하세요 x"},
	}
	for _, tt := range tests {
		if got := DecodeHeader(tt.in); got != tt.want {
			t.Errorf("%s: DecodeHeader(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestReadHeader_lenient(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		fields   [][2]string // name, value
		body     string
		problems int
		rawFirst string // Raw of the first field, when checked
	}{
		{
			name:     "CRLF header and body",
			raw:      "Subject: hi\r\nFrom: a@b\r\n\r\nbody\r\n",
			fields:   [][2]string{{"Subject", "hi"}, {"From", "a@b"}},
			body:     "body\r\n",
			rawFirst: "Subject: hi\r\n",
		},
		{
			name:   "bare LF line endings",
			raw:    "Subject: hi\nTo: x@y\n\nbody\n",
			fields: [][2]string{{"Subject", "hi"}, {"To", "x@y"}},
			body:   "body\n",
		},
		{
			name:     "folded field unfolded, Raw keeps the fold",
			raw:      "Subject: one\r\n two\r\n\tthree\r\n\r\n",
			fields:   [][2]string{{"Subject", "one two\tthree"}},
			rawFirst: "Subject: one\r\n two\r\n\tthree\r\n",
		},
		{
			name:   "no body (header only, no blank line)",
			raw:    "Subject: x\r\nFrom: a@b",
			fields: [][2]string{{"Subject", "x"}, {"From", "a@b"}},
		},
		{
			name:     "missing blank line: body starts at first non-field line",
			raw:      "Subject: x\r\nThis is the body.\r\n",
			fields:   [][2]string{{"Subject", "x"}},
			body:     "This is the body.\r\n",
			problems: 1,
		},
		{
			name:   "whitespace before colon (obsolete syntax)",
			raw:    "Subject : x\r\n\r\n",
			fields: [][2]string{{"Subject", "x"}},
		},
		{
			name:   "8-bit and NUL bytes kept raw",
			raw:    "Subject: " + string(eucKRHello) + "\x00\r\n\r\n",
			fields: [][2]string{{"Subject", string(eucKRHello) + "\x00"}},
		},
		{
			name:     "mbox From_ line skipped",
			raw:      "From someone Mon Jan 1 00:00:00 2024\nSubject: x\n\nb",
			fields:   [][2]string{{"Subject", "x"}},
			body:     "b",
			problems: 1,
		},
		{
			name:     "leading continuation line ignored",
			raw:      " stray\r\nSubject: x\r\n\r\n",
			fields:   [][2]string{{"Subject", "x"}},
			problems: 1,
		},
		{
			name: "empty message",
			raw:  "",
		},
		{
			name: "body only, no header",
			raw:  "\r\nhello",
			body: "hello",
		},
		{
			name:   "empty value",
			raw:    "X-Empty:\r\n\r\n",
			fields: [][2]string{{"X-Empty", ""}},
		},
	}
	for _, tt := range tests {
		raw := []byte(tt.raw)
		h, bodyStart, problems := readHeader(raw, 0, len(raw))
		fs := h.Fields()
		if len(fs) != len(tt.fields) {
			t.Errorf("%s: %d fields %v, want %d", tt.name, len(fs), fs, len(tt.fields))
			continue
		}
		for i, f := range fs {
			if f.Name != tt.fields[i][0] || f.Value != tt.fields[i][1] {
				t.Errorf("%s: field %d = %q: %q, want %q: %q", tt.name, i, f.Name, f.Value, tt.fields[i][0], tt.fields[i][1])
			}
		}
		if got := string(raw[bodyStart:]); got != tt.body {
			t.Errorf("%s: body %q, want %q", tt.name, got, tt.body)
		}
		if len(problems) != tt.problems {
			t.Errorf("%s: problems %q, want %d", tt.name, problems, tt.problems)
		}
		if tt.rawFirst != "" && string(fs[0].Raw) != tt.rawFirst {
			t.Errorf("%s: Raw %q, want %q", tt.name, fs[0].Raw, tt.rawFirst)
		}
	}
}

func TestHeader_getValuesDecoded(t *testing.T) {
	m := Parse([]byte("Received: one\r\nreceived: two\r\nSUBJECT: =?euc-kr?B?sei5zrz2?=\r\n\r\n"))
	if got := m.Header.Get("received"); got != "one" {
		t.Errorf("Get = %q", got)
	}
	if got := m.Header.Values("RECEIVED"); strings.Join(got, ",") != "one,two" {
		t.Errorf("Values = %q", got)
	}
	if got := m.Header.Get("Subject"); got != "=?euc-kr?B?sei5zrz2?=" {
		t.Errorf("Get keeps raw: %q", got)
	}
	if got := m.Header.Decoded("subject"); got != "김민수" {
		t.Errorf("Decoded = %q", got)
	}
	if m.Header.Get("X-Missing") != "" || m.Header.Values("X-Missing") != nil || m.Header.Has("X-Missing") {
		t.Error("missing field should be empty")
	}
	if m.Header.Len() != 3 {
		t.Errorf("Len = %d", m.Header.Len())
	}
}
