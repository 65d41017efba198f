package message

// The header section (RFC 5322 §2.2) read leniently. Real mail breaks the
// grammar in every way, and the server must still store it and show it:
//   - lines may end in CRLF or a bare LF (Unix mailers, mbox files);
//   - the blank line before the body may be missing: the first line that is
//     neither a field nor a continuation starts the body;
//   - a message may have no body at all, or no header at all;
//   - field values may hold 8-bit bytes (RFC 6532 UTF-8, or raw CP949 from
//     Korean mailers) and NULs; they are kept as they are;
//   - RFC 5322 §4.5.1 obsolete syntax puts whitespace between the field name
//     and the colon ("Subject : hi").
//
// Field values keep their raw bytes; decoding (RFC 2047, charsets) happens
// on demand in Header.Decoded and in the parsers that need it.

import (
	"bytes"
	"strings"
)

// Header is a header section: its fields in the order they appear.
// The zero value is an empty header.
type Header struct {
	fields []Field
}

// Field is one header field.
type Field struct {
	// Name is the field name as written, without the colon or any
	// whitespace before it.
	Name string
	// Value is the field body unfolded (RFC 5322 §2.2.3: line breaks before
	// whitespace removed) with surrounding whitespace trimmed, undecoded.
	Value string
	// Raw is the whole field as it appears in the message, from the first
	// byte of the name through the line break that ends its last line. It
	// shares memory with the raw message and must not be modified.
	Raw []byte
}

// Get returns the value of the first field named name (compared
// case-insensitively), unfolded but not decoded; "" when there is none.
func (h Header) Get(name string) string {
	for _, f := range h.fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Has reports whether a field named name is present.
func (h Header) Has(name string) bool {
	for _, f := range h.fields {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Values returns the values of every field named name, in order.
func (h Header) Values(name string) []string {
	var vs []string
	for _, f := range h.fields {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Decoded returns the first value of name with RFC 2047 encoded words and
// raw 8-bit bytes decoded to UTF-8 (see DecodeHeader).
func (h Header) Decoded(name string) string {
	return DecodeHeader(h.Get(name))
}

// Fields returns all fields in order. The slice is a copy; the Raw bytes
// are shared with the message.
func (h Header) Fields() []Field {
	return append([]Field(nil), h.fields...)
}

// Len returns the number of fields.
func (h Header) Len() int { return len(h.fields) }

// readHeader reads the header section of raw[start:end]. It returns the
// fields, the offset where the body starts (after the blank line, or at the
// first line that cannot belong to a header, or end) and soft problems.
func readHeader(raw []byte, start, end int) (Header, int, []string) {
	var (
		h        Header
		problems []string
		pos      = start
		// the field being read: its start, the end of its name and of its
		// last line so far (including the line break)
		fStart, fName, fColon, fEnd = -1, 0, 0, 0
	)
	flush := func() {
		if fStart < 0 {
			return
		}
		h.fields = append(h.fields, Field{
			Name:  string(bytes.TrimRight(raw[fStart:fName], " \t")),
			Value: unfold(raw[fColon+1 : fEnd]),
			Raw:   raw[fStart:fEnd:fEnd],
		})
		fStart = -1
	}
	for pos < end {
		lineEnd, next := lineAt(raw, pos, end)
		line := raw[pos:lineEnd]
		switch {
		case len(line) == 0:
			// RFC 5322 §2.1: the header ends at the first empty line.
			flush()
			return h, next, problems
		case line[0] == ' ' || line[0] == '\t':
			// RFC 5322 §2.2.3: a folded continuation of the field above.
			if fStart >= 0 {
				fEnd = next
			} else {
				problems = append(problems, "continuation line before the first header field ignored")
			}
		default:
			colon := fieldColon(line)
			if colon < 0 {
				flush()
				if len(h.fields) == 0 && bytes.HasPrefix(line, []byte("From ")) {
					// An mbox "From " separator left in front of the message.
					problems = append(problems, "mbox From_ line before the header ignored")
					break
				}
				problems = append(problems, "header not ended by a blank line; body starts at the first non-header line")
				return h, pos, problems
			}
			flush()
			fStart, fName, fColon, fEnd = pos, pos+nameEnd(line, colon), pos+colon, next
		}
		pos = next
	}
	flush()
	return h, end, problems
}

// lineAt returns the end of the line starting at pos (before its CRLF or
// LF) and the start of the next line, looking no further than end.
func lineAt(raw []byte, pos, end int) (lineEnd, next int) {
	i := bytes.IndexByte(raw[pos:end], '\n')
	if i < 0 {
		return end, end
	}
	lineEnd, next = pos+i, pos+i+1
	if lineEnd > pos && raw[lineEnd-1] == '\r' {
		lineEnd--
	}
	return lineEnd, next
}

// fieldColon returns the index of the colon ending the field name in line,
// or -1 when line is not a field. RFC 5322 §3.6.8: a name is one or more
// printable ASCII characters except colon; §4.5.1 lets whitespace follow it.
func fieldColon(line []byte) int {
	for i, c := range line {
		switch {
		case c == ':':
			if i == 0 {
				return -1
			}
			return i
		case c == ' ' || c == '\t':
			// Only whitespace may follow the name, up to the colon.
			j := i
			for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
				j++
			}
			if j < len(line) && line[j] == ':' && i > 0 {
				return j
			}
			return -1
		case c < 33 || c > 126:
			return -1
		}
	}
	return -1
}

// nameEnd returns the end of the name in a field line whose colon is at
// colon (whitespace before the colon is not part of the name).
func nameEnd(line []byte, colon int) int {
	n := colon
	for n > 0 && (line[n-1] == ' ' || line[n-1] == '\t') {
		n--
	}
	return n
}

// unfold removes the line breaks of a folded field body (RFC 5322 §2.2.3)
// and trims surrounding whitespace. Bare CRs that do not end a line stay.
func unfold(b []byte) string {
	if bytes.IndexByte(b, '\n') < 0 {
		return string(bytes.Trim(b, " \t\r"))
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '\n':
		case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
		default:
			out = append(out, b[i])
		}
	}
	return string(bytes.Trim(out, " \t\r"))
}
