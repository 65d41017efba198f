package contacts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/korean"
)

// outlookHeaderEN is the header row of Microsoft Outlook's English
// "Comma Separated Values" export.
var outlookHeaderEN = strings.Split("Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,"+
	"Business Street,Business Street 2,Business Street 3,Business City,Business State,Business Postal Code,Business Country/Region,"+
	"Home Street,Home Street 2,Home Street 3,Home City,Home State,Home Postal Code,Home Country/Region,"+
	"Other Street,Other Street 2,Other Street 3,Other City,Other State,Other Postal Code,Other Country/Region,"+
	"Assistant's Phone,Business Fax,Business Phone,Business Phone 2,Callback,Car Phone,Company Main Phone,Home Fax,Home Phone,Home Phone 2,"+
	"ISDN,Mobile Phone,Other Fax,Other Phone,Pager,Primary Phone,Radio Phone,TTY/TDD Phone,Telex,Account,Anniversary,Assistant's Name,"+
	"Billing Information,Birthday,Business Address PO Box,Categories,Children,Directory Server,"+
	"E-mail Address,E-mail Type,E-mail Display Name,E-mail 2 Address,E-mail 2 Type,E-mail 2 Display Name,"+
	"E-mail 3 Address,E-mail 3 Type,E-mail 3 Display Name,Gender,Government ID Number,Hobby,Home Address PO Box,Initials,"+
	"Internet Free Busy,Keywords,Language,Location,Manager's Name,Mileage,Notes,Office Location,Organizational ID Number,"+
	"Other Address PO Box,Priority,Private,Profession,Referred By,Sensitivity,Spouse,User 1,User 2,User 3,User 4,Web Page", ",")

// outlookHeaderKO is the same row as Korean Outlook writes it.
var outlookHeaderKO = strings.Split("제목,이름,중간 이름,성,호칭,회사,부서,직함,"+
	"근무지 주소 번지,근무지 번지 2,근무지 번지 3,근무지 구/군/시,근무지 시/도,근무지 우편 번호,근무지 국가,"+
	"집 주소 번지,집 번지 2,집 번지 3,집 구/군/시,집 시/도,집 우편 번호,집 국가,"+
	"기타 주소 번지,기타 번지 2,기타 번지 3,기타 구/군/시,기타 시/도,기타 우편 번호,기타 국가,"+
	"비서 전화,회사 팩스,회사 전화,회사 전화 2,다시 걸 전화,카폰,회사 대표 전화,집 팩스,집 전화,집 전화 2,"+
	"ISDN,휴대폰,기타 팩스,기타 전화,호출기,기본 전화,무선 전화,TTY/TDD 전화,텔렉스,계정,기념일,비서 이름,"+
	"청구 정보,생일,근무지 주소 사서함,범주,자녀,디렉터리 서버,"+
	"전자 메일 주소,전자 메일 유형,전자 메일 표시 이름,전자 메일 2 주소,전자 메일 2 유형,전자 메일 2 표시 이름,"+
	"전자 메일 3 주소,전자 메일 3 유형,전자 메일 3 표시 이름,성별,주민 등록 번호,취미,집 주소 사서함,머리글자,"+
	"인터넷 약속 있음/없음,키워드,언어,위치,관리자 이름,거리,메모,사무실 위치,조직 ID 번호,"+
	"기타 주소 사서함,우선 순위,개인,직업,추천인,중요도,배우자,사용자 1,사용자 2,사용자 3,사용자 4,웹 페이지", ",")

// googleHeaderOld is Google Contacts' "Google CSV" header before 2020.
var googleHeaderOld = strings.Split("Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,"+
	"Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,"+
	"Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,"+
	"Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,"+
	"Phone 1 - Type,Phone 1 - Value,Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,"+
	"Organization 1 - Title,Organization 1 - Department,Organization 1 - Symbol,Organization 1 - Location,"+
	"Organization 1 - Job Description", ",")

// googleHeaderNew is Google Contacts' current export header.
var googleHeaderNew = strings.Split("First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"+
	"Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"+
	"Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"+
	"Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Phone 3 - Label,Phone 3 - Value,"+
	"Address 1 - Label,Address 1 - Formatted", ",")

