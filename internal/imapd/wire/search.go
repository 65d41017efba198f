package wire

import (
	"strings"
	"time"
)

// Search is SEARCH or UID SEARCH (RFC 9051 §6.4.4) with ESEARCH return
// options (RFC 4731, RFC 9051) and a CHARSET (RFC 3501).
type Search struct {
	UID     bool
	Charset string // upper-case; empty when not given
	// Return is nil without RETURN; RETURN () gives an empty, non-nil
	// list, which means ALL (RFC 4731 §3.1).
	Return  []string // MIN, MAX, ALL, COUNT, SAVE, PARTIAL, CONTEXT, UPDATE
	Partial string   // the range of RETURN (PARTIAL range) (RFC 9394)
	Key     *SearchKey
}

// SearchKey is a node of the criteria tree. Op is the upper-case key name
// (ALL, SEEN, FROM, BEFORE, LARGER, ...) or one of AND (the implicit
// conjunction of a list or of the top level), OR, NOT, SEQSET (a bare
// sequence set) and UID. Only the fields of the key's kind are set.
type SearchKey struct {
	Op     string
	Args   []*SearchKey // AND: any number; OR: two; NOT: one
	Field  string       // HEADER field name
	Value  string       // string argument; flag keyword of KEYWORD/UNKEYWORD
	Number uint64       // LARGER, SMALLER, OLDER, YOUNGER, MODSEQ
	Date   time.Time    // BEFORE, ON, SINCE, SENT*, SAVED*: midnight UTC of the date
	Set    SeqSet       // SEQSET, UID
	// MODSEQ entry (RFC 7162 §3.1.5): name and type (PRIV, SHARED, ALL).
	EntryName, EntryType string
}

type keyKind int

const (
	kindNone keyKind = iota
	kindString
	kindDate
	kindNumber
	kindFlag
	kindHeader
	kindSet
	kindNot
	kindOr
	kindModSeq
)

// searchKeys are the search keys of RFC 9051 §6.4.4 and RFC 3501 §6.4.4,
// with YOUNGER/OLDER (RFC 5032), MODSEQ (RFC 7162), SAVEDBEFORE, SAVEDON,
// SAVEDSINCE, SAVEDATESUPPORTED (RFC 8514), EMAILID, THREADID (RFC 8474).
var searchKeys = map[string]keyKind{
	"ALL": kindNone, "ANSWERED": kindNone, "DELETED": kindNone, "DRAFT": kindNone,
	"FLAGGED": kindNone, "NEW": kindNone, "OLD": kindNone, "RECENT": kindNone,
	"SEEN": kindNone, "UNANSWERED": kindNone, "UNDELETED": kindNone,
	"UNDRAFT": kindNone, "UNFLAGGED": kindNone, "UNSEEN": kindNone,
	"SAVEDATESUPPORTED": kindNone,
	"BCC":               kindString, "BODY": kindString, "CC": kindString, "FROM": kindString,
	"SUBJECT": kindString, "TEXT": kindString, "TO": kindString,
	"EMAILID": kindString, "THREADID": kindString,
	"BEFORE": kindDate, "ON": kindDate, "SINCE": kindDate, "SENTBEFORE": kindDate,
	"SENTON": kindDate, "SENTSINCE": kindDate, "SAVEDBEFORE": kindDate,
	"SAVEDON": kindDate, "SAVEDSINCE": kindDate,
	"LARGER": kindNumber, "SMALLER": kindNumber, "OLDER": kindNumber, "YOUNGER": kindNumber,
	"KEYWORD": kindFlag, "UNKEYWORD": kindFlag,
	"HEADER": kindHeader,
	"UID":    kindSet,
	"NOT":    kindNot,
	"OR":     kindOr,
	"MODSEQ": kindModSeq,
}

