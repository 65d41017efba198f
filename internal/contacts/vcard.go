package contacts

// The vCard codec (C3, C4, and the bodies CardDAV carries). Decoding is
// lenient, because the files come from phones and mail programs of every
// age: vCard 2.1 (old Korean feature phones, Outlook), 3.0 (iPhone,
// macOS) and 4.0 (Google). Encoding writes 3.0 only, the version every
// one of those readers understands.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

// ErrNotVCard is returned when the data holds no BEGIN:VCARD at all, so
// that an upload of the wrong file is told apart from an empty book.
var ErrNotVCard = errors.New("contacts: not a vCard file")

// DecodedCard is one card of a vCard file: the contact, the names of its
// groups (CATEGORIES; the caller maps names to groups of a book) and the
// line of its BEGIN:VCARD, for error reports.
type DecodedCard struct {
	Contact Contact
	Groups  []string
	Line    int
}

// vcLine is one unfolded content line.
type vcLine struct {
	name   string              // upper case, group prefix removed
	params map[string][]string // keys upper case; TYPE values lower case
	types  []string            // TYPE values, lower case, incl. 2.1 bare params
	value  string              // transfer-decoded and charset-decoded, still escaped
	line   int                 // physical line where it starts
}

// DecodeVCards reads every vCard of data. Lines outside a card and
// properties it does not know are ignored; a card without END:VCARD at
// the end of the file is kept, since a truncated export is more useful
// read than refused.
func DecodeVCards(data []byte) ([]DecodedCard, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := unfold(data)
	var (
		cards []DecodedCard
		props [][]vcLine
		cur   *DecodedCard
		depth int // > 1 inside a 2.1 AGENT's embedded card, ignored
		found bool
	)
	for _, l := range lines {
		if l.name == "BEGIN" && strings.EqualFold(strings.TrimSpace(l.value), "VCARD") {
			found = true
			depth++
			if depth == 1 {
				cards = append(cards, DecodedCard{Line: l.line})
				props = append(props, nil)
				cur = &cards[len(cards)-1]
			}
			continue
		}
		if l.name == "END" && strings.EqualFold(strings.TrimSpace(l.value), "VCARD") {
			if depth > 0 {
				depth--
			}
			if depth == 0 {
				cur = nil
			}
			continue
		}
		if cur == nil || depth != 1 {
			continue
		}
		props[len(props)-1] = append(props[len(props)-1], l)
	}
	if !found {
		return nil, ErrNotVCard
	}
	for i := range cards {
		buildCard(&cards[i], props[i])
	}
	return cards, nil
}

// unfold splits data into logical content lines: a line starting with a
// space or tab continues the previous one (RFC 2425/6350 folding), and a
// QUOTED-PRINTABLE value ending in "=" continues on the next line
// whatever it starts with (2.1 soft line breaks, as Android writes them).
func unfold(data []byte) []vcLine {
	raw := strings.Split(string(data), "\n")
	var out []vcLine
	var b strings.Builder
	start := 0
	qp := false
	flush := func() {
		if b.Len() > 0 {
			if l, ok := parseLine(b.String(), start); ok {
				out = append(out, l)
			}
		}
		b.Reset()
	}
	for i, r := range raw {
		r = strings.TrimSuffix(r, "\r")
		switch {
		case b.Len() > 0 && qp && strings.HasSuffix(b.String(), "="):
			cur := strings.TrimSuffix(b.String(), "=")
			b.Reset()
			b.WriteString(cur)
			b.WriteString(r)
		case b.Len() > 0 && r != "" && (r[0] == ' ' || r[0] == '\t'):
			b.WriteString(r[1:])
		default:
			flush()
			if r == "" {
				continue
			}
			b.WriteString(r)
			start = i + 1
			qp = isQPLine(r)
		}
	}
	flush()
	return out
}

// isQPLine tells whether a line's parameters ask for quoted-printable.
func isQPLine(s string) bool {
	i := paramsEnd(s)
	return strings.Contains(strings.ToUpper(s[:i]), "QUOTED-PRINTABLE")
}

// paramsEnd is the index of the colon between name/params and value,
// skipping colons inside double-quoted parameter values (4.0), or
// len(s) when there is none.
func paramsEnd(s string) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return i
			}
		}
	}
	return len(s)
}

