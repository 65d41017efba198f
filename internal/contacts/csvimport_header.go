package contacts

import "strings"

// TemplateHeader is the header row of our own CSV layout, in order: the
// export writes it and the blank template offered for download is it.
var TemplateHeader = []string{"이름", "이메일", "휴대폰", "회사", "부서", "직위", "주소", "메모", "생일", "그룹"}

// csvHeaderFields maps a normalised header name (see csvNormHeader) to the
// field it fills. The names come from our template, Outlook's English
// and Korean exports, both Google Contacts layouts and the hosted
// webmail; "이름" is special (see csvMapHeader).
var csvHeaderFields = map[string]string{
	// Names.
	"name": "name", "display name": "name", "full name": "name",
	"표시 이름": "name", "성명": "name",
	"first name": "first_name", "given name": "first_name", "이름": "first_name",
	"last name": "last_name", "family name": "last_name", "surname": "last_name", "성": "last_name",
	// E-mail.
	"email": "email", "e-mail": "email", "email address": "email", "e-mail address": "email",
	"e-mail 1 - value": "email", "전자 메일 주소": "email", "전자 메일": "email",
	"이메일": "email", "메일": "email", "이메일 주소": "email",
	"e-mail 2 address": "email2", "email 2 address": "email2", "e-mail 2 - value": "email2",
	"전자 메일 2 주소": "email2", "이메일2": "email2", "이메일 2": "email2",
	"e-mail 3 address": "email3", "email 3 address": "email3", "e-mail 3 - value": "email3",
	"전자 메일 3 주소": "email3", "이메일3": "email3", "이메일 3": "email3",
	// Telephones.
	"mobile phone": "phone_mobile", "mobile": "phone_mobile",
	// Google lists numbers as "Phone N - Value", each with its own kind.
	"phone 1 - value": "gphone1", "phone 2 - value": "gphone2", "phone 3 - value": "gphone3",
	"휴대폰": "phone_mobile", "휴대 전화": "phone_mobile", "휴대전화": "phone_mobile", "핸드폰": "phone_mobile",
	"business phone": "phone_work", "work phone": "phone_work", "회사 전화": "phone_work", "회사전화": "phone_work",
	"home phone": "phone_home", "집 전화": "phone_home", "집전화": "phone_home",
	"business fax": "fax", "fax": "fax", "회사 팩스": "fax", "팩스": "fax",
	// Organisation.
	"company": "company", "organization name": "company", "organization 1 - name": "company",
	"회사": "company", "회사명": "company",
	"department": "department", "organization department": "department",
	"organization 1 - department": "department", "부서": "department", "부서명": "department",
	// Not "Title": Outlook's is the salutation (Mr., Dr.).
	"job title": "position", "organization title": "position",
	"organization 1 - title": "position",
	"직위":                     "position", "직책": "position", "직함": "position", "직급": "position",
	// The rest.
	"business street": "address", "address": "address", "address 1 - formatted": "address",
	"근무지 주소 번지": "address", "주소": "address",
	"notes": "memo", "memo": "memo", "메모": "memo",
	"birthday": "birthday", "생일": "birthday",
	"group membership": "group", "groups": "group", "group": "group", "labels": "group",
	"categories": "group", "그룹": "group", "범주": "group",
}

// csvEmailLabelHeaders are the columns in which Google names the kind of
// each address and telephone number ("* Work"); Outlook's "E-mail Type" is "SMTP", not a
// label, and is left out on purpose.
var csvEmailLabelHeaders = map[string]string{
	"e-mail 1 - type": "email", "e-mail 1 - label": "email",
	"e-mail 2 - type": "email2", "e-mail 2 - label": "email2",
	"e-mail 3 - type": "email3", "e-mail 3 - label": "email3",
	"phone 1 - type": "gphone1", "phone 1 - label": "gphone1",
	"phone 2 - type": "gphone2", "phone 2 - label": "gphone2",
	"phone 3 - type": "gphone3", "phone 3 - label": "gphone3",
}

// csvNormHeader makes header names comparable: case, surrounding and
// repeated spaces, and a stray BOM (a file saved twice by Excel) do not
// count.
func csvNormHeader(h string) string {
	h = strings.TrimPrefix(h, "\uFEFF")
	return strings.ToLower(strings.Join(strings.Fields(h), " "))
}

// csvHeaderMap is what the header row says: where each field is.
type csvHeaderMap struct {
	columns []Column
	field   map[string]int // field → column index
	label   map[string]int // e-mail field → its label column
	names   map[string]bool
}

// csvMapHeader finds the field of every column. When two columns name the
// same field the first one wins, so that "E-mail Address" is not
// overwritten by a later synonym.
func csvMapHeader(header []string) *csvHeaderMap {
	m := &csvHeaderMap{field: map[string]int{}, label: map[string]int{}, names: map[string]bool{}}
	hasLast := false
	for _, h := range header {
		if csvHeaderFields[csvNormHeader(h)] == "last_name" {
			hasLast = true
		}
	}
	for i, h := range header {
		n := csvNormHeader(h)
		m.names[n] = true
		f := csvHeaderFields[n]
		// Korean Outlook splits a name into 성 and 이름 (given name);
		// every other Korean layout has one 이름 column for the whole
		// name.
		if n == "이름" && !hasLast {
			f = "name"
		}
		if _, dup := m.field[f]; dup {
			f = ""
		}
		if f != "" {
			m.field[f] = i
		}
		if lf, ok := csvEmailLabelHeaders[n]; ok {
			if _, dup := m.label[lf]; !dup {
				m.label[lf] = i
			}
		}
		m.columns = append(m.columns, Column{Header: h, Field: f})
	}
	return m
}

func (m *csvHeaderMap) hasNameOrEmail() bool {
	for _, f := range []string{"name", "first_name", "last_name", "email", "email2", "email3"} {
		if _, ok := m.field[f]; ok {
			return true
		}
	}
	return false
}

// format names the layout, for the preview ("Outlook file detected").
// Only headers no other layout uses decide it.
func (m *csvHeaderMap) format() string {
	has := func(names ...string) bool {
		for _, n := range names {
			if m.names[n] {
				return true
			}
		}
		return false
	}
	switch {
	case has("e-mail 1 - value", "e-mail 1 - type", "e-mail 1 - label", "given name", "group membership", "organization 1 - name", "organization name"):
		return "google"
	case has("e-mail address", "전자 메일 주소", "business phone", "회사 전화", "job title", "직함"):
		return "outlook"
	}
	template := true
	for _, h := range TemplateHeader {
		if !m.names[h] {
			template = false
			break
		}
	}
	switch {
	case template:
		return "postroom"
	case has("회사명", "직급"):
		return "mailplug"
	}
	return "csv"
}
