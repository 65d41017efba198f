package contacts

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/korean"
)

func TestWriteOurCSV(t *testing.T) {
	cs := []Contact{{
		Name:    "홍길동",
		Emails:  []Email{{Address: "a@x.kr", Label: "work"}, {Address: "b@y.kr"}},
		Phones:  []Phone{{Number: "02-2", Label: "work"}, {Number: "010-1", Label: "mobile"}},
		Company: "우편실, 주식회사", Department: "개발팀", Position: "과장",
		Address: "서울", Memo: "a\nb", Birthday: "--03-12",
	}, {Name: "Solo"}}
	groups := [][]string{{"가족", "VIP"}}
	tests := []struct {
		charset string
		want    string
	}{
		{"utf-8", "\uFEFF이름,이메일,휴대폰,회사,부서,직위,주소,메모,생일,그룹\r\n" +
			"홍길동,a@x.kr ::: b@y.kr,010-1; 02-2,\"우편실, 주식회사\",개발팀,과장,서울,\"a\r\nb\",--03-12,가족; VIP\r\n" +
			"Solo,,,,,,,,,\r\n"},
		{"", "\uFEFF이름,이메일,휴대폰,회사,부서,직위,주소,메모,생일,그룹\r\n" +
			"홍길동,a@x.kr ::: b@y.kr,010-1; 02-2,\"우편실, 주식회사\",개발팀,과장,서울,\"a\r\nb\",--03-12,가족; VIP\r\n" +
			"Solo,,,,,,,,,\r\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := WriteOurCSV(&buf, cs, groups, tt.charset); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF}) {
			t.Errorf("charset %q: no BOM", tt.charset)
		}
		if got := buf.String(); got != tt.want {
			t.Errorf("charset %q:\n got %q\nwant %q", tt.charset, got, tt.want)
		}
	}
}

func TestWriteOurCSVCP949(t *testing.T) {
	var buf bytes.Buffer
	cs := []Contact{{Name: "김철수😀", Company: "Café 우편실", Memo: "漢字"}}
	if err := WriteOurCSV(&buf, cs, nil, "cp949"); err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF}) {
		t.Error("CP949 output starts with a UTF-8 BOM")
	}
	got, err := korean.EUCKR.NewDecoder().String(buf.String())
	if err != nil {
		t.Fatal(err)
	}
	// Hangul and common Hanja are in CP949; é and the emoji are not.
	want := "이름,이메일,휴대폰,회사,부서,직위,주소,메모,생일,그룹\r\n김철수?,,,Caf? 우편실,,,,漢字,,\r\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestWriteCSVUnknownCharset(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteOurCSV(&buf, nil, nil, "latin1"); err == nil {
		t.Error("latin1 accepted")
	}
	if err := WriteOutlookCSV(&buf, nil, "shift_jis"); err == nil {
		t.Error("shift_jis accepted")
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q before failing", buf.String())
	}
}