func parseLine(s string, line int) (vcLine, bool) {
	i := paramsEnd(s)
	if i == len(s) {
		return vcLine{}, false
	}
	head, value := s[:i], s[i+1:]
	parts := splitOutsideQuotes(head, ';')
	name := strings.ToUpper(strings.TrimSpace(parts[0]))
	if j := strings.LastIndexByte(name, '.'); j >= 0 {
		name = name[j+1:] // ITEM1.EMAIL → EMAIL
	}
	l := vcLine{name: name, params: map[string][]string{}, line: line}
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		key, val, ok := strings.Cut(p, "=")
		if !ok {
			// 2.1 bare parameter: an encoding, or else a type.
			up := strings.ToUpper(p)
			switch up {
			case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B":
				l.params["ENCODING"] = append(l.params["ENCODING"], up)
			default:
				l.types = append(l.types, strings.ToLower(p))
			}
			continue
		}
		key = strings.ToUpper(strings.TrimSpace(key))
		for _, v := range splitOutsideQuotes(val, ',') {
			v = strings.Trim(strings.TrimSpace(v), `"`)
			// 4.0 TYPE="cell,voice": the quotes hold a list too.
			for _, w := range strings.Split(v, ",") {
				if key == "TYPE" {
					l.types = append(l.types, strings.ToLower(strings.TrimSpace(w)))
				} else {
					l.params[key] = append(l.params[key], w)
				}
			}
		}
	}
	l.value = decodeValue(value, l.params)
	return l, true
}

func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	quoted := false
	last := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case sep:
			if !quoted {
				out = append(out, s[last:i])
				last = i + 1
			}
		}
	}
	return append(out, s[last:])
}

// decodeValue undoes the transfer encoding and the charset. A value that
// is not UTF-8 and names no charset is taken as EUC-KR/CP949, which is
// what Korean phones wrote without saying so.
func decodeValue(v string, params map[string][]string) string {
	for _, e := range params["ENCODING"] {
		if strings.EqualFold(e, "QUOTED-PRINTABLE") {
			v = decodeQP(v)
			break
		}
	}
	cs := ""
	if c := params["CHARSET"]; len(c) > 0 {
		cs = strings.ToUpper(c[0])
	}
	if isKoreanCharset(cs) || (cs != "UTF-8" && !utf8.ValidString(v)) {
		if d, err := korean.EUCKR.NewDecoder().String(v); err == nil {
			v = d
		}
	}
	return strings.ToValidUTF8(v, "\uFFFD")
}

func isKoreanCharset(cs string) bool {
	switch cs {
	case "EUC-KR", "EUCKR", "CP949", "MS949", "UHC", "KS_C_5601-1987", "KSC5601", "X-WINDOWS-949":
		return true
	}
	return false
}

// decodeQP decodes quoted-printable leniently: soft line breaks were
// already joined by unfold, so a lone "=" is dropped, and an "=" not
// followed by two hex digits is kept as it is.
func decodeQP(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' && i+2 < len(s) {
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b.WriteByte(h<<4 | l)
				i += 2
				continue
			}
		}
		if c == '=' && i == len(s)-1 {
			continue // a trailing soft break
		}
		b.WriteByte(c)
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// splitStructured splits a structured value (N, ADR, ORG) on unescaped
// sep and unescapes each component.
func splitStructured(v string, sep byte) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			b.WriteByte('\\')
			b.WriteByte(v[i+1])
			i++
			continue
		}
		if c == sep {
			out = append(out, unescape(b.String()))
			b.Reset()
			continue
		}
		b.WriteByte(c)
	}
	return append(out, unescape(b.String()))
}

