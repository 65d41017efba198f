package message

// The MIME tree (RFC 2045, RFC 2046). Every part is a window on the raw
// message given by three offsets, which IMAP needs for BODY[section]:
//
//	raw[HeaderStart:BodyStart]  the part's header and the blank line
//	                            (BODY[n.MIME], or BODY[HEADER] at the top)
//	raw[BodyStart:End]          the part's body, still transfer-encoded
//	                            (BODY[n], or BODY[TEXT] at the top)
//
// RFC 2046 §5.1.1: the line break before a boundary delimiter belongs to the
// delimiter, so a part's End is before that CRLF. Preamble and epilogue lie
// inside the multipart's body but in no child.
//
// Invariants after Parse: 0 <= HeaderStart <= BodyStart <= End <= len(raw)
// for every part; a child lies within its parent's body; a multipart part
// has at least one child; a message/rfc822 part whose body is not
// transfer-encoded has exactly one child, the encapsulated message.

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits that keep a hostile message from costing more than its size.
const (
	// maxDepth bounds nesting of multiparts and message/rfc822 parts.
	maxDepth = 50
	// maxParts bounds the number of parts of one message.
	maxParts = 10000
)

// ErrNotText is returned by Part.Text for a multipart part, which has no
// text of its own.
var ErrNotText = errors.New("message: multipart part has no text of its own")

// Message is a parsed message.
type Message struct {
	Header   Header   // top-level header (the same as Root.Header)
	Root     *Part    // MIME tree; a non-multipart message is a single part
	Problems []string // soft parse errors, human readable, in message order
	// text keeps Text once rendered: a delivery renders it for the list
	// preview and again for the word index (Preview, issue 21). Nil in a
	// Message not made by Parse, which renders each time.
	text *textMemo
}

// Part is one MIME entity (RFC 2045 §2.4).
type Part struct {
	Header Header
	// ContentType is the lower-case "type/subtype". It defaults to
	// text/plain (message/rfc822 inside multipart/digest, RFC 2046 §5.1.5),
	// and is text/plain for an unparsable Content-Type (RFC 2045 §5.2) and
	// for a multipart without a boundary.
	ContentType string
	// Params are the Content-Type parameters with lower-case names and
	// values decoded to UTF-8 (RFC 2231, RFC 2047); never nil.
	Params map[string]string
	// Disposition is "inline", "attachment" or "" (no or an unreadable
	// Content-Disposition). RFC 2183 §2.8: an unknown disposition type is
	// treated as "attachment".
	Disposition string
	// DispParams are the Content-Disposition parameters, decoded like
	// Params; never nil.
	DispParams map[string]string
	// Encoding is the lower-case Content-Transfer-Encoding, "7bit" when
	// absent (RFC 2045 §6.1).
	Encoding string
	// Children are the parts of a multipart, or the one encapsulated
	// message of a message/rfc822 part.
	Children []*Part
	// Byte offsets into the raw message; see the top of this file.
	HeaderStart, BodyStart, End int

	raw []byte
}

// Size is the size in bytes of the body as it is encoded in the message
// (IMAP body-fld-octets, RFC 9051 §7.5.2).
func (p *Part) Size() int { return p.End - p.BodyStart }

// Lines is the number of lines of the encoded body (IMAP body-fld-lines for
// text/* and message/rfc822 parts); a last line without a line break
// counts.
func (p *Part) Lines() int {
	b := p.RawBody()
	n := bytes.Count(b, []byte{'\n'})
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// RawHeader returns the part's header bytes as in the message, including
// the blank line that ends it. It shares memory with the raw message.
func (p *Part) RawHeader() []byte { return p.raw[p.HeaderStart:p.BodyStart:p.BodyStart] }

// RawBody returns the part's body as in the message, still
// transfer-encoded. It shares memory with the raw message.
func (p *Part) RawBody() []byte { return p.raw[p.BodyStart:p.End:p.End] }

// Charset returns the lower-case charset parameter, or "" when absent
// (RFC 2045 §5.2 then means us-ascii for text parts).
func (p *Part) Charset() string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(p.Params["charset"]), "\"'"))
}

// IsMultipart reports whether the part is a multipart/* container.
func (p *Part) IsMultipart() bool { return strings.HasPrefix(p.ContentType, "multipart/") }

// Body returns the body with its transfer encoding removed (base64,
// quoted-printable; 7bit, 8bit, binary and unknown encodings as they are).
// It never fails: broken base64 decodes as far as it is readable. The
// result is a fresh copy.
func (p *Part) Body() []byte {
	return decodeTransfer(p.Encoding, p.RawBody())
}

// Text returns Body() decoded from the part's charset to UTF-8, with CRLF
// line breaks turned into LF. It never fails on the content: an unknown or
// missing charset falls back to UTF-8 if the bytes are valid UTF-8, else
// CP949 if they look Korean, else windows-1252. An HTML part without a
// charset parameter uses the charset of its <meta> tag. The error is
// ErrNotText for a multipart part, which has no body of its own.
func (p *Part) Text() (string, error) {
	if p.IsMultipart() {
		return "", ErrNotText
	}
	return p.textPrefix(0, 0), nil
}

