package bodypart

import (
	"encoding/binary"
	"errors"
	"fmt"

	"postroom/internal/imapd/wire"
)

// The stored form of a message's ENVELOPE and BODYSTRUCTURE: computed once
// when the message is stored (internal/mail) and kept in the store, so
// that FETCH ENVELOPE, BODYSTRUCTURE and BODY answer without opening the
// message file (issue 17: the newest 50 envelopes of a large mailbox).
//
// Format (all integers unsigned varints, a string is its length and its
// bytes; a list is its count and its elements):
//
//	envelope  = version date subject 6*address-list in-reply-to message-id
//	address   = name adl mailbox host
//	structure = version body
//	body      = type subtype params id description encoding size lines
//	            has (has&1: envelope-fields) (has&2: body) parts
//	            md5 disposition disposition-params languages location
//	params    = count *(name value)
//
// version is storedVersion; a decoder meets only what an encoder of the
// same version wrote, and any other version is an error, which the reader
// answers by parsing the file (the fallback of rows stored before). An
// empty list decodes as nil: the IMAP writer sends NIL for both.

// storedVersion is the first byte of an encoded envelope or structure.
const storedVersion = 1

// maxStoredDepth bounds the nesting a decoder follows: deeper than Parse
// ever builds (maxDepth levels of multipart and message/rfc822), so only
// a corrupt or forged value reaches it.
const maxStoredDepth = 2*maxDepth + 2

// ErrBadStored is wrapped by the decoders for a value they cannot read.
var ErrBadStored = errors.New("bodypart: bad stored envelope or structure")

// StoredCurrent reports whether b was written by this version's encoder:
// a value of another version is computed again from the file and kept
// (internal/mail), not left to fail every FETCH.
func StoredCurrent(b []byte) bool { return len(b) > 0 && b[0] == storedVersion }

// EncodeEnvelope returns the stored form of e.
func EncodeEnvelope(e *wire.Envelope) []byte {
	b := []byte{storedVersion}
	return appendEnvelope(b, e)
}

// DecodeEnvelope reads what EncodeEnvelope wrote.
func DecodeEnvelope(b []byte) (*wire.Envelope, error) {
	d := &decoder{b: b}
	if d.byte() != storedVersion {
		return nil, fmt.Errorf("%w: envelope version", ErrBadStored)
	}
	e := d.envelope()
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return nil, fmt.Errorf("envelope: %w", d.err)
	}
	return e, nil
}

// EncodeStructure returns the stored form of s.
func EncodeStructure(s *wire.BodyStructure) []byte {
	b := []byte{storedVersion}
	return appendBody(b, s)
}

// DecodeStructure reads what EncodeStructure wrote.
func DecodeStructure(b []byte) (*wire.BodyStructure, error) {
	d := &decoder{b: b}
	if d.byte() != storedVersion {
		return nil, fmt.Errorf("%w: structure version", ErrBadStored)
	}
	s := d.body(0)
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return nil, fmt.Errorf("structure: %w", d.err)
	}
	return s, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendEnvelope(b []byte, e *wire.Envelope) []byte {
	b = appendString(b, e.Date)
	b = appendString(b, e.Subject)
	for _, list := range [][]wire.Address{e.From, e.Sender, e.ReplyTo, e.To, e.Cc, e.Bcc} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, a := range list {
			b = appendString(b, a.Name)
			b = appendString(b, a.Adl)
			b = appendString(b, a.Mailbox)
			b = appendString(b, a.Host)
		}
	}
	b = appendString(b, e.InReplyTo)
	return appendString(b, e.MessageID)
}

func appendParams(b []byte, ps [][2]string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ps)))
	for _, p := range ps {
		b = appendString(b, p[0])
		b = appendString(b, p[1])
	}
	return b
}

func appendBody(b []byte, s *wire.BodyStructure) []byte {
	b = appendString(b, s.Type)
	b = appendString(b, s.Subtype)
	b = appendParams(b, s.Params)
	b = appendString(b, s.ID)
	b = appendString(b, s.Description)
	b = appendString(b, s.Encoding)
	b = binary.AppendUvarint(b, uint64(s.Size))
	b = binary.AppendUvarint(b, uint64(s.Lines))
	var has byte
	if s.Envelope != nil {
		has |= 1
	}
	if s.Body != nil {
		has |= 2
	}
	b = append(b, has)
	if s.Envelope != nil {
		b = appendEnvelope(b, s.Envelope)
	}
	if s.Body != nil {
		b = appendBody(b, s.Body)
	}
	b = binary.AppendUvarint(b, uint64(len(s.Parts)))
	for _, p := range s.Parts {
		b = appendBody(b, p)
	}
	b = appendString(b, s.MD5)
	b = appendString(b, s.Disposition)
	b = appendParams(b, s.DispositionParams)
	b = binary.AppendUvarint(b, uint64(len(s.Language)))
	for _, l := range s.Language {
		b = appendString(b, l)
	}
	return appendString(b, s.Location)
}

// decoder reads a stored value; after the first error every read returns
// zero values, so the callers check d.err once at the end. Every count
// is checked against the bytes left (each element takes at least one), so
// a decoder allocates no more than its input justifies.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrBadStored, what)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail("short")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uint32() uint32 {
	v := d.uvarint()
	if v > 1<<32-1 {
		d.fail("number out of range")
		return 0
	}
	return uint32(v)
}

// count reads a list length whose elements take at least min bytes each.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.b)/min) {
		d.fail("count beyond the value")
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("string beyond the value")
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) envelope() *wire.Envelope {
	e := &wire.Envelope{Date: d.string(), Subject: d.string()}
	for _, list := range []*[]wire.Address{&e.From, &e.Sender, &e.ReplyTo, &e.To, &e.Cc, &e.Bcc} {
		n := d.count(4)
		if n == 0 {
			continue
		}
		as := make([]wire.Address, n)
		for i := range as {
			as[i] = wire.Address{Name: d.string(), Adl: d.string(), Mailbox: d.string(), Host: d.string()}
		}
		*list = as
	}
	e.InReplyTo = d.string()
	e.MessageID = d.string()
	return e
}

func (d *decoder) params() [][2]string {
	n := d.count(2)
	if n == 0 {
		return nil
	}
	ps := make([][2]string, n)
	for i := range ps {
		ps[i] = [2]string{d.string(), d.string()}
	}
	return ps
}

// minBody is the fewest bytes an encoded body takes: its strings, counts
// and numbers one byte each.
const minBody = 15

func (d *decoder) body(depth int) *wire.BodyStructure {
	if depth > maxStoredDepth {
		d.fail("nested too deep")
		return &wire.BodyStructure{}
	}
	s := &wire.BodyStructure{Type: d.string(), Subtype: d.string(), Params: d.params(),
		ID: d.string(), Description: d.string(), Encoding: d.string(), Size: d.uint32(), Lines: d.uint32()}
	has := d.byte()
	if has&^3 != 0 {
		d.fail("unknown presence bits")
	}
	if has&1 != 0 {
		s.Envelope = d.envelope()
	}
	if has&2 != 0 {
		s.Body = d.body(depth + 1)
	}
	if n := d.count(minBody); n > 0 {
		s.Parts = make([]*wire.BodyStructure, n)
		for i := range s.Parts {
			s.Parts[i] = d.body(depth + 1)
		}
	}
	s.MD5 = d.string()
	s.Disposition = d.string()
	s.DispositionParams = d.params()
	if n := d.count(1); n > 0 {
		s.Language = make([]string, n)
		for i := range s.Language {
			s.Language[i] = d.string()
		}
	}
	s.Location = d.string()
	return s
}