// unescape undoes vCard text escapes: \n \N (newline), \, \; \\ and,
// leniently, \: ; an unknown escape keeps its character.
func unescape(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			b.WriteByte(c)
			continue
		}
		i++
		switch v[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

func hasType(l vcLine, t string) bool {
	for _, x := range l.types {
		if x == t {
			return true
		}
	}
	return false
}

// buildCard maps the properties of one card onto a Contact. The first
// FN, N, ORG, TITLE, ADR, BDAY and UID win; EMAIL and TEL add up; NOTEs
// are joined; CATEGORIES add up, without duplicates.
func buildCard(c *DecodedCard, props []vcLine) {
	ct := &c.Contact
	var n []string
	seenGroup := map[string]bool{}
	for _, l := range props {
		switch l.name {
		case "FN":
			if ct.Name == "" {
				ct.Name = strings.TrimSpace(unescape(l.value))
			}
		case "N":
			if n == nil {
				n = splitStructured(l.value, ';')
			}
		case "EMAIL":
			addr := strings.TrimSpace(unescape(l.value))
			addr = strings.TrimPrefix(addr, "mailto:")
			if addr != "" {
				ct.Emails = append(ct.Emails, Email{Address: addr, Label: emailLabel(l)})
			}
		case "TEL":
			num := strings.TrimSpace(unescape(l.value))
			// 4.0 VALUE=uri writes tel:+82-10-...; a parameter part
			// (;ext=) is kept, the scheme is not.
			if len(num) > 4 && strings.EqualFold(num[:4], "tel:") {
				num = num[4:]
			}
			if num != "" {
				ct.Phones = append(ct.Phones, Phone{Number: num, Label: phoneLabel(l)})
			}
		case "ORG":
			if ct.Company == "" && ct.Department == "" {
				org := splitStructured(l.value, ';')
				ct.Company = strings.TrimSpace(org[0])
				ct.Department = joinNonEmpty(org[1:], " ")
			}
		case "TITLE":
			if ct.Position == "" {
				ct.Position = strings.TrimSpace(unescape(l.value))
			}
		case "ADR":
			if ct.Address == "" {
				// One free-text field: the components joined in their
				// order, line breaks inside a street made spaces.
				parts := splitStructured(l.value, ';')
				for i, p := range parts {
					parts[i] = strings.Join(strings.Fields(p), " ")
				}
				ct.Address = joinNonEmpty(parts, " ")
			}
		case "NOTE":
			if v := strings.TrimSpace(unescape(l.value)); v != "" {
				if ct.Memo != "" {
					ct.Memo += "\n"
				}
				ct.Memo += v
			}
		case "BDAY":
			if ct.Birthday == "" {
				ct.Birthday = normBirthday(unescape(l.value))
			}
		case "UID":
			if ct.UID == "" {
				ct.UID = strings.TrimSpace(unescape(l.value))
			}
		case "CATEGORIES":
			for _, g := range splitStructured(l.value, ',') {
				g = strings.TrimSpace(g)
				if g != "" && !seenGroup[g] {
					seenGroup[g] = true
					c.Groups = append(c.Groups, g)
				}
			}
		}
	}
	if ct.Name == "" && n != nil {
		ct.Name = nameFromN(n)
	}
}

func joinNonEmpty(parts []string, sep string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// nameFromN builds a display name from N (family;given;additional;
// prefix;suffix): Korean names are written family first without a space
// (홍길동), others "Given Additional Family".
func nameFromN(n []string) string {
	get := func(i int) string {
		if i < len(n) {
			return strings.TrimSpace(n[i])
		}
		return ""
	}
	family, given, extra := get(0), get(1), get(2)
	if containsHangul(family) || containsHangul(given) {
		return family + given
	}
	return joinNonEmpty([]string{given, extra, family}, " ")
}

func containsHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}

func emailLabel(l vcLine) string {
	switch {
	case hasType(l, "work"):
		return "work"
	case hasType(l, "home"):
		return "home"
	}
	return "" // "other", "internet", "pref": no label worth showing
}

// phoneLabel: fax wins over work/home (TYPE=WORK,FAX is a work fax, and
// dialling it by voice is the mistake to avoid).
func phoneLabel(l vcLine) string {
	switch {
	case hasType(l, "fax"):
		return "fax"
	case hasType(l, "cell"), hasType(l, "mobile"), hasType(l, "iphone"):
		return "mobile"
	case hasType(l, "work"):
		return "work"
	case hasType(l, "home"):
		return "home"
	}
	return ""
}

// normBirthday accepts the date forms of the three versions (and a
// date-time, whose time is dropped) and returns "YYYY-MM-DD", "--MM-DD",
// or "" for anything else, since Birthday has one format in the store.
func normBirthday(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, 'T'); i > 0 {
		v = v[:i]
	}
	digits := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return s != ""
	}
	var y, m, d string
	switch {
	case len(v) == 10 && v[4] == '-' && v[7] == '-':
		y, m, d = v[:4], v[5:7], v[8:]
	case len(v) == 8 && digits(v):
		y, m, d = v[:4], v[4:6], v[6:]
	case len(v) == 6 && strings.HasPrefix(v, "--"):
		m, d = v[2:4], v[4:]
	case len(v) == 7 && strings.HasPrefix(v, "--") && v[4] == '-':
		m, d = v[2:4], v[5:]
	default:
		return ""
	}
	if (y != "" && !digits(y)) || !digits(m) || !digits(d) {
		return ""
	}
	if y == "" {
		// A leap day without a year is a valid birthday.
		if _, err := time.Parse("2006-01-02", "2000-"+m+"-"+d); err != nil {
			return ""
		}
		return "--" + m + "-" + d
	}
	if _, err := time.Parse("2006-01-02", y+"-"+m+"-"+d); err != nil {
		return ""
	}
	return y + "-" + m + "-" + d
}

