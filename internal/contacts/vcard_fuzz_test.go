package contacts

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeVCard: no input makes the decoder panic, every string it
// returns is UTF-8 (the store and JSON need it), and what it decoded
// encodes to a vCard that decodes to one card again.
func FuzzDecodeVCard(f *testing.F) {
	f.Add([]byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\n B\r\nEND:VCARD\r\n"))
	f.Add([]byte("BEGIN:VCARD\nN;CHARSET=EUC-KR;ENCODING=QUOTED-PRINTABLE:=B1=E8;=C3=\n=B6\nTEL;CELL:1\nEND:VCARD"))
	f.Add([]byte("BEGIN:VCARD\nTEL;VALUE=uri;TYPE=\"cell,voice\":tel:+1\nBDAY:--0229\nCATEGORIES:a\\,b,c\nEND:VCARD"))
	f.Add([]byte("\xef\xbb\xbfBEGIN:VCARD\nitem1.EMAIL;type=WORK:x@y\nADR:;;a\\nb;c;;;\nBEGIN:VCARD\nEND:VCARD"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cards, err := DecodeVCards(data)
		if err != nil {
			return
		}
		for _, c := range cards {
			ct := c.Contact
			strs := append([]string{ct.Name, ct.Company, ct.Department, ct.Position, ct.Address, ct.Memo, ct.Birthday, ct.UID}, c.Groups...)
			for _, e := range ct.Emails {
				strs = append(strs, e.Address, e.Label)
			}
			for _, p := range ct.Phones {
				strs = append(strs, p.Number, p.Label)
			}
			for _, s := range strs {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 %q from %q", s, data)
				}
			}
			var buf bytes.Buffer
			if err := EncodeVCard(&buf, ct, c.Groups); err != nil {
				t.Fatal(err)
			}
			again, err := DecodeVCards(buf.Bytes())
			if err != nil || len(again) != 1 {
				t.Fatalf("re-encoded card gave %d cards, %v:\n%s", len(again), err, buf.Bytes())
			}
		}
	})
}
