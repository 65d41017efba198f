package bodypart

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Parse reads the stored message r of size octets once and returns its
// MIME tree. It fails only when r fails: malformed MIME gives the
// structure as far as it is readable (see the package comment).
func Parse(r io.ReaderAt, size int64) (*Part, error) {
	p, release, err := newParser(r, size)
	defer release()
	if err != nil {
		return nil, err
	}
	root := &Part{}
	p.parts = 1
	if err := p.entity(root, nil, 0, false); err != nil {
		return nil, fmt.Errorf("bodypart: reading message: %w", err)
	}
	return root, nil
}

// ParseHeader reads only the top-level header of the stored message r of
// size octets: enough for ENVELOPE and for BODY[], [HEADER],
// [HEADER.FIELDS[.NOT]], [TEXT] and RFC822.* without scanning the body
// (a FETCH of header fields need not read attachments). Its root has no
// tree: Find, and Section or Binary with a part number, answer
// ErrHeaderOnly; Structure is not to be sent (Lines is not counted).
func ParseHeader(r io.ReaderAt, size int64) (*Part, error) {
	p, release, err := newParser(r, size)
	defer release()
	if err != nil {
		return nil, err
	}
	root := &Part{headerOnly: true}
	if err := p.readHeader(root, nil); err != nil {
		return nil, fmt.Errorf("bodypart: reading message header: %w", err)
	}
	root.interpret(false)
	root.boundary = ""
	root.End = max(size, root.BodyStart)
	return root, nil
}

// newParser starts reading r with a pooled buffer, which release returns.
func newParser(r io.ReaderAt, size int64) (*parser, func(), error) {
	br := readers.Get().(*bufio.Reader)
	br.Reset(io.NewSectionReader(r, 0, size))
	release := func() {
		br.Reset(nil)
		readers.Put(br)
	}
	p := &parser{br: br}
	if err := p.advance(); err != nil {
		return nil, release, fmt.Errorf("bodypart: reading message: %w", err)
	}
	return p, release, nil
}

// readers are the parsers' buffers: a line longer than one is read in
// chunks.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 32<<10) }}

// parser walks the message a line (or, for lines longer than the
// buffer, a chunk) at a time; line is the current one, not yet consumed.
type parser struct {
	br *bufio.Reader

	line     []byte // current chunk, valid until advance
	lineOff  int64  // offset of line
	bol      bool   // line starts a line (the chunk before ended in LF)
	eof      bool   // no line: end of message
	nlBefore int64  // LFs before line

	prevEOL   int  // length of the line break ending the chunk before line (0, 1, 2)
	prevBlank bool // the chunk before line was an empty line
	lastCR    bool // the chunk before line ended in CR

	parts int   // parts created so far
	kept  int64 // header bytes kept so far
}

// advance makes the next chunk current.
func (p *parser) advance() error {
	if p.line != nil {
		eol := eolLen(p.line)
		if eol == 1 && len(p.line) == 1 && !p.bol && p.lastCR {
			eol = 2 // a CRLF split between two chunks of a long line
		}
		p.lastCR = p.line[len(p.line)-1] == '\r'
		p.prevEOL = eol
		p.prevBlank = p.bol && len(p.line) == p.prevEOL && p.prevEOL > 0
		p.bol = p.prevEOL > 0
		p.lineOff += int64(len(p.line))
		if p.prevEOL > 0 {
			p.nlBefore++
		}
	} else if !p.eof && p.lineOff == 0 {
		p.bol = true
	}
	line, err := p.br.ReadSlice('\n')
	switch {
	case err == nil, errors.Is(err, bufio.ErrBufferFull):
	case err == io.EOF:
		if len(line) == 0 {
			p.line, p.eof = nil, true
			return nil
		}
	default:
		return err
	}
	p.line = line
	return nil
}

func eolLen(b []byte) int {
	switch {
	case bytes.HasSuffix(b, []byte("\r\n")):
		return 2
	case bytes.HasSuffix(b, []byte("\n")):
		return 1
	}
	return 0
}

// boundary reports whether the current line is a delimiter of one of
// bounds (innermost last): its index, and whether it closes (--b--).
func (p *parser) boundary(bounds []string) (int, bool) {
	if p.eof || !p.bol || len(bounds) == 0 || !bytes.HasPrefix(p.line, []byte("--")) {
		return -1, false
	}
	l := bytes.TrimRight(p.line[2:], " \t\r\n")
	for i := len(bounds) - 1; i >= 0; i-- {
		b := bounds[i]
		if !bytes.HasPrefix(l, []byte(b)) {
			continue
		}
		switch rest := l[len(b):]; {
		case len(rest) == 0:
			return i, false
		case string(rest) == "--":
			return i, true
		}
	}
	return -1, false
}

func (p *parser) atBoundary(bounds []string) bool {
	i, _ := p.boundary(bounds)
	return i >= 0
}