func TestWriteOutlookCSV(t *testing.T) {
	cs := []Contact{
		{Name: "홍길동", Emails: []Email{{Address: "1@x"}, {Address: "2@x"}, {Address: "3@x"}, {Address: "4@x"}},
			Phones: []Phone{{Number: "010-1", Label: "mobile"}, {Number: "02-1", Label: "work"},
				{Number: "02-2", Label: "work"}, {Number: "02-3", Label: "work"}, {Number: "99", Label: "pager?"}},
			Company: "우편실", Department: "개발", Position: "과장", Address: "서울", Memo: "m", Birthday: "1985-03-12"},
		{Name: "Mary Ann Smith"},
		{Name: "Madonna"},
	}
	var buf bytes.Buffer
	if err := WriteOutlookCSV(&buf, cs, "utf-8"); err != nil {
		t.Fatal(err)
	}
	text := strings.TrimPrefix(buf.String(), "\uFEFF")
	if !strings.HasPrefix(text, "First Name,Middle Name,Last Name,Title,") {
		t.Errorf("header starts %q", text[:60])
	}
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || len(recs[0]) != 88 {
		t.Fatalf("%d rows, header of %d columns; want 4 and 88", len(recs), len(recs[0]))
	}
	get := func(row int, h string) string {
		for i, x := range recs[0] {
			if x == h {
				return recs[row][i]
			}
		}
		t.Fatalf("no column %q", h)
		return ""
	}
	checks := []struct {
		row        int
		col, value string
	}{
		{1, "First Name", "홍길동"}, {1, "Last Name", ""},
		{1, "E-mail Address", "1@x"}, {1, "E-mail 2 Address", "2@x"}, {1, "E-mail 3 Address", "3@x ::: 4@x"},
		{1, "Mobile Phone", "010-1"}, {1, "Business Phone", "02-1"}, {1, "Business Phone 2", "02-2; 02-3"},
		{1, "Other Phone", "99"}, {1, "Company", "우편실"}, {1, "Department", "개발"}, {1, "Job Title", "과장"},
		{1, "Title", ""}, {1, "Business Street", "서울"}, {1, "Notes", "m"}, {1, "Birthday", "1985-03-12"},
		{2, "First Name", "Mary Ann"}, {2, "Last Name", "Smith"},
		{3, "First Name", "Madonna"}, {3, "Last Name", ""},
	}
	for _, c := range checks {
		if got := get(c.row, c.col); got != c.value {
			t.Errorf("row %d %s = %q, want %q", c.row, c.col, got, c.value)
		}
	}
}

// TestExportParseCSVRoundTrip: what we export, ParseCSV imports again,
// in both layouts and both charsets.
func TestExportParseCSVRoundTrip(t *testing.T) {
	ko := Contact{
		Name:    "홍길동",
		Emails:  []Email{{Address: "hong@example.co.kr"}, {Address: "gd@example.com"}},
		Phones:  []Phone{{Number: "010-1234-5678", Label: "mobile"}},
		Company: "주식회사 우편실", Department: "개발팀", Position: "과장",
		Address: "서울특별시 강남구 테헤란로 123, 4층", Memo: "첫 줄\n둘째 줄", Birthday: "1985-03-12",
	}
	latin := Contact{Name: "Jane Doe", Emails: []Email{{Address: "jane@example.org"}}, Birthday: "--04-15"}
	groups := [][]string{{"가족", "VIP"}, nil}

	outlookK := ko
	outlookK.Phones = []Phone{{Number: "010-1", Label: "mobile"}, {Number: "02-2", Label: "work"},
		{Number: "02-3", Label: "home"}, {Number: "02-4", Label: "fax"}}
	outlookK.Emails = append(outlookK.Emails, Email{Address: "third@example.com"})

	for _, charset := range []string{"utf-8", "cp949"} {
		t.Run("ours/"+charset, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteOurCSV(&buf, []Contact{ko, latin}, groups, charset); err != nil {
				t.Fatal(err)
			}
			res, err := ParseCSV(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != "postroom" || len(res.Errors) != 0 {
				t.Errorf("format %q, errors %v", res.Format, res.Errors)
			}
			if want := map[string]string{"utf-8": "utf-8-bom", "cp949": "cp949"}[charset]; res.Encoding != want {
				t.Errorf("encoding %q, want %q", res.Encoding, want)
			}
			if !reflect.DeepEqual(res.Contacts, []Contact{ko, latin}) {
				t.Errorf("contacts:\n got %#v\nwant %#v", res.Contacts, []Contact{ko, latin})
			}
			if !reflect.DeepEqual(res.GroupNames, [][]string{{"가족", "VIP"}, nil}) {
				t.Errorf("groups = %q", res.GroupNames)
			}
		})
		t.Run("outlook/"+charset, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteOutlookCSV(&buf, []Contact{outlookK, latin}, charset); err != nil {
				t.Fatal(err)
			}
			res, err := ParseCSV(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != "outlook" || len(res.Errors) != 0 {
				t.Errorf("format %q, errors %v", res.Format, res.Errors)
			}
			want := []Contact{outlookK, latin}
			if !reflect.DeepEqual(res.Contacts, want) {
				t.Errorf("contacts:\n got %#v\nwant %#v", res.Contacts, want)
			}
		})
	}
}