// textPrefix is Text decoded from a prefix of the raw body, about factor
// times limit bytes (quoted-printable takes three bytes for one) ending at
// a line, when the body is longer; the whole body when limit is 0.
func (p *Part) textPrefix(limit, factor int) string {
	if p.IsMultipart() {
		return ""
	}
	raw := p.RawBody()
	if want := factor*limit + 1024; limit > 0 && len(raw) > want {
		raw = raw[:want]
		// end at a line: a character cut in two would make valid UTF-8
		// look like another charset, and cut the last base64 group
		if i := bytes.LastIndexByte(raw, '\n'); i > len(raw)/2 {
			raw = raw[:i+1]
		} else {
			raw = raw[:completeUTF8(raw)]
		}
	}
	body := decodeTransfer(p.Encoding, raw)
	cs := p.Charset()
	if cs == "" && p.ContentType == "text/html" {
		cs = sniffHTMLCharset(body)
	}
	return strings.ReplaceAll(decodeText(cs, body), "\r\n", "\n")
}

// completeUTF8 is the length of b without a UTF-8 sequence cut at its end.
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// Filename returns the attachment's file name decoded to UTF-8: the
// Content-Disposition filename (RFC 2183 §2.3, RFC 2231, RFC 2047), else the
// Content-Type name parameter that older mailers use. It is the name as the
// sender wrote it; callers that write files must sanitise it.
func (p *Part) Filename() string {
	if f := strings.TrimSpace(p.DispParams["filename"]); f != "" {
		return f
	}
	return strings.TrimSpace(p.Params["name"])
}

// IsAttachment reports whether the part is an attachment: it has
// Content-Disposition attachment, or it is neither text nor multipart and
// has a file name.
func (p *Part) IsAttachment() bool {
	if p.Disposition == "attachment" {
		return true
	}
	if p.IsMultipart() || strings.HasPrefix(p.ContentType, "text/") {
		return false
	}
	return p.Filename() != ""
}

// Walk calls fn for p and every part below it, depth first in message
// order. If fn returns false, the parts below that part are skipped.
func (p *Part) Walk(fn func(*Part) bool) {
	if !fn(p) {
		return
	}
	for _, c := range p.Children {
		c.Walk(fn)
	}
}

// Parse parses a raw message leniently. It never fails on malformed input:
// parse problems are recorded in Message.Problems and parsing continues as
// far as possible. The raw bytes are never modified; the parts refer to
// them, so raw must not be changed while the Message is in use.
func Parse(raw []byte) *Message {
	ps := &parser{raw: raw}
	root := ps.part(0, len(raw), 0, "text/plain", "message")
	return &Message{Header: root.Header, Root: root, Problems: ps.problems, text: new(textMemo)}
}

// parser holds the state of one Parse.
type parser struct {
	raw      []byte
	problems []string
	parts    int
}

func (ps *parser) problem(where, what string) {
	ps.problems = append(ps.problems, where+": "+what)
}

// part parses the entity in raw[start:end]. where names it in problems.
func (ps *parser) part(start, end, depth int, defaultType, where string) *Part {
	ps.parts++
	h, bodyStart, probs := readHeader(ps.raw, start, end)
	for _, pr := range probs {
		ps.problem(where, pr)
	}
	p := &Part{
		Header:      h,
		HeaderStart: start,
		BodyStart:   bodyStart,
		End:         end,
		raw:         ps.raw,
		Encoding:    normEncoding(h.Get("Content-Transfer-Encoding")),
	}
	ps.contentType(p, defaultType, where)
	ps.disposition(p, where)

	switch {
	case p.IsMultipart():
		if depth >= maxDepth {
			ps.problem(where, "nesting deeper than "+strconv.Itoa(maxDepth)+" levels; treated as one part")
			p.ContentType = "application/octet-stream"
			return p
		}
		ps.multipart(p, depth, where)
	case p.ContentType == "message/rfc822" || p.ContentType == "message/global":
		// RFC 2046 §5.2.1: only 7bit, 8bit or binary is allowed for
		// message/rfc822, and only then do the inner offsets map onto raw.
		if p.Encoding != "7bit" && p.Encoding != "8bit" && p.Encoding != "binary" {
			ps.problem(where, "encapsulated message has transfer encoding "+quoteProblem(p.Encoding)+"; not parsed")
			return p
		}
		if depth >= maxDepth || ps.parts >= maxParts {
			ps.problem(where, "too deeply nested or too many parts; encapsulated message not parsed")
			return p
		}
		p.Children = []*Part{ps.part(p.BodyStart, p.End, depth+1, "text/plain", where+"/message")}
	}
	return p
}