var mailplugHeader = []string{"이름", "이메일", "회사명", "부서", "직급", "휴대폰"}

// csvRows writes a header and rows given by header name (so that a
// fixture says what goes where, whatever the column order) with sep
// and CRLF, as Excel does.
func csvRows(t *testing.T, sep rune, header []string, rows ...map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = sep
	w.UseCRLF = true
	if err := w.Write(header); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		rec := make([]string, len(header))
		used := 0
		for i, h := range header {
			if v, ok := r[h]; ok {
				rec[i] = v
				used++
			}
		}
		if used != len(r) {
			t.Fatalf("fixture row %v names a column not in the header", r)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.Bytes()
}

func cp949(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := korean.EUCKR.NewEncoder().Bytes(b)
	if err != nil {
		t.Fatalf("encoding the fixture in CP949: %v", err)
	}
	if bytes.Equal(out, b) {
		t.Fatal("the CP949 fixture is plain ASCII: it would not test decoding")
	}
	return out
}

func TestParseCSV(t *testing.T) {
	tests := []struct {
		name     string
		data     func(t *testing.T) []byte
		format   string
		encoding string
		contacts []Contact
		lines    []int
		groups   [][]string
		errs     []LineError
	}{
		{
			name: "korean outlook cp949",
			data: func(t *testing.T) []byte {
				return cp949(t, csvRows(t, ',', outlookHeaderKO,
					map[string]string{"이름": "철수", "성": "김", "회사": "한빛상사", "부서": "영업부", "직함": "과장",
						"근무지 주소 번지": "서울시 중구 세종대로 1", "회사 팩스": "02-555-0002", "회사 전화": "02-555-0001",
						"집 전화": "02-777-0000", "휴대폰": "010-1234-5678", "생일": "1980-03-15", "범주": "거래처;VIP",
						"전자 메일 주소": "cs.kim@hanbit.co.kr", "전자 메일 유형": "SMTP",
						"전자 메일 2 주소": "chulsoo@example.com", "메모": "점심 약속"},
					map[string]string{"이름": "영희", "성": "이", "생일": "0/0/00", "전자 메일 주소": "yh@example.com"},
				))
			},
			format: "outlook", encoding: "cp949",
			contacts: []Contact{
				{Name: "김철수", Emails: []Email{{Address: "cs.kim@hanbit.co.kr"}, {Address: "chulsoo@example.com"}},
					Phones:  []Phone{{"010-1234-5678", "mobile"}, {"02-555-0001", "work"}, {"02-777-0000", "home"}, {"02-555-0002", "fax"}},
					Company: "한빛상사", Department: "영업부", Position: "과장", Address: "서울시 중구 세종대로 1",
					Memo: "점심 약속", Birthday: "1980-03-15"},
				{Name: "이영희", Emails: []Email{{Address: "yh@example.com"}}},
			},
			lines:  []int{2, 3},
			groups: [][]string{{"거래처", "VIP"}, nil},
		},
		{
			name: "english outlook utf-8 bom",
			data: func(t *testing.T) []byte {
				return append([]byte{0xEF, 0xBB, 0xBF}, csvRows(t, ',', outlookHeaderEN,
					map[string]string{"First Name": "John", "Last Name": "Smith", "Company": "Acme",
						"Job Title": "CTO", "Mobile Phone": "+1 555 0100", "Birthday": "3/5/1980",
						"E-mail Address": "john@acme.example", "E-mail Type": "SMTP", "Categories": "VIP; Clients"},
				)...)
			},
			format: "outlook", encoding: "utf-8-bom",
			contacts: []Contact{{Name: "John Smith", Emails: []Email{{Address: "john@acme.example"}},
				Phones: []Phone{{"+1 555 0100", "mobile"}}, Company: "Acme", Position: "CTO", Birthday: "1980-03-05"}},
			lines:  []int{2},
			groups: [][]string{{"VIP", "Clients"}},
		},
		{
			name: "semicolon european excel",
			data: func(t *testing.T) []byte {
				return []byte("Name;E-mail;Company;Birthday\r\n" +
					"Anna Müller;anna@example.de;\"Müller; Söhne GmbH\";15.03.1990\r\n" +
					"Eva;eva@example.at;\"Eva; Co\";\r\n" +
					"Jan;jan@example.nl;;1990.03.15\r\n")
			},
			format: "csv", encoding: "utf-8",
			contacts: []Contact{
				{Name: "Eva", Emails: []Email{{Address: "eva@example.at"}}, Company: "Eva; Co"},
				{Name: "Jan", Emails: []Email{{Address: "jan@example.nl"}}, Birthday: "1990-03-15"},
			},
			lines:  []int{3, 4},
			groups: [][]string{nil, nil},
			// 15.03.1990 is day first: neither Y.M.D nor Outlook's M/D/Y.
			errs: []LineError{{2, "invalid_birthday"}},
		},
		{
			name: "tab separated",
			data: func(t *testing.T) []byte {
				return []byte("email\tname\n" + "a@example.com\tA, B\n")
			},
			format: "csv", encoding: "utf-8",
			contacts: []Contact{{Name: "A, B", Emails: []Email{{Address: "a@example.com"}}}},
			lines:    []int{2},
			groups:   [][]string{nil},
		},
		{
			name: "multi-line quoted fields and line errors",
			data: func(t *testing.T) []byte {
				return []byte(strings.Join(TemplateHeader, ",") + "\r\n" +
					"홍길동,hong@example.com,,,,,\"서울시\r\n종로구\",\"첫째 줄\n둘째 줄\n셋째 줄\",,\r\n" + // lines 2-5
					"나쁜메일,\"not an\naddress\",,,,,,,,\r\n" + // lines 6-7
					",,,한빛상사,,,,,,\r\n" + // line 8
					",,,,,,,,,\r\n" + // line 9: empty, skipped
					"\r\n" + // line 10: empty, skipped
					"임꺽정,lim@example.com,,,,,,,2001/2/3,친구\r\n" + // line 11
					"\"긴이름" + strings.Repeat("가", 300) + "\",,,,,,,,,\r\n" + // line 12
					"박,nobody,,,,,,,,\r\n") // line 13
			},
			format: "postroom", encoding: "utf-8",
			contacts: []Contact{
				{Name: "홍길동", Emails: []Email{{Address: "hong@example.com"}}, Address: "서울시\n종로구", Memo: "첫째 줄\n둘째 줄\n셋째 줄"},
				{Name: "임꺽정", Emails: []Email{{Address: "lim@example.com"}}, Birthday: "2001-02-03"},
			},
			lines:  []int{2, 11},
			groups: [][]string{nil, {"친구"}},
			errs:   []LineError{{6, "invalid_email"}, {8, "no_name_or_email"}, {12, "too_long"}, {13, "invalid_email"}},
		},
		{
			name: "google old layout",
			data: func(t *testing.T) []byte {
				return csvRows(t, ',', googleHeaderOld,
					map[string]string{"Name": "Jane Doe", "Given Name": "Jane", "Family Name": "Doe",
						"Birthday": "1985-12-01", "Notes": "met at FOSDEM", "Group Membership": "* myContacts ::: Friends ::: Work",
						"E-mail 1 - Type": "* Work", "E-mail 1 - Value": "jane@work.example ::: jd@work.example",
						"E-mail 2 - Type": "Home", "E-mail 2 - Value": "jane@home.example",
						"Phone 1 - Type": "Mobile", "Phone 1 - Value": "+44 20 7946 0000",
						"Organization 1 - Name": "Initech", "Organization 1 - Title": "Engineer", "Organization 1 - Department": "R&D"},
					map[string]string{"Given Name": "Bob", "Family Name": "Lee", "Group Membership": "* myContacts"},
				)
			},
			format: "google", encoding: "utf-8",
			contacts: []Contact{
				{Name: "Jane Doe", Emails: []Email{{"jane@work.example", "Work"}, {"jd@work.example", "Work"}, {"jane@home.example", "Home"}},
					Phones: []Phone{{"+44 20 7946 0000", "mobile"}}, Company: "Initech", Department: "R&D", Position: "Engineer",
					Memo: "met at FOSDEM", Birthday: "1985-12-01"},
				{Name: "Bob Lee"},
			},
			lines:  []int{2, 3},
			groups: [][]string{{"Friends", "Work"}, nil},
		},
		{
			name: "google current layout",
			data: func(t *testing.T) []byte {
				return csvRows(t, ',', googleHeaderNew,
					map[string]string{"First Name": "민수", "Last Name": "박", "Organization Name": "가나다",
						"Organization Title": "대리", "Organization Department": "개발팀", "Birthday": "--07-04",
						"Labels": "* myContacts ::: 동창", "E-mail 1 - Label": "* Home", "E-mail 1 - Value": "minsu@example.kr",
						"Phone 1 - Label": "Mobile", "Phone 1 - Value": "010-9999-0000",
						"Phone 2 - Label": "Work Fax", "Phone 2 - Value": "02-111-2222 ::: 02-111-3333",
						"Phone 3 - Label": "* Pager", "Phone 3 - Value": "012-345",
						"Address 1 - Formatted": "부산시 해운대구"},
				)
			},
			format: "google", encoding: "utf-8",
			contacts: []Contact{{Name: "박민수", Emails: []Email{{"minsu@example.kr", "Home"}},
				Phones:  []Phone{{"010-9999-0000", "mobile"}, {"02-111-2222", "fax"}, {"02-111-3333", "fax"}, {"012-345", "Pager"}},
				Company: "가나다", Department: "개발팀", Position: "대리",
				Address: "부산시 해운대구", Birthday: "--07-04"}},
			lines:  []int{2},
			groups: [][]string{{"동창"}},
		},
		{
			name: "our template",
			data: func(t *testing.T) []byte {
				return csvRows(t, ',', TemplateHeader,
					map[string]string{"이름": "김철수", "이메일": "kim@example.com", "휴대폰": "010-1111-2222", "회사": "포스트룸",
						"부서": "기술팀", "직위": "팀장", "주소": "서울", "메모": "메모", "생일": "1979.01.31", "그룹": "팀; 회사"},
					map[string]string{"이메일": "noname@example.com"},
				)
			},
			format: "postroom", encoding: "utf-8",
			contacts: []Contact{
				{Name: "김철수", Emails: []Email{{Address: "kim@example.com"}}, Phones: []Phone{{"010-1111-2222", "mobile"}},
					Company: "포스트룸", Department: "기술팀", Position: "팀장", Address: "서울", Memo: "메모", Birthday: "1979-01-31"},
				{Emails: []Email{{Address: "noname@example.com"}}},
			},
			lines:  []int{2, 3},
			groups: [][]string{{"팀", "회사"}, nil},
		},
		{
			name: "mailplug-like in cp949",
			data: func(t *testing.T) []byte {
				return cp949(t, csvRows(t, ',', mailplugHeader,
					map[string]string{"이름": "최영", "이메일": "choi@example.com", "회사명": "고려", "부서": "총무", "직급": "부장", "휴대폰": "010-0000-1111"},
				))
			},
			format: "mailplug", encoding: "cp949",
			contacts: []Contact{{Name: "최영", Emails: []Email{{Address: "choi@example.com"}},
				Phones: []Phone{{"010-0000-1111", "mobile"}}, Company: "고려", Department: "총무", Position: "부장"}},
			lines:  []int{2},
			groups: [][]string{nil},
		},
		{
			name: "header only, upper case, reordered",
			data: func(t *testing.T) []byte {
				return []byte(" COMPANY , e-MAIL  ADDRESS ,Last Name\n")
			},
			format: "outlook", encoding: "utf-8",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ParseCSV(tc.data(t))
			if err != nil {
				t.Fatalf("ParseCSV: %v", err)
			}
			if res.Format != tc.format || res.Encoding != tc.encoding {
				t.Errorf("format, encoding = %q, %q; want %q, %q", res.Format, res.Encoding, tc.format, tc.encoding)
			}
			if !reflect.DeepEqual(res.Contacts, tc.contacts) {
				t.Errorf("contacts:\n got %#v\nwant %#v", res.Contacts, tc.contacts)
			}
			if !reflect.DeepEqual(res.Lines, tc.lines) {
				t.Errorf("lines = %v, want %v", res.Lines, tc.lines)
			}
			if !reflect.DeepEqual(res.GroupNames, tc.groups) {
				t.Errorf("group names = %q, want %q", res.GroupNames, tc.groups)
			}
			if !reflect.DeepEqual(res.Errors, tc.errs) {
				t.Errorf("errors = %v, want %v", res.Errors, tc.errs)
			}
		})
	}
}

