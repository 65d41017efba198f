package contacts

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Field length limits of one imported value, in characters. They are
// far above any real entry and stop a pasted document from becoming a
// "name".
const (
	csvMaxShortField = 255  // names, organisation, phones, groups
	csvMaxEmailLen   = 254  // RFC 5321's longest path
	csvMaxLongField  = 8000 // address and memo
)

// csvPhoneFields are the telephone columns in the order they are listed,
// with the label each gets.
var csvPhoneFields = []struct{ field, label string }{
	{"phone_mobile", "mobile"}, {"phone_work", "work"}, {"phone_home", "home"}, {"fax", "fax"},
}

// get is the trimmed value of field in rec, "" when the column is
// missing or the row is short.
func (m *csvHeaderMap) get(rec []string, field string) string {
	i, ok := m.field[field]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// contact makes one row into a contact and its group names. reason is
// "" for a good row, "skip" for an empty one, else a LineError code.
func (m *csvHeaderMap) contact(rec []string) (c Contact, groups []string, reason string) {
	empty := true
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			empty = false
			break
		}
	}
	if empty {
		return Contact{}, nil, "skip"
	}

	c.Name = m.get(rec, "name")
	if c.Name == "" {
		c.Name = csvJoinName(m.get(rec, "first_name"), m.get(rec, "last_name"))
	}
	for _, f := range []string{"email", "email2", "email3"} {
		label := ""
		if i, ok := m.label[f]; ok && i < len(rec) {
			label = csvCleanLabel(rec[i])
		}
		// Google puts several addresses of one kind in one cell.
		for _, a := range strings.Split(m.get(rec, f), ":::") {
			a = strings.TrimSpace(a)
			if a == "" {
				continue
			}
			if len(a) > csvMaxEmailLen {
				return Contact{}, nil, "too_long"
			}
			if !csvPlausibleEmail(a) {
				return Contact{}, nil, "invalid_email"
			}
			c.Emails = append(c.Emails, Email{Address: a, Label: label})
		}
	}
	if c.Name == "" && len(c.Emails) == 0 {
		return Contact{}, nil, "no_name_or_email"
	}
	for _, p := range csvPhoneFields {
		if n := m.get(rec, p.field); n != "" {
			c.Phones = append(c.Phones, Phone{Number: n, Label: p.label})
		}
	}
	for _, f := range []string{"gphone1", "gphone2", "gphone3"} {
		label := "mobile" // Google's kind left empty: most numbers are phones'
		if i, ok := m.label[f]; ok && i < len(rec) && csvCleanLabel(rec[i]) != "" {
			label = csvPhoneLabel(csvCleanLabel(rec[i]))
		}
		for _, n := range strings.Split(m.get(rec, f), ":::") {
			if n = strings.TrimSpace(n); n != "" {
				c.Phones = append(c.Phones, Phone{Number: n, Label: label})
			}
		}
	}
	c.Company = m.get(rec, "company")
	c.Department = m.get(rec, "department")
	c.Position = m.get(rec, "position")
	c.Address = m.get(rec, "address")
	c.Memo = m.get(rec, "memo")

	short := []string{c.Name, c.Company, c.Department, c.Position}
	for _, p := range c.Phones {
		short = append(short, p.Number)
	}
	for _, s := range short {
		if utf8.RuneCountInString(s) > csvMaxShortField {
			return Contact{}, nil, "too_long"
		}
	}
	if utf8.RuneCountInString(c.Address) > csvMaxLongField || utf8.RuneCountInString(c.Memo) > csvMaxLongField {
		return Contact{}, nil, "too_long"
	}

	b, ok := csvParseBirthday(m.get(rec, "birthday"))
	if !ok {
		return Contact{}, nil, "invalid_birthday"
	}
	c.Birthday = b

	groups = csvSplitGroups(m.get(rec, "group"))
	for _, g := range groups {
		if utf8.RuneCountInString(g) > csvMaxShortField {
			return Contact{}, nil, "too_long"
		}
	}
	return c, groups, ""
}

