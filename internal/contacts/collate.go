package contacts

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Korean collation and search. Both are computed here and stored beside
// the contact (store.ContactRow.SortKey and Search), so that a book of
// 10,000 contacts is sorted and searched by the database's index and a
// plain substring test, and the rules exist once for every backend.

// sortKey orders names as a Korean address book does: Hangul names in
// 가나다 order first, then Latin names A–Z without regard to case, then
// everything else (digits, other scripts). Precomposed Hangul syllables
// are in dictionary order in Unicode (ㄱ ㄲ ㄴ ..., 가 개 갸 ...), so the
// class and the lower-cased name are the whole key. A contact without a
// name sorts by its first address, as the list shows it.
func sortKey(c *Contact) string {
	name := c.Name
	if name == "" && len(c.Emails) > 0 {
		name = c.Emails[0].Address
	}
	name = strings.ToLower(strings.TrimSpace(name))
	class := "2"
	switch r, _ := utf8.DecodeRuneInString(name); {
	case isHangul(r):
		class = "0"
	case r < unicode.MaxASCII && unicode.IsLetter(r):
		class = "1"
	}
	return class + name
}

func isHangul(r rune) bool {
	return (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0x3131 && r <= 0x318E) || (r >= 0x1100 && r <= 0x11FF)
}

// searchText is what a query is matched in: the name, e-mails, company,
// department, position and phones, lower-cased and with every Hangul
// syllable spelt out in its letters (so "홍기" — 길 half typed — and
// "길동" both find 홍길동), one field per line so that a query never
// spans two; then the name's initial consonants (ㅎㄱㄷ, 초성 검색) and
// the phones' digits alone (01012345678 finds 010-1234-5678).
func searchText(c *Contact) string {
	var fields []string
	fields = append(fields, c.Name)
	for _, e := range c.Emails {
		fields = append(fields, e.Address)
	}
	fields = append(fields, c.Company, c.Department, c.Position)
	var digits []string
	for _, p := range c.Phones {
		fields = append(fields, p.Number)
		digits = append(digits, onlyDigits(p.Number))
	}
	var b strings.Builder
	for _, f := range fields {
		if f != "" {
			b.WriteString(spell(strings.ToLower(f)))
			b.WriteByte('\n')
		}
	}
	b.WriteString(initials(c.Name))
	b.WriteByte('\n')
	b.WriteString(strings.Join(digits, "\n"))
	return b.String()
}

// searchQuery prepares a user's query for the substring test in
// searchText: lower-cased and spelt out the same way; a query of phone
// characters only (digits, '-', ' ', '+', '(', ')') with 3 digits or
// more becomes its digits, to match however the number was written.
func searchQuery(q string) string {
	q = strings.TrimSpace(q)
	if q == "" {
		return ""
	}
	if strings.Trim(q, "0123456789-+() .") == "" {
		if d := onlyDigits(q); len(d) >= 3 {
			return d
		}
	}
	return spell(strings.ToLower(q))
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Hangul letters (compatibility jamo) of the syllable parts, and the
// double vowels and final clusters split into the letters typed for them,
// since an input method shows "호" before "화" and "갑" before "값".
var (
	leadJamo  = []rune("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")
	vowelJamo = []string{"ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅗㅏ", "ㅗㅐ", "ㅗㅣ", "ㅛ", "ㅜ", "ㅜㅓ", "ㅜㅔ", "ㅜㅣ", "ㅠ", "ㅡ", "ㅡㅣ", "ㅣ"}
	tailJamo  = []string{"", "ㄱ", "ㄲ", "ㄱㅅ", "ㄴ", "ㄴㅈ", "ㄴㅎ", "ㄷ", "ㄹ", "ㄹㄱ", "ㄹㅁ", "ㄹㅂ", "ㄹㅅ", "ㄹㅌ", "ㄹㅍ", "ㄹㅎ", "ㅁ", "ㅂ", "ㅂㅅ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"}
	// compound letters typed as one key sequence, spelt like the above
	compoundJamo = map[rune]string{
		'ㅘ': "ㅗㅏ", 'ㅙ': "ㅗㅐ", 'ㅚ': "ㅗㅣ", 'ㅝ': "ㅜㅓ", 'ㅞ': "ㅜㅔ", 'ㅟ': "ㅜㅣ", 'ㅢ': "ㅡㅣ",
		'ㄳ': "ㄱㅅ", 'ㄵ': "ㄴㅈ", 'ㄶ': "ㄴㅎ", 'ㄺ': "ㄹㄱ", 'ㄻ': "ㄹㅁ", 'ㄼ': "ㄹㅂ", 'ㄽ': "ㄹㅅ", 'ㄾ': "ㄹㅌ", 'ㄿ': "ㄹㅍ", 'ㅀ': "ㄹㅎ", 'ㅄ': "ㅂㅅ",
	}
)

const (
	syllableBase  = 0xAC00
	syllableLast  = 0xD7A3
	syllablesLead = 21 * 28
)

// spell writes every precomposed Hangul syllable as its letters and
// leaves everything else as it is.
func spell(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= syllableBase && r <= syllableLast:
			i := int(r - syllableBase)
			b.WriteRune(leadJamo[i/syllablesLead])
			b.WriteString(vowelJamo[(i%syllablesLead)/28])
			b.WriteString(tailJamo[i%28])
		case compoundJamo[r] != "":
			b.WriteString(compoundJamo[r])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// initials is the lead consonant of each Hangul syllable of name.
func initials(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r >= syllableBase && r <= syllableLast {
			b.WriteRune(leadJamo[int(r-syllableBase)/syllablesLead])
		}
	}
	return b.String()
}