// endHere is where a body that ends at the current line ends: before the
// line break that precedes a boundary (RFC 2046 §5.1.1), or at the end.
func (p *parser) endHere(part *Part, nlBody int64) {
	end, nl, lastNL := p.lineOff, p.nlBefore, false
	if p.eof {
		lastNL = p.prevEOL > 0
	} else if p.prevEOL > 0 {
		end -= int64(p.prevEOL)
		nl--
		lastNL = p.prevBlank
	}
	if end <= part.BodyStart {
		// An empty body; when the line break that ended the header is
		// the one before the delimiter, it belongs to the delimiter.
		part.BodyStart = max(part.HeaderStart, min(part.BodyStart, end))
		part.End, part.Lines = part.BodyStart, 0
		return
	}
	part.End = end
	part.Lines = nl - nlBody
	if !lastNL {
		part.Lines++
	}
}

// skip consumes lines up to a delimiter of bounds or the end.
func (p *parser) skip(bounds []string) error {
	for !p.eof {
		if i, _ := p.boundary(bounds); i >= 0 {
			return nil
		}
		if err := p.advance(); err != nil {
			return err
		}
	}
	return nil
}

// entity parses one entity (header and body) starting at the current
// line; it stops at a delimiter of bounds or the end of the message.
func (p *parser) entity(part *Part, bounds []string, depth int, digest bool) error {
	part.HeaderStart = p.lineOff
	if p.atBoundary(bounds) && p.lineOff > 0 {
		// An empty entity: the line break before the delimiter is the
		// delimiter's, so the entity sits before it.
		part.HeaderStart -= int64(p.prevEOL)
	}
	if err := p.readHeader(part, bounds); err != nil {
		return err
	}
	part.interpret(digest)
	nlBody := p.nlBefore
	switch {
	case part.boundary != "" && depth < maxDepth:
		if err := p.multipart(part, bounds, depth); err != nil {
			return err
		}
	case part.isMessage() && depth < maxDepth && p.parts < maxParts && identityCTE(part.Encoding) &&
		!p.eof && !p.atBoundary(bounds): // (an empty body encapsulates nothing)
		p.parts++
		m := &Part{}
		if err := p.entity(m, bounds, depth+1, false); err != nil {
			return err
		}
		part.Message = m
	default:
		if err := p.skip(bounds); err != nil {
			return err
		}
	}
	p.endHere(part, nlBody)
	if part.boundary != "" && len(part.Parts) == 0 {
		part.asText() // no parts found: RFC 2045 §5.2, as the text it is
	}
	return nil
}

// readHeader reads header lines up to the empty line that ends the
// header (consumed), a delimiter of bounds, or the end.
func (p *parser) readHeader(part *Part, bounds []string) error {
	var cur *field // the field being read, if kept
	for !p.eof {
		if i, _ := p.boundary(bounds); i >= 0 {
			// The header runs into a delimiter: no body. The line break
			// before the delimiter belongs to it.
			part.BodyStart = max(part.HeaderStart, p.lineOff-int64(p.prevEOL))
			return nil
		}
		line := p.line
		if p.bol && len(line) == eolLen(line) {
			if err := p.advance(); err != nil {
				return err
			}
			part.BodyStart = p.lineOff
			return nil
		}
		switch {
		case !p.bol || line[0] == ' ' || line[0] == '\t':
			// continuation of a long line or of a folded field
			if cur != nil {
				p.keep(cur, line)
			}
		default:
			cur = nil
			if colon := bytes.IndexByte(line, ':'); colon > 0 {
				name := string(bytes.ToLower(bytes.TrimRight(line[:colon], " \t")))
				if keptFields[name] && part.header.get(name) == nil {
					part.header = append(part.header, field{name: name})
					cur = &part.header[len(part.header)-1]
					p.keep(cur, line[colon+1:])
				}
			}
		}
		if err := p.advance(); err != nil {
			return err
		}
	}
	part.BodyStart = p.lineOff
	return nil
}

// keep appends b to a kept field within the per-field and per-message
// budgets.
func (p *parser) keep(f *field, b []byte) {
	n := min(len(b), maxFieldLen-len(f.value), int(maxKeptHeader-p.kept))
	if n <= 0 {
		return
	}
	f.value = append(f.value, b[:n]...)
	p.kept += int64(n)
}

// multipart parses the body of a multipart: preamble, parts, close
// delimiter, epilogue.
func (p *parser) multipart(part *Part, bounds []string, depth int) error {
	inner := append(bounds[:len(bounds):len(bounds)], part.boundary)
	own := len(inner) - 1
	if err := p.skip(inner); err != nil { // preamble
		return err
	}
	digest := equalFold(part.Subtype, "digest")
	for {
		i, closing := p.boundary(inner)
		if i != own {
			return nil // an enclosing delimiter or the end: no close delimiter
		}
		if err := p.advance(); err != nil {
			return err
		}
		if closing {
			return p.skip(bounds) // epilogue
		}
		if p.parts >= maxParts {
			return p.skip(bounds) // the rest is opaque
		}
		p.parts++
		child := &Part{}
		if err := p.entity(child, inner, depth+1, digest); err != nil {
			return err
		}
		part.Parts = append(part.Parts, child)
	}
}