// contentType fills ContentType and Params from the Content-Type field.
func (ps *parser) contentType(p *Part, defaultType, where string) {
	p.ContentType = defaultType
	p.Params = map[string]string{}
	v := p.Header.Get("Content-Type")
	if v == "" {
		return
	}
	typ, params, probs := parseParamValue(v)
	for _, pr := range probs {
		ps.problem(where, "Content-Type: "+pr)
	}
	p.Params = params
	slash := strings.IndexByte(typ, '/')
	if slash <= 0 || slash == len(typ)-1 || strings.IndexByte(typ[slash+1:], '/') >= 0 {
		// RFC 2045 §5.2: an invalid Content-Type means text/plain.
		ps.problem(where, "invalid Content-Type "+quoteProblem(typ)+"; treated as text/plain")
		p.ContentType = "text/plain"
		return
	}
	p.ContentType = typ
	if p.IsMultipart() && params["boundary"] == "" {
		ps.problem(where, "multipart without boundary; treated as text/plain")
		p.ContentType = "text/plain"
	}
}

// disposition fills Disposition and DispParams (RFC 2183).
func (ps *parser) disposition(p *Part, where string) {
	p.DispParams = map[string]string{}
	v := p.Header.Get("Content-Disposition")
	if v == "" {
		return
	}
	typ, params, probs := parseParamValue(v)
	if strings.Contains(typ, "=") {
		// "Content-Disposition: filename=a.pdf": no type, only a parameter.
		_, params, probs = parseParamValue(";" + v)
		typ = ""
	}
	for _, pr := range probs {
		ps.problem(where, "Content-Disposition: "+pr)
	}
	p.DispParams = params
	switch typ {
	case "inline", "attachment":
		p.Disposition = typ
	case "":
	default:
		// RFC 2183 §2.8: unrecognised types are treated as attachment.
		p.Disposition = "attachment"
	}
}

// multipart splits p's body at its boundary (RFC 2046 §5.1.1) and parses
// each body part. Leniencies: a missing close delimiter ends the last part
// at the end of the body; whitespace after a delimiter is ignored (the
// RFC allows it, "transport padding"); anything after a close delimiter's
// "--" is ignored.
func (ps *parser) multipart(p *Part, depth int, where string) {
	delim := []byte("--" + p.Params["boundary"])
	childType := "text/plain"
	if p.ContentType == "multipart/digest" {
		childType = "message/rfc822"
	}
	var (
		spans   [][2]int
		inPart  bool
		closed  bool
		pStart  int
		pos     = p.BodyStart
		end     = p.End
		limited bool
	)
	for pos < end && !closed {
		lineEnd, next := lineAt(ps.raw, pos, end)
		line := ps.raw[pos:lineEnd]
		if bytes.HasPrefix(line, delim) {
			rest := line[len(delim):]
			closing := bytes.HasPrefix(rest, []byte("--"))
			if closing || len(bytes.Trim(rest, " \t")) == 0 {
				if inPart {
					spans = append(spans, [2]int{pStart, trimLineBreak(ps.raw, pStart, pos)})
				}
				if closing {
					closed = true
				} else if ps.parts+len(spans) >= maxParts {
					limited = true
					inPart = false
					break
				} else {
					inPart, pStart = true, next
				}
			}
		}
		pos = next
	}
	if inPart && !closed {
		ps.problem(where, "multipart has no close delimiter")
		spans = append(spans, [2]int{pStart, end})
	}
	if limited {
		ps.problem(where, "more than "+strconv.Itoa(maxParts)+" parts; the rest is not parsed")
	}
	if len(spans) == 0 {
		// No delimiter at all: the body is one text part, so that IMAP
		// still has a body part to show (a multipart needs one).
		ps.problem(where, "multipart has no body parts; body treated as one text part")
		p.Children = []*Part{{
			ContentType: "text/plain",
			Params:      map[string]string{},
			DispParams:  map[string]string{},
			Encoding:    "7bit",
			HeaderStart: p.BodyStart,
			BodyStart:   p.BodyStart,
			End:         p.End,
			raw:         ps.raw,
		}}
		ps.parts++
		return
	}
	p.Children = make([]*Part, 0, len(spans))
	for i, s := range spans {
		if ps.parts >= maxParts {
			ps.problem(where, "more than "+strconv.Itoa(maxParts)+" parts; the rest is not parsed")
			break
		}
		p.Children = append(p.Children, ps.part(s[0], s[1], depth+1, childType, subWhere(where, i+1)))
	}
	if len(p.Children) == 0 {
		// Out of parts before the first child: keep the invariant that a
		// multipart has children by not calling it one.
		p.ContentType = "application/octet-stream"
	}
}

// trimLineBreak returns the end of a body part that is followed by a
// delimiter line starting at pos: the CRLF or LF before the delimiter
// belongs to the delimiter (RFC 2046 §5.1.1).
func trimLineBreak(raw []byte, start, pos int) int {
	if pos > start && raw[pos-1] == '\n' {
		pos--
		if pos > start && raw[pos-1] == '\r' {
			pos--
		}
	}
	return pos
}

// subWhere names the n-th child of where for problems, IMAP style.
func subWhere(where string, n int) string {
	if where == "message" {
		return "part " + strconv.Itoa(n)
	}
	return where + "." + strconv.Itoa(n)
}