func (p *parser) searchArgs(uid bool) (any, error) {
	s := &Search{UID: uid}
	if p.tryKeyword("RETURN") {
		if err := p.sp(); err != nil {
			return nil, err
		}
		if err := p.searchReturn(s); err != nil {
			return nil, err
		}
		if err := p.sp(); err != nil {
			return nil, err
		}
	}
	var err error
	if s.Charset, s.Key, err = p.searchProgram(); err != nil {
		return nil, err
	}
	return s, nil
}

// searchReturn reads "(" [search-return-opt *(SP search-return-opt)] ")".
func (p *parser) searchReturn(s *Search) error {
	s.Return = []string{}
	return p.list(true, func() error {
		opt, err := p.keyword("search return option")
		if err != nil {
			return err
		}
		switch opt {
		case "MIN", "MAX", "ALL", "COUNT", "SAVE", "CONTEXT", "UPDATE":
		case "PARTIAL": // RFC 9394: PARTIAL range, e.g. 1:100 or -1:-100
			if err := p.sp(); err != nil {
				return err
			}
			r := p.take(func(c byte) bool { return c == '-' || c == ':' || (c >= '0' && c <= '9') })
			if len(r) == 0 {
				return p.unexpected("partial range")
			}
			s.Partial = string(r)
		default:
			return bad("unknown search return option %s", truncate([]byte(opt), 30))
		}
		s.Return = append(s.Return, opt)
		return nil
	})
}

// searchProgram reads ["CHARSET" SP charset SP] search-key *(SP search-key).
func (p *parser) searchProgram() (string, *SearchKey, error) {
	charset := ""
	if p.tryKeyword("CHARSET") {
		if err := p.sp(); err != nil {
			return "", nil, err
		}
		cs, err := p.astring("charset")
		if err != nil {
			return "", nil, err
		}
		charset = strings.ToUpper(cs)
		if err := p.sp(); err != nil {
			return "", nil, err
		}
	}
	and := &SearchKey{Op: "AND"}
	for {
		k, err := p.searchKey()
		if err != nil {
			return "", nil, err
		}
		and.Args = append(and.Args, k)
		if !p.trySP() {
			break
		}
	}
	if len(and.Args) == 1 {
		return charset, and.Args[0], nil
	}
	return charset, and, nil
}

