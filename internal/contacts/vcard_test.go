package contacts

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

// crlf turns a fixture written with \n into the CRLF files phones write.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// eucKR encodes s as EUC-KR, as an old Korean phone would have stored it.
func eucKR(t *testing.T, s string) string {
	t.Helper()
	b, err := korean.EUCKR.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encoding %q as EUC-KR: %v", s, err)
	}
	return b
}

// qpAll quoted-printable-encodes every byte, as Korean 2.1 exporters do.
func qpAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "=%02X", s[i])
	}
	return b.String()
}

func TestDecodeVCards(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		want   Contact
		groups []string
	}{
		{
			name: "2.1 quoted-printable UTF-8 with soft line break",
			data: crlf("BEGIN:VCARD\nVERSION:2.1\n" +
				"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=ED=99=8D;=EA=B8=B8=EB=8F=99;;;\n" +
				"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=ED=99=8D=EA=B8=B8=EB=8F=99\n" +
				"TEL;CELL:010-1234-5678\n" +
				"TEL;WORK;FAX:02-555-0000\n" +
				"TEL;HOME;VOICE:02-333-4444\n" +
				"EMAIL;INTERNET;WORK:hong@example.co.kr\n" +
				"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=EC=B2=AB=20=EC=A4=84=0A=\n" +
				"=EB=91=98=EC=A7=B8\n" +
				"BDAY:19850312\n" +
				"END:VCARD\n"),
			want: Contact{
				Name:   "홍길동",
				Emails: []Email{{Address: "hong@example.co.kr", Label: "work"}},
				Phones: []Phone{{Number: "010-1234-5678", Label: "mobile"}, {Number: "02-555-0000", Label: "fax"}, {Number: "02-333-4444", Label: "home"}},
				Memo:   "첫 줄\n둘째", Birthday: "1985-03-12",
			},
		},
		{
			name: "2.1 CHARSET=EUC-KR 8-bit, no FN: Korean N joined without a space",
			data: crlf("BEGIN:VCARD\nVERSION:2.1\n" +
				"N;CHARSET=EUC-KR:" + eucKR(t, "김") + ";" + eucKR(t, "철수") + "\n" +
				"ORG;CHARSET=EUC-KR:" + eucKR(t, "우리회사") + ";" + eucKR(t, "영업부") + "\n" +
				"TITLE;CHARSET=EUC-KR;ENCODING=QUOTED-PRINTABLE:" + qpAll(eucKR(t, "과장")) + "\n" +
				"END:VCARD\n"),
			want: Contact{Name: "김철수", Company: "우리회사", Department: "영업부", Position: "과장"},
		},
		{
			name: "2.1 EUC-KR without CHARSET is still read",
			data: "BEGIN:VCARD\nVERSION:2.1\nFN:" + eucKR(t, "이영희") + "\nEND:VCARD\n",
			want: Contact{Name: "이영희"},
		},
		{
			name: "3.0 iPhone-like with item groups and folded lines",
			data: crlf("BEGIN:VCARD\nVERSION:3.0\n" +
				"PRODID:-//Apple Inc.//iPhone OS 17.0//EN\n" +
				"N:Appleseed;John;;;\n" +
				"FN:John Appleseed\n" +
				"ORG:Apple Inc.;Engineering;\n" +
				"TITLE:Engineer\n" +
				"item1.EMAIL;type=INTERNET;type=pref:john@example.com\n" +
				"item1.X-ABLabel:_$!<Other>!$_\n" +
				"EMAIL;type=INTERNET;type=WORK:john.work@exam\n ple.com\n" +
				"TEL;type=CELL;type=VOICE;type=pref:+1 (408) 555-0100\n" +
				"TEL;type=HOME;type=VOICE:+1 408 555 0101\n" +
				"item2.ADR;type=HOME;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United States\n" +
				"item2.X-ABADR:us\n" +
				"NOTE:A long note that is folded across\n  two lines\\, with an escaped comma\n" +
				"BDAY;value=date:1980-02-29\n" +
				"CATEGORIES:Friends,Work\n" +
				"END:VCARD\n"),
			want: Contact{
				Name: "John Appleseed",
				Emails: []Email{{Address: "john@example.com", Label: ""},
					{Address: "john.work@example.com", Label: "work"}},
				Phones: []Phone{{Number: "+1 (408) 555-0100", Label: "mobile"},
					{Number: "+1 408 555 0101", Label: "home"}},
				Company: "Apple Inc.", Department: "Engineering", Position: "Engineer",
				Address:  "1 Infinite Loop Cupertino CA 95014 United States",
				Memo:     "A long note that is folded across two lines, with an escaped comma",
				Birthday: "1980-02-29",
			},
			groups: []string{"Friends", "Work"},
		},
		{
			name: "4.0 Google-like with quoted TYPE list and tel: URIs",
			data: crlf("BEGIN:VCARD\nVERSION:4.0\n" +
				"FN:Jane Doe\nN:Doe;Jane;;;\n" +
				"EMAIL;TYPE=home:jane@example.org\n" +
				"EMAIL;TYPE=other:jane.other@example.org\n" +
				"TEL;VALUE=uri;TYPE=\"cell,voice\":tel:+82-10-2222-3333\n" +
				"TEL;VALUE=uri;TYPE=\"work,voice\":tel:+82-2-555-1212\n" +
				"BDAY:--0415\n" +
				"UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\n" +
				"END:VCARD\n"),
			want: Contact{
				Name: "Jane Doe",
				Emails: []Email{{Address: "jane@example.org", Label: "home"},
					{Address: "jane.other@example.org", Label: ""}},
				Phones: []Phone{{Number: "+82-10-2222-3333", Label: "mobile"},
					{Number: "+82-2-555-1212", Label: "work"}},
				Birthday: "--04-15",
				UID:      "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
			},
		},
		{
			name: "escapes in text and structured values",
			data: "BEGIN:VCARD\nVERSION:3.0\n" +
				"FN:Kim\\, Min-su\n" +
				"ORG:A\\;B Corp;R\\,D\n" +
				"NOTE:line1\\nline2\\N3\\, a\\; b\\\\c\n" +
				"CATEGORIES:Team\\, Seoul,VIP\n" +
				"END:VCARD\n",
			want: Contact{Name: "Kim, Min-su", Company: "A;B Corp", Department: "R,D",
				Memo: "line1\nline2\n3, a; b\\c"},
			groups: []string{"Team, Seoul", "VIP"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := DecodeVCards([]byte(tt.data))
			if err != nil {
				t.Fatalf("DecodeVCards: %v", err)
			}
			if len(cards) != 1 {
				t.Fatalf("got %d cards, want 1", len(cards))
			}
			if !reflect.DeepEqual(cards[0].Contact, tt.want) {
				t.Errorf("contact:\n got %#v\nwant %#v", cards[0].Contact, tt.want)
			}
			if !reflect.DeepEqual(cards[0].Groups, tt.groups) {
				t.Errorf("groups = %q, want %q", cards[0].Groups, tt.groups)
			}
			if cards[0].Line != 1 {
				t.Errorf("line = %d, want 1", cards[0].Line)
			}
		})
	}
}

