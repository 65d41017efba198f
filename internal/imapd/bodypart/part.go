package bodypart

import (
	"errors"
)

// Limits of the parser; beyond them the rest is opaque body.
const (
	maxDepth      = 64       // nesting of multipart and message/rfc822
	maxParts      = 10000    // parts of one message, all levels
	maxFieldLen   = 64 << 10 // one kept header field
	maxKeptHeader = 4 << 20  // kept header text of one message
	maxHeaderRead = 1 << 20  // header re-read for HEADER.FIELDS
	maxBoundary   = 200      // RFC 2046 allows 70; be lenient but bounded
)

// ErrNoPart is returned for a section part that the message does not have.
var ErrNoPart = errors.New("bodypart: no such part")

// ErrUnknownCTE is returned by Binary for a transfer encoding it cannot
// decode (RFC 3516 §4.3: NO [UNKNOWN-CTE]).
var ErrUnknownCTE = errors.New("bodypart: unknown content-transfer-encoding")

// ErrHeaderOnly is returned for a part number of a root from ParseHeader.
var ErrHeaderOnly = errors.New("bodypart: part of a message parsed by ParseHeader")

// Part is one MIME entity of a stored message: the root (the message
// itself), a part of a multipart, the encapsulated message of a
// message/rfc822 part.
type Part struct {
	// Byte offsets in the stored message: the header is
	// [HeaderStart, BodyStart) including the blank line that ends it; the
	// body is [BodyStart, End), without the line break before a boundary
	// (RFC 2046 §5.1.1).
	HeaderStart, BodyStart, End int64

	// Type and Subtype as written (case kept), "TEXT" "PLAIN" by default.
	Type, Subtype string
	// Params are the Content-Type parameters, names and values as
	// written (RFC 2231 continuations are not joined).
	Params [][2]string
	// Encoding is the Content-Transfer-Encoding as written, "" if none.
	Encoding string
	// Lines is the number of lines of the body (a last line without a
	// line break counts).
	Lines int64

	// Parts are the parts of a multipart.
	Parts []*Part
	// Message is the encapsulated message of a message/rfc822 or
	// message/global part.
	Message *Part

	header     header // the fields kept (see doc.go)
	boundary   string // of a multipart; "" when it has none usable
	headerOnly bool   // from ParseHeader: no tree below
}

// Size is the body's size in octets as stored (body-fld-octets).
func (p *Part) Size() int64 { return p.End - p.BodyStart }

// IsMultipart reports whether p is a multipart with parts (a multipart
// without any is described as text/plain).
func (p *Part) IsMultipart() bool { return len(p.Parts) > 0 }
