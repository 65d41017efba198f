package contacts

// The CSV exports (C4): our own layout, which ParseCSV reads back and
// Korean Excel opens, and Outlook's, for moving a book to Outlook or
// anything that imports Outlook files. vCard is in vcard.go.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

// exportMultiSep joins several addresses in one cell. It is Google's
// separator, which ParseCSV splits on; "; " would read better in Excel
// but ParseCSV takes a cell with a space for an invalid address.
const exportMultiSep = " ::: "

// WriteOurCSV writes cs in our layout (TemplateHeader). groups[i] are
// the group names of cs[i], joined with "; " in 그룹. The layout has one
// e-mail and one phone column, so every address goes into 이메일 joined
// with " ::: " and every number into 휴대폰 joined with "; " (mobile
// numbers first); labels are not kept. charset is "utf-8" (the default:
// with a BOM, without which Korean Excel guesses CP949 and shows
// mojibake) or "cp949" (characters CP949 lacks become '?').
func WriteOurCSV(w io.Writer, cs []Contact, groups [][]string, charset string) error {
	rows := [][]string{TemplateHeader}
	for i, c := range cs {
		var g []string
		if i < len(groups) {
			g = groups[i]
		}
		var emails []string
		for _, e := range c.Emails {
			emails = append(emails, e.Address)
		}
		var mobile, other []string
		for _, p := range c.Phones {
			if p.Label == "mobile" {
				mobile = append(mobile, p.Number)
			} else {
				other = append(other, p.Number)
			}
		}
		rows = append(rows, []string{
			c.Name,
			strings.Join(emails, exportMultiSep),
			strings.Join(append(mobile, other...), "; "),
			c.Company, c.Department, c.Position, c.Address, c.Memo, c.Birthday,
			strings.Join(g, "; "),
		})
	}
	return writeCSV(w, rows, charset)
}

// outlookHeader is the header row of the Outlook CSV layout as Outlook
// and Google Contacts ("Outlook CSV") write it. Importers find columns by
// name, but some older ones expect every column, so all are written.
var outlookHeader = []string{
	"First Name", "Middle Name", "Last Name", "Title", "Suffix", "Initials",
	"Web Page", "Gender", "Birthday", "Anniversary", "Location", "Language",
	"Internet Free Busy", "Notes", "E-mail Address", "E-mail 2 Address",
	"E-mail 3 Address", "Primary Phone", "Home Phone", "Home Phone 2",
	"Mobile Phone", "Pager", "Home Fax", "Home Address", "Home Street",
	"Home Street 2", "Home Street 3", "Home Address PO Box", "Home City",
	"Home State", "Home Postal Code", "Home Country", "Spouse", "Children",
	"Manager's Name", "Assistant's Name", "Referred By", "Company Main Phone",
	"Business Phone", "Business Phone 2", "Business Fax", "Assistant's Phone",
	"Company", "Job Title", "Department", "Office Location",
	"Organizational ID Number", "Profession", "Account", "Business Address",
	"Business Street", "Business Street 2", "Business Street 3",
	"Business Address PO Box", "Business City", "Business State",
	"Business Postal Code", "Business Country", "Other Phone", "Other Fax",
	"Other Address", "Other Street", "Other Street 2", "Other Street 3",
	"Other Address PO Box", "Other City", "Other State", "Other Postal Code",
	"Other Country", "Callback", "Car Phone", "ISDN", "Radio Phone",
	"TTY/TDD Phone", "Telex", "User 1", "User 2", "User 3", "User 4",
	"Keywords", "Mileage", "Hobby", "Billing Information", "Directory Server",
	"Sensitivity", "Priority", "Private", "Categories",
}

// outlookPhoneColumns are the columns each phone label fills, in order;
// numbers beyond them are joined with "; " into the last one, and
// numbers with another label go to Other Phone.
var outlookPhoneColumns = map[string][]string{
	"mobile": {"Mobile Phone"},
	"work":   {"Business Phone", "Business Phone 2"},
	"home":   {"Home Phone", "Home Phone 2"},
	"fax":    {"Business Fax", "Home Fax"},
	"":       {"Other Phone"},
}

// WriteOutlookCSV writes cs in Outlook's layout. A Korean name goes
// whole into First Name with Last Name empty: Korean Outlook shows
// "Last First" with a space, which would make 홍길동 "홍 길동"; a Latin
// name is split at its last word. The address goes into Business Street
// (our one address is the one vCard export also marks WORK); group names
// into Categories, separated by ";" as Outlook does.
func WriteOutlookCSV(w io.Writer, cs []Contact, charset string) error {
	col := make(map[string]int, len(outlookHeader))
	for i, h := range outlookHeader {
		col[h] = i
	}
	rows := [][]string{outlookHeader}
	for _, c := range cs {
		row := make([]string, len(outlookHeader))
		set := func(h, v string) { row[col[h]] = v }
		add := func(h, v string) {
			if row[col[h]] != "" {
				v = row[col[h]] + "; " + v
			}
			row[col[h]] = v
		}
		if containsHangul(c.Name) {
			set("First Name", strings.TrimSpace(c.Name))
		} else {
			last, first := splitName(c.Name)
			if first == "" {
				first, last = last, "" // one word: a first name
			}
			set("First Name", first)
			set("Last Name", last)
		}
		emailCols := []string{"E-mail Address", "E-mail 2 Address", "E-mail 3 Address"}
		for i, e := range c.Emails {
			if i < len(emailCols) {
				set(emailCols[i], e.Address)
			} else {
				h := emailCols[len(emailCols)-1]
				set(h, row[col[h]]+exportMultiSep+e.Address)
			}
		}
		used := map[string]int{}
		for _, p := range c.Phones {
			cols, ok := outlookPhoneColumns[p.Label]
			if !ok {
				cols = outlookPhoneColumns[""]
			}
			k := used[p.Label]
			used[p.Label]++
			if k < len(cols) {
				set(cols[k], p.Number)
			} else {
				add(cols[len(cols)-1], p.Number)
			}
		}
		set("Company", c.Company)
		set("Department", c.Department)
		set("Job Title", c.Position)
		set("Business Street", c.Address)
		set("Notes", c.Memo)
		set("Birthday", c.Birthday)
		rows = append(rows, row)
	}
	return writeCSV(w, rows, charset)
}

// writeCSV writes rows with CRLF line ends (Excel's) in charset.
func writeCSV(w io.Writer, rows [][]string, charset string) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("contacts: writing CSV: %w", err)
	}
	var out []byte
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "", "utf-8", "utf8":
		out = append([]byte("\xef\xbb\xbf"), buf.Bytes()...)
	case "cp949", "euc-kr", "euckr", "ms949":
		out = toCP949(buf.Bytes())
	default:
		return fmt.Errorf("contacts: unknown export charset %q", charset)
	}
	_, err := w.Write(out)
	return err
}

// toCP949 encodes UTF-8 text as CP949, one rune at a time so that a rune
// CP949 lacks (emoji, rare Hanja, accented Latin outside KS X 1001)
// becomes '?' instead of failing the whole export.
func toCP949(text []byte) []byte {
	enc := korean.EUCKR.NewEncoder()
	out := make([]byte, 0, len(text))
	var tmp [utf8.UTFMax]byte
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
			text = text[size:]
			continue
		}
		n := utf8.EncodeRune(tmp[:], r)
		b, err := enc.Bytes(tmp[:n])
		if err != nil || r == utf8.RuneError {
			out = append(out, '?')
		} else {
			out = append(out, b...)
		}
		text = text[size:]
	}
	return out
}
