package wire

import (
	"strconv"
	"strings"
)

// Fetch is FETCH or UID FETCH (RFC 9051 §6.4.5) with the CONDSTORE and
// QRESYNC modifiers (RFC 7162 §3.1.4, §3.2.6). The macros ALL, FAST and
// FULL are expanded into their items (RFC 9051 §6.4.5).
type Fetch struct {
	UID          bool
	Set          SeqSet
	Items        []FetchItem
	ChangedSince *uint64
	Vanished     bool
}

// FetchItem is one fetch attribute. Name is upper-case without section or
// partial: ENVELOPE, FLAGS, INTERNALDATE, RFC822.SIZE, RFC822,
// RFC822.HEADER, RFC822.TEXT, BODY, BODYSTRUCTURE, UID, MODSEQ, BINARY,
// BINARY.SIZE, EMAILID, THREADID, SAVEDATE. BODY with a Section is
// BODY[...]; without one it is the non-extensible body structure.
type FetchItem struct {
	Name    string
	Peek    bool
	Section *Section
	Partial *Partial
}

// Section is a body section (RFC 9051 §6.4.5 BODY[<section>]).
type Section struct {
	Part      []uint32 // 1.2.3; empty for the whole message
	Specifier string   // "", HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME
	Fields    []string // header field names for HEADER.FIELDS[.NOT], upper-cased
}

// Partial is <origin.count> of BODY[] and BINARY[].
type Partial struct {
	Origin uint64
	Count  uint64
}

func (s *Section) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range s.Part {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(uint64(n), 10))
	}
	if s.Specifier != "" {
		if len(s.Part) > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.Specifier)
	}
	if len(s.Fields) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(s.Fields, " "))
		b.WriteByte(')')
	}
	b.WriteByte(']')
	return b.String()
}

// ResponseName is the item's name in the FETCH response: without .PEEK,
// and with the origin of a partial fetch (RFC 9051 §7.5.2: "BODY[]<0>";
// RFC 3516 §4.2 for BINARY, issue 17 item 7).
func (it FetchItem) ResponseName() string {
	name := it.Name
	if it.Section != nil {
		name += it.Section.String()
	}
	if it.Partial != nil {
		name += "<" + strconv.FormatUint(it.Partial.Origin, 10) + ">"
	}
	return name
}

func (p *parser) fetchArgs(uid bool) (any, error) {
	set, err := p.seqSet()
	if err != nil {
		return nil, err
	}
	f := &Fetch{UID: uid, Set: set}
	if err := p.sp(); err != nil {
		return nil, err
	}
	switch {
	case p.tryKeyword("ALL"):
		f.Items = macroItems("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE")
	case p.tryKeyword("FAST"):
		f.Items = macroItems("FLAGS", "INTERNALDATE", "RFC822.SIZE")
	case p.tryKeyword("FULL"):
		f.Items = macroItems("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY")
	case p.peek() == '(':
		err = p.list(false, func() error {
			it, err := p.fetchItem()
			f.Items = append(f.Items, it)
			return err
		})
	default:
		var it FetchItem
		it, err = p.fetchItem()
		f.Items = []FetchItem{it}
	}
	if err != nil {
		return nil, err
	}
	if p.trySP() {
		err = p.list(false, func() error {
			mod, err := p.keyword("fetch modifier")
			if err != nil {
				return err
			}
			switch mod {
			case "CHANGEDSINCE":
				if err := p.sp(); err != nil {
					return err
				}
				n, err := p.number64("CHANGEDSINCE mod-sequence")
				f.ChangedSince = &n
				return err
			case "VANISHED": // RFC 7162 §3.2.6
				f.Vanished = true
				return nil
			}
			return bad("unknown fetch modifier %s", truncate([]byte(mod), 30))
		})
		if err == nil && f.Vanished && (!uid || f.ChangedSince == nil) {
			err = bad("VANISHED needs UID FETCH with CHANGEDSINCE (RFC 7162 §3.2.6)")
		}
	}
	return f, err
}

func macroItems(names ...string) []FetchItem {
	items := make([]FetchItem, len(names))
	for i, n := range names {
		items[i] = FetchItem{Name: n}
	}
	return items
}

