package carddav

// The addressbook-query filter (RFC 6352 §10.5) evaluated on a contact:
// each vCard property it names is looked up among the fields we keep.

import (
	"strings"

	"postroom/internal/contacts"
)

// values are the values of the vCard property name on c (as EncodeVCard
// writes them, unescaped), and whether we model that property at all.
func values(c *contacts.Contact, name string) ([]string, bool) {
	one := func(s string) []string {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	switch name {
	case "FN", "N":
		// Both are always written (vCard 3.0 requires them), even empty.
		return []string{c.Name}, true
	case "EMAIL":
		var v []string
		for _, e := range c.Emails {
			v = append(v, e.Address)
		}
		return v, true
	case "TEL":
		var v []string
		for _, p := range c.Phones {
			v = append(v, p.Number)
		}
		return v, true
	case "ORG":
		if c.Company == "" && c.Department == "" {
			return nil, true
		}
		return []string{strings.TrimSuffix(c.Company+";"+c.Department, ";")}, true
	case "TITLE":
		return one(c.Position), true
	case "ADR":
		return one(c.Address), true
	case "NOTE":
		return one(c.Memo), true
	case "BDAY":
		return one(c.Birthday), true
	case "UID":
		return one(c.UID), true
	case "VERSION":
		return []string{"3.0"}, true
	}
	return nil, false
}

// matches reports whether c passes the filter: anyof (the default) or
// allof its prop-filters; no prop-filter matches every card (§10.5).
func (f filter) matches(c *contacts.Contact) bool {
	if len(f.props) == 0 {
		return true
	}
	for _, pf := range f.props {
		ok := pf.matches(c)
		if ok && !f.allOf {
			return true
		}
		if !ok && f.allOf {
			return false
		}
	}
	return f.allOf
}

// matches tests one prop-filter (§10.5.1): is-not-defined, else the
// property is there and its text-matches (and param-filters, which we
// do not evaluate and count as matching) pass, anyof or allof.
func (pf propFilter) matches(c *contacts.Contact) bool {
	vals, known := values(c, pf.name)
	if !known {
		return true // a property we do not model: answer everything
	}
	if pf.isNotDefined {
		return len(vals) == 0
	}
	if len(vals) == 0 {
		return false
	}
	if len(pf.texts) == 0 {
		return true
	}
	if pf.params > 0 && !pf.allOf {
		return true
	}
	for _, tm := range pf.texts {
		ok := tm.matchesAny(vals)
		if ok && !pf.allOf {
			return true
		}
		if !ok && pf.allOf {
			return false
		}
	}
	return pf.allOf
}

// matchesAny tests a text-match (§10.5.4) against the instances of a
// property: one matching instance is enough; with negate-condition the
// test is that none matches.
func (tm textMatch) matchesAny(vals []string) bool {
	hit := false
	for _, v := range vals {
		if tm.match(v) {
			hit = true
			break
		}
	}
	return hit != tm.negate
}

// match compares under the collation: i;octet byte for byte, the
// default i;unicode-casemap and i;ascii-casemap (and any other we do not
// know, leniently) without case.
func (tm textMatch) match(v string) bool {
	text := tm.text
	if tm.collation != "i;octet" {
		v, text = strings.ToLower(v), strings.ToLower(text)
	}
	switch tm.matchType {
	case "equals":
		return v == text
	case "starts-with":
		return strings.HasPrefix(v, text)
	case "ends-with":
		return strings.HasSuffix(v, text)
	}
	return strings.Contains(v, text)
}