func TestParseCSVColumns(t *testing.T) {
	res, err := ParseCSV([]byte("이름,성,전자 메일 주소,중간 이름,Email,직급\n철수,김,a@b.kr,,c@d.kr,과장\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Column{{"이름", "first_name"}, {"성", "last_name"}, {"전자 메일 주소", "email"},
		{"중간 이름", ""}, {"Email", ""}, {"직급", "position"}}
	if !reflect.DeepEqual(res.Columns, want) {
		t.Errorf("columns = %v, want %v", res.Columns, want)
	}
	// The second e-mail synonym is ignored, not merged: first one wins.
	wantC := []Contact{{Name: "김철수", Emails: []Email{{Address: "a@b.kr"}}, Position: "과장"}}
	if !reflect.DeepEqual(res.Contacts, wantC) {
		t.Errorf("contacts = %#v, want %#v", res.Contacts, wantC)
	}

	// Without a 성 column, 이름 is the whole name.
	res, err = ParseCSV([]byte("이름,메일\n김철수,kim@example.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Column{{"이름", "name"}, {"메일", "email"}}; !reflect.DeepEqual(res.Columns, want) {
		t.Errorf("columns = %v, want %v", res.Columns, want)
	}
}

func TestParseCSVRefused(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"no name or email column", []byte("Company,Phone\nAcme,123\n"), ErrNoNameOrEmailColumn},
		{"no name or email column, korean", []byte("회사,부서\n한빛,영업\n"), ErrNoNameOrEmailColumn},
		{"empty", nil, ErrEmpty},
		{"whitespace", []byte(" \r\n\t\n"), ErrEmpty},
		{"bom only", []byte{0xEF, 0xBB, 0xBF, '\n'}, ErrEmpty},
		{"too large", bytes.Repeat([]byte("a,b\n"), MaxImportSize/4+1), ErrTooLarge},
		{"binary zip", []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"), ErrNotCSV},
		{"one unknown column", []byte("hello world\nsecond line\n"), ErrNotCSV},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ParseCSV(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("ParseCSV = %v, %v; want error %v", res, err, tc.want)
			}
			if res != nil {
				t.Errorf("result %v returned with the error", res)
			}
		})
	}
	// Exactly the limit is still accepted.
	data := append([]byte("email\n"), bytes.Repeat([]byte("\n"), MaxImportSize-6)...)
	if _, err := ParseCSV(data); err != nil {
		t.Errorf("a file of exactly MaxImportSize: %v", err)
	}
}

func TestCSVBirthday(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"0/0/00", "", true},
		{"1990-03-15", "1990-03-15", true},
		{"1990.3.5", "1990-03-05", true},
		{"1990. 3. 5.", "1990-03-05", true},
		{"1990/12/31", "1990-12-31", true},
		{"12/31/1990", "1990-12-31", true},
		{"2/29/2000", "2000-02-29", true},
		{"--02-29", "--02-29", true},
		{"2/29/2001", "", false},
		{"1990-13-01", "", false},
		{"31/12/1990", "", false},
		{"yesterday", "", false},
		{"1990-03", "", false},
	}
	for _, tc := range tests {
		got, ok := csvParseBirthday(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("csvParseBirthday(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCSVJoinName(t *testing.T) {
	tests := []struct{ first, last, want string }{
		{"철수", "김", "김철수"},
		{"John", "Smith", "John Smith"},
		{"", "Smith", "Smith"},
		{"철수", "", "철수"},
	}
	for _, tc := range tests {
		if got := csvJoinName(tc.first, tc.last); got != tc.want {
			t.Errorf("csvJoinName(%q, %q) = %q, want %q", tc.first, tc.last, got, tc.want)
		}
	}
}
