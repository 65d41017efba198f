package csvtext

import (
	"errors"
	"testing"

	"golang.org/x/text/encoding/korean"
)

func TestDecode_bomUTF8AndCP949(t *testing.T) {
	cp, err := korean.EUCKR.NewEncoder().Bytes([]byte("이름,부서\n홍길동,영업부\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in       []byte
		text     string
		encoding string
	}{
		{append(append([]byte{}, BOM...), "이름\n"...), "이름\n", UTF8BOM},
		{[]byte("이름\n"), "이름\n", UTF8},
		{cp, "이름,부서\n홍길동,영업부\n", CP949},
	} {
		text, enc, err := Decode(c.in)
		if err != nil || text != c.text || enc != c.encoding {
			t.Errorf("Decode(%q) = %q, %q, %v; want %q, %q", c.in, text, enc, err, c.text, c.encoding)
		}
	}
	if _, _, err := Decode([]byte("PK\x03\x04\x00\x00\xff")); !errors.Is(err, ErrNotText) {
		t.Errorf("a zip file: %v", err)
	}
}

func TestDelimiter(t *testing.T) {
	for in, want := range map[string]rune{"a,b;c\n": ',', "a;b;c\nx,y,z,w": ';', "a\tb\n": '\t', `"a;b",c` + "\n": ','} {
		if got := Delimiter(in); got != want {
			t.Errorf("Delimiter(%q) = %q, want %q", in, got, want)
		}
	}
}