func (p *parser) searchKey() (*SearchKey, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if p.peek() == '(' {
		p.pos++
		and := &SearchKey{Op: "AND"}
		for {
			k, err := p.searchKey()
			if err != nil {
				return nil, err
			}
			and.Args = append(and.Args, k)
			if p.peek() == ')' {
				p.pos++
				return and, nil
			}
			if err := p.sp(); err != nil {
				return nil, err
			}
		}
	}
	if p.isSeqSetStart() {
		set, err := p.seqSet()
		return &SearchKey{Op: "SEQSET", Set: set}, err
	}
	name, err := p.keyword("search key")
	if err != nil {
		return nil, err
	}
	kind, ok := searchKeys[name]
	if !ok {
		return nil, bad("unknown search key %s", truncate([]byte(name), 30))
	}
	k := &SearchKey{Op: name}
	if kind == kindNone {
		return k, nil
	}
	if err := p.sp(); err != nil {
		return nil, err
	}
	switch kind {
	case kindString:
		k.Value, err = p.astring(name + " argument")
	case kindDate:
		k.Date, err = p.date()
	case kindNumber:
		k.Number, err = p.number64(name + " argument")
	case kindFlag:
		k.Value, err = p.atom("flag keyword")
	case kindHeader:
		if k.Field, err = p.astring("header field name"); err == nil {
			if err = p.sp(); err == nil {
				k.Value, err = p.astring("header value")
			}
		}
	case kindSet:
		k.Set, err = p.seqSet()
	case kindNot:
		var a *SearchKey
		a, err = p.searchKey()
		k.Args = []*SearchKey{a}
	case kindOr:
		var a, b *SearchKey
		if a, err = p.searchKey(); err == nil {
			if err = p.sp(); err == nil {
				b, err = p.searchKey()
			}
		}
		k.Args = []*SearchKey{a, b}
	case kindModSeq:
		err = p.modSeqKey(k)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// modSeqKey reads "MODSEQ" SP [search-modsequence-ext SP]
// mod-sequence-valzer (RFC 7162 §3.1.5), the entry being
// entry-name SP entry-type-req.
func (p *parser) modSeqKey(k *SearchKey) error {
	if p.peek() == '"' || p.peek() == '{' {
		name, err := p.str("entry name")
		if err != nil {
			return err
		}
		if err := p.sp(); err != nil {
			return err
		}
		typ, err := p.keyword("entry type")
		if err != nil {
			return err
		}
		if typ != "PRIV" && typ != "SHARED" && typ != "ALL" {
			return bad("entry type must be priv, shared or all")
		}
		k.EntryName, k.EntryType = name, typ
		if err := p.sp(); err != nil {
			return err
		}
	}
	n, err := p.number64("mod-sequence")
	k.Number = n
	return err
}

// Sort is SORT or UID SORT (RFC 5256 §3) with ESORT return options
// (RFC 5267).
type Sort struct {
	UID      bool
	Return   []string
	Partial  string
	Criteria []SortCriterion
	Charset  string
	Key      *SearchKey
}

// SortCriterion is one sort key, upper-case: ARRIVAL, CC, DATE, FROM,
// SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO (RFC 5957).
type SortCriterion struct {
	Key     string
	Reverse bool
}

var sortKeys = map[string]bool{
	"ARRIVAL": true, "CC": true, "DATE": true, "FROM": true, "SIZE": true,
	"SUBJECT": true, "TO": true, "DISPLAYFROM": true, "DISPLAYTO": true,
}

func (p *parser) sortArgs(uid bool) (any, error) {
	s := &Sort{UID: uid}
	if p.tryKeyword("RETURN") {
		if err := p.sp(); err != nil {
			return nil, err
		}
		var tmp Search
		if err := p.searchReturn(&tmp); err != nil {
			return nil, err
		}
		s.Return, s.Partial = tmp.Return, tmp.Partial
		if err := p.sp(); err != nil {
			return nil, err
		}
	}
	err := p.list(false, func() error {
		c := SortCriterion{}
		if p.tryKeyword("REVERSE") {
			c.Reverse = true
			if err := p.sp(); err != nil {
				return err
			}
		}
		key, err := p.keyword("sort key")
		if err != nil {
			return err
		}
		if !sortKeys[key] {
			return bad("unknown sort key %s", truncate([]byte(key), 30))
		}
		c.Key = key
		s.Criteria = append(s.Criteria, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.Charset, s.Key, err = p.charsetAndKeys(); err != nil {
		return nil, err
	}
	return s, nil
}

// charsetAndKeys reads SP charset 1*(SP search-key): SORT and THREAD
// require the charset (RFC 5256 §3).
func (p *parser) charsetAndKeys() (string, *SearchKey, error) {
	if err := p.sp(); err != nil {
		return "", nil, err
	}
	cs, err := p.astring("charset")
	if err != nil {
		return "", nil, err
	}
	if err := p.sp(); err != nil {
		return "", nil, err
	}
	_, key, err := p.searchProgram()
	return strings.ToUpper(cs), key, err
}

// Thread is THREAD or UID THREAD (RFC 5256 §3).
type Thread struct {
	UID       bool
	Algorithm string // ORDEREDSUBJECT, REFERENCES, REFS
	Charset   string
	Key       *SearchKey
}

func (p *parser) threadArgs(uid bool) (any, error) {
	alg, err := p.keyword("thread algorithm")
	if err != nil {
		return nil, err
	}
	t := &Thread{UID: uid, Algorithm: alg}
	if t.Charset, t.Key, err = p.charsetAndKeys(); err != nil {
		return nil, err
	}
	return t, nil
}