// EncodeVCard writes c as one vCard 3.0 with CRLF line ends, folded at 75
// octets. groups are the names of c's groups (CATEGORIES). Labels other
// than work/home/mobile/fax are not kept: vCard has no free-text label
// that all readers agree on.
func EncodeVCard(w io.Writer, c Contact, groups []string) error {
	var b bytes.Buffer
	put := func(s string) { writeFolded(&b, s) }
	put("BEGIN:VCARD")
	put("VERSION:3.0")
	if c.UID != "" {
		put("UID:" + escapeText(c.UID))
	}
	// FN and N are required by 3.0, so both are written even when empty.
	put("FN:" + escapeText(c.Name))
	family, given := splitName(c.Name)
	put("N:" + escapeText(family) + ";" + escapeText(given) + ";;;")
	for _, e := range c.Emails {
		t := "INTERNET"
		switch strings.ToLower(e.Label) {
		case "work":
			t += ",WORK"
		case "home":
			t += ",HOME"
		}
		put("EMAIL;TYPE=" + t + ":" + escapeText(e.Address))
	}
	for _, p := range c.Phones {
		t := "VOICE"
		switch strings.ToLower(p.Label) {
		case "mobile":
			t = "CELL"
		case "work":
			t = "WORK"
		case "home":
			t = "HOME"
		case "fax":
			t = "FAX"
		}
		put("TEL;TYPE=" + t + ":" + escapeText(p.Number))
	}
	if c.Company != "" || c.Department != "" {
		org := escapeText(c.Company)
		if c.Department != "" {
			org += ";" + escapeText(c.Department)
		}
		put("ORG:" + org)
	}
	if c.Position != "" {
		put("TITLE:" + escapeText(c.Position))
	}
	if c.Address != "" {
		put("ADR;TYPE=WORK:;;" + escapeText(c.Address) + ";;;;")
	}
	if c.Memo != "" {
		put("NOTE:" + escapeText(c.Memo))
	}
	if c.Birthday != "" {
		put("BDAY:" + escapeText(c.Birthday))
	}
	var cats []string
	for _, g := range groups {
		if g = strings.TrimSpace(g); g != "" {
			cats = append(cats, escapeText(g))
		}
	}
	if len(cats) > 0 {
		put("CATEGORIES:" + strings.Join(cats, ","))
	}
	if !c.Updated.IsZero() {
		put("REV:" + c.Updated.UTC().Format("2006-01-02T15:04:05Z"))
	}
	put("END:VCARD")
	_, err := w.Write(b.Bytes())
	return err
}

// splitName guesses N from a display name: a Korean name of 2–4 Hangul
// syllables is one syllable of family name and the rest given (two-
// syllable family names like 남궁 are rare enough to get wrong); else the
// last word is the family name.
func splitName(name string) (family, given string) {
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) >= 2 && len(r) <= 4 && allSyllables(r) {
		return string(r[0]), string(r[1:])
	}
	f := strings.Fields(name)
	if len(f) == 0 {
		return "", ""
	}
	return f[len(f)-1], strings.Join(f[:len(f)-1], " ")
}

func allSyllables(r []rune) bool {
	for _, x := range r {
		if x < 0xAC00 || x > 0xD7A3 {
			return false
		}
	}
	return true
}

// escapeText escapes a text value for 3.0: backslash, newline, comma and
// semicolon. CR is dropped so that CRLF in a memo becomes one \n.
func escapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
		case ',':
			b.WriteString(`\,`)
		case ';':
			b.WriteString(`\;`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// writeFolded writes one content line with CRLF, folding it so that no
// physical line exceeds 75 octets (RFC 2425 §5.8.1) and no fold falls
// inside a UTF-8 sequence, which readers would turn into two U+FFFDs.
func writeFolded(b *bytes.Buffer, s string) {
	const limit = 75
	first := true
	for {
		room := limit
		if !first {
			room = limit - 1 // the leading space counts
		}
		if len(s) <= room {
			if !first {
				b.WriteByte(' ')
			}
			b.WriteString(s)
			b.WriteString("\r\n")
			return
		}
		cut := room
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if !first {
			b.WriteByte(' ')
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n")
		s = s[cut:]
		first = false
	}
}

// WriteVCards writes each contact as a vCard 3.0, one after the other;
// groups[i] are the group names of cs[i] (groups may be shorter, or nil).
func WriteVCards(w io.Writer, cs []Contact, groups [][]string) error {
	for i, c := range cs {
		var g []string
		if i < len(groups) {
			g = groups[i]
		}
		if err := EncodeVCard(w, c, g); err != nil {
			return fmt.Errorf("contacts: writing vCard %d: %w", i+1, err)
		}
	}
	return nil
}
