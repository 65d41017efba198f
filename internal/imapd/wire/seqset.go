package wire

import (
	"strconv"
	"strings"
)

// SeqRange is a range of sequence numbers or UIDs; Star (0) stands for
// "*", the largest number in use (RFC 9051 §9 seq-number). Start may be
// greater than Stop: "4:2" is the same set as "2:4".
type SeqRange struct {
	Start, Stop uint32
}

// Star is "*" in a SeqRange.
const Star = 0

// SeqSet is a sequence-set (RFC 9051 §9), or "$", the result saved by
// SEARCH RETURN (SAVE) (RFC 5182 §2), when Saved is set.
type SeqSet struct {
	Ranges []SeqRange
	Saved  bool
}

func (s SeqSet) String() string {
	if s.Saved {
		return "$"
	}
	var b strings.Builder
	for i, r := range s.Ranges {
		if i > 0 {
			b.WriteByte(',')
		}
		writeSeqNum(&b, r.Start)
		if r.Stop != r.Start {
			b.WriteByte(':')
			writeSeqNum(&b, r.Stop)
		}
	}
	return b.String()
}

func writeSeqNum(b *strings.Builder, n uint32) {
	if n == Star {
		b.WriteByte('*')
		return
	}
	b.WriteString(strconv.FormatUint(uint64(n), 10))
}

// Contains reports whether n is in the set, "*" standing for max. A saved
// set ("$") contains nothing here: the session resolves it.
func (s SeqSet) Contains(n, max uint32) bool {
	for _, r := range s.Ranges {
		lo, hi := r.Start, r.Stop
		if lo == Star {
			lo = max
		}
		if hi == Star {
			hi = max
		}
		if lo > hi {
			lo, hi = hi, lo
		}
		if n >= lo && n <= hi {
			return true
		}
	}
	return false
}

// seqSet reads a sequence-set, or "$" (RFC 5182).
func (p *parser) seqSet() (SeqSet, error) {
	if p.peek() == '$' {
		p.pos++
		return SeqSet{Saved: true}, nil
	}
	var s SeqSet
	for {
		start, err := p.seqNumber()
		if err != nil {
			return SeqSet{}, err
		}
		stop := start
		if p.peek() == ':' {
			p.pos++
			if stop, err = p.seqNumber(); err != nil {
				return SeqSet{}, err
			}
		}
		s.Ranges = append(s.Ranges, SeqRange{Start: start, Stop: stop})
		if p.peek() != ',' {
			return s, nil
		}
		p.pos++
	}
}

func (p *parser) seqNumber() (uint32, error) {
	if p.peek() == '*' {
		p.pos++
		return Star, nil
	}
	return p.nzNumber("sequence number")
}

// isSeqSetStart tells whether a search key here is a sequence set.
func (p *parser) isSeqSetStart() bool {
	c := p.peek()
	return c == '*' || c == '$' || (c >= '0' && c <= '9')
}

// ParseSeqSet parses a sequence-set as sent in a command.
func ParseSeqSet(s string) (SeqSet, error) {
	p := &parser{r: &Reader{limits: DefaultLimits}, line: []byte(s)}
	set, err := p.seqSet()
	if err == nil {
		err = p.end()
	}
	return set, err
}