// csvJoinName makes a display name of a given and a family name: Korean
// names are family name first and written together ("김"+"철수" is
// "김철수"), Latin ones given name first with a space.
func csvJoinName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	case csvHasHangul(first) || csvHasHangul(last):
		return last + first
	}
	return first + " " + last
}

func csvHasHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}

// csvPlausibleEmail rejects what is surely not an address (no '@', or a
// space: usually a name in the wrong column); the full check happens
// when mail is sent.
func csvPlausibleEmail(a string) bool {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 {
		return false
	}
	return strings.IndexFunc(a, unicode.IsSpace) < 0
}

// csvCleanLabel turns Google's "* Work" (the star marks the primary
// address) into "Work".
func csvCleanLabel(s string) string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "*"))
}

// csvPhoneLabel is our label for a kind of number Google names ("Mobile",
// "Work Fax", "직장"): the four we know, else the kind as written.
func csvPhoneLabel(kind string) string {
	k := strings.ToLower(kind)
	switch {
	case strings.Contains(k, "fax") || strings.Contains(k, "팩스"):
		return "fax"
	case k == "mobile" || k == "cell" || k == "휴대전화" || k == "휴대폰":
		return "mobile"
	case k == "work" || k == "직장" || k == "회사":
		return "work"
	case k == "home" || k == "집":
		return "home"
	}
	return kind
}

// csvSplitGroups splits a group cell: Outlook and spreadsheets separate
// names with ';', Google with " ::: ". Google's own system group
// ("* myContacts") holds every contact and is not a group of ours.
func csvSplitGroups(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ":::") {
		for _, g := range strings.Split(part, ";") {
			g = strings.TrimSpace(g)
			if strings.HasPrefix(g, "* ") {
				g = strings.TrimSpace(g[2:])
				if strings.EqualFold(g, "myContacts") || strings.EqualFold(g, "starred") {
					continue
				}
			}
			if g != "" {
				out = append(out, g)
			}
		}
	}
	return out
}

// csvParseBirthday reads the birthday forms spreadsheets and exporters
// write and returns "YYYY-MM-DD" (or "--MM-DD" when the source had no
// year). ok is false for a value that is not a date; "" and Outlook's
// "0/0/00" mean none.
func csvParseBirthday(s string) (string, bool) {
	if s == "" || strings.Trim(s, "0/.-") == "" {
		return "", true
	}
	if rest, ok := strings.CutPrefix(s, "--"); ok {
		md, ok := csvSplitDate(rest, "-", 2)
		if !ok || !csvValidDate(2000, md[0], md[1]) { // 2000: 29 February is a birthday
			return "", false
		}
		return fmt.Sprintf("--%02d-%02d", md[0], md[1]), true
	}
	for _, sep := range []string{"-", ".", "/"} {
		if !strings.Contains(s, sep) {
			continue
		}
		parts, ok := csvSplitDate(strings.TrimSuffix(s, "."), sep, 3)
		if !ok {
			return "", false
		}
		var y, mo, d int
		switch {
		case parts[0] > 31: // YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD
			y, mo, d = parts[0], parts[1], parts[2]
		case sep == "/" && parts[2] > 31: // Outlook's M/D/YYYY
			y, mo, d = parts[2], parts[0], parts[1]
		default:
			return "", false
		}
		if y < 1000 || !csvValidDate(y, mo, d) {
			return "", false
		}
		return fmt.Sprintf("%04d-%02d-%02d", y, mo, d), true
	}
	return "", false
}

// csvSplitDate splits s on sep into exactly n numbers (spaces around them
// allowed: "2024. 3. 5").
func csvSplitDate(s, sep string, n int) ([]int, bool) {
	fs := strings.Split(s, sep)
	if len(fs) != n {
		return nil, false
	}
	nums := make([]int, n)
	for i, f := range fs {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 0 {
			return nil, false
		}
		nums[i] = v
	}
	return nums, true
}

func csvValidDate(y, mo, d int) bool {
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}