func TestDecodeVCardsSeveralCards(t *testing.T) {
	data := "\uFEFFBEGIN:VCARD\nVERSION:3.0\nFN:First One\nEND:VCARD\n" +
		"\n" +
		"BEGIN:VCARD\nVERSION:2.1\nN:Smith;Anna;Marie;;\nEMAIL:anna@example.com\n" +
		"AGENT:\nBEGIN:VCARD\nFN:Embedded Agent\nEND:VCARD\n" +
		"END:VCARD\n" +
		"BEGIN:VCARD\nVERSION:4.0\nN:박;지성\nEND:VCARD\n"
	cards, err := DecodeVCards([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		line int
	}{{"First One", 1}, {"Anna Marie Smith", 6}, {"박지성", 15}}
	if len(cards) != len(want) {
		t.Fatalf("got %d cards, want %d", len(cards), len(want))
	}
	for i, w := range want {
		if cards[i].Contact.Name != w.name || cards[i].Line != w.line {
			t.Errorf("card %d = %q at line %d, want %q at line %d", i, cards[i].Contact.Name, cards[i].Line, w.name, w.line)
		}
	}
	if got := cards[1].Contact.Emails; len(got) != 1 || got[0].Address != "anna@example.com" {
		t.Errorf("card 2 emails = %v", got)
	}
}

func TestDecodeVCardsNotVCard(t *testing.T) {
	for _, data := range []string{"", "이름,이메일\n홍길동,hong@example.com\n", "FN:No Begin\nEND:VCARD\n"} {
		if _, err := DecodeVCards([]byte(data)); !errors.Is(err, ErrNotVCard) {
			t.Errorf("DecodeVCards(%q) error = %v, want ErrNotVCard", data, err)
		}
	}
}

func TestNormBirthday(t *testing.T) {
	tests := map[string]string{
		"1985-03-12": "1985-03-12", "19850312": "1985-03-12", "--0312": "--03-12",
		"--03-12": "--03-12", "--0229": "--02-29", "1985-03-12T10:00:00Z": "1985-03-12",
		"1985-02-30": "", "1985-3-12": "", "yesterday": "", "": "", "--1301": "",
	}
	for in, want := range tests {
		if got := normBirthday(in); got != want {
			t.Errorf("normBirthday(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEncodeVCardRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		c      Contact
		groups []string
		lines  []string // lines the encoding must hold
	}{
		{
			name: "Korean",
			c: Contact{
				Name: "홍길동",
				Emails: []Email{{Address: "hong@example.co.kr", Label: "work"},
					{Address: "gildong@example.com", Label: "home"}, {Address: "g@example.net"}},
				Phones: []Phone{{Number: "010-1234-5678", Label: "mobile"}, {Number: "02-555-1234", Label: "work"},
					{Number: "031-777-8888", Label: "home"}, {Number: "02-555-0000", Label: "fax"}},
				Company: "주식회사 우편실", Department: "개발팀; 백엔드", Position: "선임연구원",
				Address:  "서울특별시 강남구 테헤란로 123, 4층",
				Memo:     "첫 줄\n둘째 줄, 쉼표; 세미콜론 \\ 역슬래시",
				Birthday: "1985-03-12", UID: "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
				Updated: time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC),
			},
			groups: []string{"가족", "친구, 동창"},
			lines: []string{"BEGIN:VCARD", "VERSION:3.0", "FN:홍길동", "N:홍;길동;;;",
				"EMAIL;TYPE=INTERNET,WORK:hong@example.co.kr", "EMAIL;TYPE=INTERNET:g@example.net",
				"TEL;TYPE=CELL:010-1234-5678", "TEL;TYPE=FAX:02-555-0000",
				"ORG:주식회사 우편실;개발팀\\; 백엔드", "ADR;TYPE=WORK:;;서울특별시 강남구 테헤란로 123\\, 4층;;;;",
				"CATEGORIES:가족,친구\\, 동창", "REV:2026-12-05T07:00:00Z", "END:VCARD"},
		},
		{
			name: "Latin",
			c: Contact{
				Name:    "John Ronald Tolkien",
				Emails:  []Email{{Address: "jrrt@example.org", Label: "home"}},
				Phones:  []Phone{{Number: "+44 1865 000000", Label: "work"}},
				Company: "Oxford", Department: "English", Position: "Professor",
				Address: "20 Northmoor Road Oxford", Memo: "Author", Birthday: "--01-03",
				UID: "urn:uuid:jrrt",
			},
			lines: []string{"FN:John Ronald Tolkien", "N:Tolkien;John Ronald;;;", "BDAY:--01-03", "TEL;TYPE=WORK:+44 1865 000000"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := EncodeVCard(&buf, tt.c, tt.groups); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.HasSuffix(out, "\r\n") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
				t.Errorf("not CRLF throughout: %q", out)
			}
			unfolded := strings.ReplaceAll(out, "\r\n ", "")
			have := map[string]bool{}
			for _, l := range strings.Split(unfolded, "\r\n") {
				have[l] = true
			}
			for _, l := range tt.lines {
				if !have[l] {
					t.Errorf("missing line %q in\n%s", l, out)
				}
			}
			cards, err := DecodeVCards(buf.Bytes())
			if err != nil || len(cards) != 1 {
				t.Fatalf("decode: %d cards, %v", len(cards), err)
			}
			want := tt.c
			want.Updated = time.Time{} // REV is written, not read back
			if !reflect.DeepEqual(cards[0].Contact, want) {
				t.Errorf("round trip:\n got %#v\nwant %#v", cards[0].Contact, want)
			}
			if !reflect.DeepEqual(cards[0].Groups, tt.groups) {
				t.Errorf("groups = %q, want %q", cards[0].Groups, tt.groups)
			}
		})
	}
}

func TestEncodeVCardFoldsWithoutSplittingUTF8(t *testing.T) {
	memo := strings.Repeat("가나다라마바사아자차카타파하", 20) + "끝"
	var buf bytes.Buffer
	if err := EncodeVCard(&buf, Contact{Name: "김", Memo: memo}, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n")
	folds := 0
	for _, l := range lines {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("fold split a UTF-8 sequence: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			folds++
		}
	}
	if folds < 10 {
		t.Errorf("only %d continuation lines for a %d-octet note", folds, len(memo))
	}
	cards, err := DecodeVCards(buf.Bytes())
	if err != nil || len(cards) != 1 || cards[0].Contact.Memo != memo {
		t.Fatalf("memo did not survive folding: %v %v", err, cards)
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct{ in, family, given string }{
		{"홍길동", "홍", "길동"}, {"남궁민수", "남", "궁민수"}, {"이산", "이", "산"},
		{"홍길동전기회사", "홍길동전기회사", ""}, {"John Smith", "Smith", "John"},
		{"Madonna", "Madonna", ""}, {"", "", ""},
	}
	for _, tt := range tests {
		f, g := splitName(tt.in)
		if f != tt.family || g != tt.given {
			t.Errorf("splitName(%q) = %q, %q; want %q, %q", tt.in, f, g, tt.family, tt.given)
		}
	}
}

func TestWriteVCards(t *testing.T) {
	var buf bytes.Buffer
	cs := []Contact{{Name: "A B"}, {Name: "C D"}, {Name: "E F"}}
	if err := WriteVCards(&buf, cs, [][]string{{"g1"}, nil}); err != nil {
		t.Fatal(err)
	}
	cards, err := DecodeVCards(buf.Bytes())
	if err != nil || len(cards) != 3 {
		t.Fatalf("got %d cards, %v", len(cards), err)
	}
	for i, c := range cards {
		if c.Contact.Name != cs[i].Name {
			t.Errorf("card %d name %q, want %q", i, c.Contact.Name, cs[i].Name)
		}
	}
	if !reflect.DeepEqual(cards[0].Groups, []string{"g1"}) || cards[1].Groups != nil || cards[2].Groups != nil {
		t.Errorf("groups = %q, %q, %q", cards[0].Groups, cards[1].Groups, cards[2].Groups)
	}
}
