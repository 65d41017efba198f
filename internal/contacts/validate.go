package contacts

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Limits of one contact: those of the CSV reader, so that what an import
// accepts the form accepts too.
const (
	MaxShortField = csvMaxShortField // name, company, labels, a phone
	MaxLongField  = csvMaxLongField  // address, memo
	MaxEmails     = 20
	MaxPhones     = 20
	MaxGroups     = 100
	maxUID        = 255
)

// Normalize trims c's fields, drops empty e-mails and phones, and checks
// what a contact must be: a name or an e-mail, real addresses, fields
// within their limits, a birthday as YYYY-MM-DD or --MM-DD. The error is
// an *InvalidError naming the field.
func Normalize(c *Contact) error {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, f := range []*string{&c.Name, &c.Company, &c.Department, &c.Position, &c.Address, &c.Memo, &c.Birthday, &c.UID} {
		trim(f)
	}
	emails := c.Emails[:0:0]
	seen := map[string]bool{}
	for i, e := range c.Emails {
		e.Address, e.Label = strings.TrimSpace(e.Address), strings.TrimSpace(e.Label)
		if e.Address == "" {
			continue
		}
		if len(e.Address) > csvMaxEmailLen {
			return invalid(fmt.Sprintf("emails[%d].address", i), "too_long")
		}
		if !validAddress(e.Address) {
			return invalid(fmt.Sprintf("emails[%d].address", i), "invalid_email")
		}
		if tooLong(e.Label, MaxShortField) {
			return invalid(fmt.Sprintf("emails[%d].label", i), "too_long")
		}
		if key := strings.ToLower(e.Address); !seen[key] {
			seen[key] = true
			emails = append(emails, e)
		}
	}
	c.Emails = emails
	phones := c.Phones[:0:0]
	for i, p := range c.Phones {
		p.Number, p.Label = strings.TrimSpace(p.Number), strings.TrimSpace(p.Label)
		if p.Number == "" {
			continue
		}
		if tooLong(p.Number, MaxShortField) || tooLong(p.Label, MaxShortField) {
			return invalid(fmt.Sprintf("phones[%d]", i), "too_long")
		}
		phones = append(phones, p)
	}
	c.Phones = phones
	if c.Name == "" && len(c.Emails) == 0 {
		return invalid("name", "no_name_or_email")
	}
	switch {
	case len(c.Emails) > MaxEmails:
		return invalid("emails", "too_many")
	case len(c.Phones) > MaxPhones:
		return invalid("phones", "too_many")
	case len(c.Groups) > MaxGroups:
		return invalid("groups", "too_many")
	}
	for name, v := range map[string]string{"name": c.Name, "company": c.Company, "department": c.Department, "position": c.Position} {
		if tooLong(v, MaxShortField) {
			return invalid(name, "too_long")
		}
	}
	if tooLong(c.Address, MaxLongField) {
		return invalid("address", "too_long")
	}
	if tooLong(c.Memo, MaxLongField) {
		return invalid("memo", "too_long")
	}
	if len(c.UID) > maxUID || strings.ContainsAny(c.UID, "\r\n") {
		return invalid("uid", "invalid")
	}
	if c.Birthday != "" {
		b, ok := csvParseBirthday(c.Birthday)
		if !ok {
			return invalid("birthday", "invalid_date")
		}
		c.Birthday = b
	}
	return nil
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// validAddress accepts a bare addr-spec (Korean domains and local parts
// included), nothing with a display name or angle brackets.
func validAddress(a string) bool {
	p, err := mail.ParseAddress(a)
	return err == nil && p.Name == "" && p.Address == a && strings.Count(a, "@") == 1
}

// newUID is a fresh contact UID: random, so that two servers' contacts
// merged into one phone do not collide.
func newUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