var simpleFetchItems = map[string]bool{
	"ENVELOPE": true, "FLAGS": true, "INTERNALDATE": true, "RFC822.SIZE": true,
	"RFC822": true, "RFC822.HEADER": true, "RFC822.TEXT": true,
	"BODYSTRUCTURE": true, "UID": true, "MODSEQ": true,
	"EMAILID": true, "THREADID": true, "SAVEDATE": true,
}

func (p *parser) fetchItem() (FetchItem, error) {
	// The name runs to "[", which is not an atom-special.
	name := strings.ToUpper(string(p.take(func(c byte) bool { return isAtomChar(c) && c != '[' })))
	if name == "" {
		return FetchItem{}, p.unexpected("fetch item")
	}
	it := FetchItem{Name: name}
	switch name {
	case "BODY", "BODY.PEEK":
		it.Name, it.Peek = "BODY", name == "BODY.PEEK"
		if p.peek() != '[' {
			if it.Peek {
				return it, bad("BODY.PEEK needs a section")
			}
			return it, nil
		}
		sec, err := p.section()
		if err != nil {
			return it, err
		}
		it.Section = sec
	case "BINARY", "BINARY.PEEK", "BINARY.SIZE":
		it.Name, it.Peek = "BINARY", name == "BINARY.PEEK"
		if name == "BINARY.SIZE" {
			it.Name = name
		}
		sec, err := p.binarySection()
		if err != nil {
			return it, err
		}
		it.Section = sec
		if name == "BINARY.SIZE" {
			return it, nil
		}
	default:
		if !simpleFetchItems[name] {
			return it, bad("unknown fetch item %s", truncate([]byte(name), 30))
		}
		return it, nil
	}
	if p.peek() == '<' {
		p.pos++
		origin, err := p.number(maxNumber64, "partial origin")
		if err != nil {
			return it, err
		}
		if err := p.expect('.', "'.' in partial"); err != nil {
			return it, err
		}
		count, err := p.number(maxNumber64, "partial length")
		if err != nil {
			return it, err
		}
		if count == 0 {
			return it, bad("partial length must not be zero")
		}
		if err := p.expect('>', "'>'"); err != nil {
			return it, err
		}
		it.Partial = &Partial{Origin: origin, Count: count}
	}
	return it, nil
}

// section reads "[" [section-spec] "]" (RFC 9051 §9).
func (p *parser) section() (*Section, error) {
	p.pos++ // "["
	s := &Section{}
	for p.peek() >= '0' && p.peek() <= '9' {
		n, err := p.nzNumber("section part")
		if err != nil {
			return nil, err
		}
		if len(s.Part) >= 100 {
			return nil, bad("section part too deep")
		}
		s.Part = append(s.Part, n)
		if p.peek() != '.' {
			break
		}
		p.pos++
		if c := p.peek(); c < '0' || c > '9' {
			break // section-text follows
		}
	}
	if p.peek() == ']' {
		if len(s.Part) > 0 && p.line[p.pos-1] == '.' {
			return nil, bad("section ends with '.'")
		}
		p.pos++
		return s, nil
	}
	spec := strings.ToUpper(string(p.take(func(c byte) bool { return isAtomChar(c) })))
	switch spec {
	case "HEADER", "TEXT":
	case "MIME":
		if len(s.Part) == 0 {
			return nil, bad("MIME needs a section part")
		}
	case "HEADER.FIELDS", "HEADER.FIELDS.NOT":
		if err := p.sp(); err != nil {
			return nil, err
		}
		err := p.list(false, func() error {
			f, err := p.astring("header field name")
			s.Fields = append(s.Fields, strings.ToUpper(f))
			return err
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, bad("unknown section %q", truncate([]byte(spec), 30))
	}
	s.Specifier = spec
	return s, p.expect(']', "']'")
}

// binarySection reads section-binary = "[" [section-part] "]" (RFC 3516).
func (p *parser) binarySection() (*Section, error) {
	if err := p.expect('[', "'['"); err != nil {
		return nil, err
	}
	s := &Section{}
	if p.peek() == ']' {
		p.pos++
		return s, nil
	}
	for {
		n, err := p.nzNumber("section part")
		if err != nil {
			return nil, err
		}
		if len(s.Part) >= 100 {
			return nil, bad("section part too deep")
		}
		s.Part = append(s.Part, n)
		if p.peek() != '.' {
			break
		}
		p.pos++
	}
	return s, p.expect(']', "']'")
}
