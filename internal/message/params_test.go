package message

import (
	"testing"
)

func TestParseParamValue(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		value  string
		params map[string]string
	}{
		{
			name:   "token and quoted-string",
			in:     `Text/Plain; Charset=EUC-KR; format="flowed"`,
			value:  "text/plain",
			params: map[string]string{"charset": "EUC-KR", "format": "flowed"},
		},
		{
			name:   "RFC 2231 EUC-KR filename with continuations, character split between segments",
			in:     `attachment; filename*0*=ks_c_5601-1987''%C8%B8%C0%C7%B7; filename*1*=%CF_%C3%D6%C1%BE.hwp`,
			value:  "attachment",
			params: map[string]string{"filename": "회의록_최종.hwp"},
		},
		{
			name:   "RFC 2231 continuations out of order",
			in:     `attachment; filename*1*=%CF_%C3%D6%C1%BE.hwp; filename*0*=euc-kr'ko'%C8%B8%C0%C7%B7`,
			value:  "attachment",
			params: map[string]string{"filename": "회의록_최종.hwp"},
		},
		{
			name:   "RFC 2231 single extended value in EUC-KR",
			in:     `attachment; filename*=EUC-KR''%B0%DF%C0%FB%BC%AD_2024.xlsx`,
			value:  "attachment",
			params: map[string]string{"filename": "견적서_2024.xlsx"},
		},
		{
			name:   "RFC 2231 value wins over the plain fallback",
			in:     `attachment; filename="fallback.xlsx"; filename*=UTF-8''%EA%B2%AC%EC%A0%81.xlsx`,
			value:  "attachment",
			params: map[string]string{"filename": "견적.xlsx"},
		},
		{
			name:   "RFC 2231 mixed encoded and plain segments",
			in:     `attachment; filename*0*=utf-8''%ED%95%9C; filename*1="-report.pdf"`,
			value:  "attachment",
			params: map[string]string{"filename": "한-report.pdf"},
		},
		{
			name:   "RFC 2231 charset repeated on every segment",
			in:     `attachment; filename*0*=utf-8''%ED%95%9C; filename*1*=utf-8''%EA%B8%80.txt`,
			value:  "attachment",
			params: map[string]string{"filename": "한글.txt"},
		},
		{
			name:   "RFC 2231 plain continuations holding an RFC 2047 word",
			in:     `attachment; filename*0="=?UTF-8?B?7ZWc"; filename*1="6riA?=.txt"`,
			value:  "attachment",
			params: map[string]string{"filename": "한글.txt"},
		},
		{
			name:   "RFC 2047 word in a quoted value (Outlook)",
			in:     `application/octet-stream; name="=?ks_c_5601-1987?B?w7e6zsbEwM8uaHdw?="`,
			value:  "application/octet-stream",
			params: map[string]string{"name": "첨부파일.hwp"},
		},
		{
			name:   "raw CP949 bytes in a quoted value",
			in:     "attachment; filename=\"" + string(eucKRHello) + ".txt\"",
			value:  "attachment",
			params: map[string]string{"filename": "안녕하세요.txt"},
		},
		{
			name:   "unquoted value with spaces and parentheses",
			in:     `attachment; filename=my report (1).pdf`,
			value:  "attachment",
			params: map[string]string{"filename": "my report (1).pdf"},
		},
		{
			name:   "Windows path backslashes kept in quotes",
			in:     `attachment; filename="C:\temp\a.doc"`,
			value:  "attachment",
			params: map[string]string{"filename": `C:\temp\a.doc`},
		},
		{
			name:   "escaped quote",
			in:     `attachment; filename="say \"hi\".txt"`,
			value:  "attachment",
			params: map[string]string{"filename": `say "hi".txt`},
		},
		{
			name:   "boundary with odd characters is not decoded",
			in:     `multipart/mixed; boundary="=?x?Q?y?=_(odd)'+,-./:?"`,
			value:  "multipart/mixed",
			params: map[string]string{"boundary": `=?x?Q?y?=_(odd)'+,-./:?`},
		},
		{
			name:   "comment after a token value",
			in:     `text/plain; charset=us-ascii (Plain text)`,
			value:  "text/plain",
			params: map[string]string{"charset": "us-ascii"},
		},
		{
			name:   "whitespace and comment in the type",
			in:     `text / html (rich); charset = "utf-8" ;`,
			value:  "text/html",
			params: map[string]string{"charset": "utf-8"},
		},
		{
			name:   "unterminated quote reads to the end",
			in:     `attachment; filename="abc.txt`,
			value:  "attachment",
			params: map[string]string{"filename": "abc.txt"},
		},
		{
			name:   "junk parameters ignored",
			in:     `text/plain; ; =x; novalue; charset=utf-8`,
			value:  "text/plain",
			params: map[string]string{"charset": "utf-8"},
		},
		{
			name:   "first plain value wins",
			in:     `text/plain; charset=utf-8; charset=euc-kr`,
			value:  "text/plain",
			params: map[string]string{"charset": "utf-8"},
		},
		{
			name:   "RFC 2231 unknown charset falls back to UTF-8 or CP949",
			in:     `attachment; filename*=x-unknown''%B0%DF%C0%FB%BC%AD.txt`,
			value:  "attachment",
			params: map[string]string{"filename": "견적서.txt"},
		},
	}
	for _, tt := range tests {
		value, params, _ := parseParamValue(tt.in)
		if value != tt.value {
			t.Errorf("%s: value %q, want %q", tt.name, value, tt.value)
		}
		if len(params) != len(tt.params) {
			t.Errorf("%s: params %q, want %q", tt.name, params, tt.params)
			continue
		}
		for k, v := range tt.params {
			if params[k] != v {
				t.Errorf("%s: %s = %q, want %q", tt.name, k, params[k], v)
			}
		}
	}
}

func TestParseParamValue_continuationGapIsAProblem(t *testing.T) {
	_, params, problems := parseParamValue(`attachment; filename*0=a; filename*2=c`)
	if params["filename"] != "ac" || len(problems) == 0 {
		t.Fatalf("params %q problems %q", params, problems)
	}
}
