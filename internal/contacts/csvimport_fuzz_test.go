package contacts

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseCSV feeds ParseCSV arbitrary bytes: it must never panic, and
// what it returns must hold together (parallel slices, lines after the
// header, every contact with a name or an address).
func FuzzParseCSV(f *testing.F) {
	f.Add([]byte(strings.Join(TemplateHeader, ",") + "\n홍길동,hong@example.com,,,,,,,1990-01-02,a;b\n"))
	f.Add([]byte("\xEF\xBB\xBFName;Email\r\n\"a\nb\";x@y\r\n"))
	f.Add([]byte("First Name,Last Name,E-mail Address,Birthday\nJohn,Smith,j@x,0/0/00\n"))
	f.Add([]byte("\xc0\xcc\xb8\xa7,email\n\xb1\xe8,k@x\n")) // 이름 in CP949
	f.Add([]byte("email\t\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseCSV(data)
		if err != nil {
			if res != nil {
				t.Fatal("a result with an error")
			}
			return
		}
		if len(res.Lines) != len(res.Contacts) || len(res.GroupNames) != len(res.Contacts) {
			t.Fatalf("%d contacts, %d lines, %d group lists", len(res.Contacts), len(res.Lines), len(res.GroupNames))
		}
		for i, c := range res.Contacts {
			if res.Lines[i] < 2 {
				t.Fatalf("contact %d on line %d", i, res.Lines[i])
			}
			if c.Name == "" && len(c.Emails) == 0 {
				t.Fatalf("contact %d has neither name nor e-mail", i)
			}
			if !utf8.ValidString(c.Name) {
				t.Fatalf("contact %d name is not UTF-8", i)
			}
		}
		for _, e := range res.Errors {
			if e.Line < 2 || e.Reason == "" {
				t.Fatalf("line error %+v", e)
			}
		}
	})
}
