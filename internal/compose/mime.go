package compose

// The MIME tree (RFC 2045, RFC 2046) and its encodings. Bodies are written
// in 7 bits so that any relay takes them (no 8BITMIME needed): ASCII text
// with short lines as it is, text mostly ASCII as quoted-printable, other
// text and every file as base64 (RFC 2045 §6.7, §6.8).

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"mime"
	"mime/quotedprintable"
	"strings"
)

// part is one MIME entity: a leaf with an encoded body, or a multipart.
type part struct {
	header   header
	body     string // encoded, for leaves
	children []*part
	boundary string
}

// randomToken returns n random bytes as unpadded URL-safe base64.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// multipart makes a multipart/subtype of the children. The boundary starts
// with "=_", which neither base64 nor quoted-printable can produce.
func multipart(subtype string, children ...*part) *part {
	p := &part{children: children, boundary: "=_" + randomToken(18)}
	p.header.add("Content-Type", "multipart/"+subtype+"; boundary=\""+p.boundary+"\"")
	return p
}

// write appends the entity: header, blank line, body.
func (p *part) write(b *strings.Builder) {
	p.header.write(b)
	b.WriteString("\r\n")
	if p.boundary == "" {
		b.WriteString(p.body)
		return
	}
	for i, c := range p.children {
		if i > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("--" + p.boundary + "\r\n")
		c.write(b)
	}
	b.WriteString("\r\n--" + p.boundary + "--\r\n")
}

// crlf turns every line break into CRLF.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// textPart makes a text/subtype part in UTF-8 with the cheapest 7-bit
// encoding.
func textPart(subtype, s string) *part {
	s = crlf(s)
	p := &part{}
	p.header.add("Content-Type", "text/"+subtype+"; charset=UTF-8")
	nonASCII, longLine, lineLen := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			lineLen = 0
		case c >= 0x80:
			nonASCII++
		}
		if lineLen++; lineLen > lineLimit {
			longLine = true
		}
	}
	switch {
	case nonASCII == 0 && !longLine:
		p.header.add("Content-Transfer-Encoding", "7bit")
		p.body = s
	case nonASCII*5 <= len(s):
		p.header.add("Content-Transfer-Encoding", "quoted-printable")
		p.body = quotedPrintable(s)
	default:
		p.header.add("Content-Transfer-Encoding", "base64")
		p.body = base64Lines([]byte(s))
	}
	if !strings.HasSuffix(p.body, "\r\n") {
		p.body += "\r\n"
	}
	return p
}

func quotedPrintable(s string) string {
	var buf bytes.Buffer
	w := quotedprintable.NewWriter(&buf)
	w.Write([]byte(s)) // a bytes.Buffer does not fail
	w.Close()
	return buf.String()
}

// base64Lines encodes b in lines of 76 characters (RFC 2045 §6.8).
func base64Lines(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	out.Grow(len(enc) + len(enc)/38 + 2)
	for len(enc) > lineLimit {
		out.WriteString(enc[:lineLimit])
		out.WriteString("\r\n")
		enc = enc[lineLimit:]
	}
	out.WriteString(enc)
	out.WriteString("\r\n")
	return out.String()
}

// MediaType returns a clean type/subtype, application/octet-stream when ct
// is not one (upload Content-Type headers are the browser's guess).
func MediaType(ct string) string {
	t, _, err := mime.ParseMediaType(ct)
	if err != nil || strings.Count(t, "/") != 1 || strings.HasPrefix(t, "multipart/") {
		return "application/octet-stream"
	}
	return t
}

// filePart makes an attachment or, with a Content-ID, an inline part.
func filePart(a *Attachment) *part {
	p := &part{}
	ct := MediaType(a.ContentType)
	name := CleanFilename(a.Filename)
	if ct == "message/rfc822" && rfc822Safe(a.Data) {
		// RFC 2046 §5.2.1: a message/rfc822 body is 7bit or 8bit, never
		// base64. One with longer lines than SMTP carries goes as a file.
		p.header.add("Content-Type", ct+"; name="+nameParam(name))
		p.header.add("Content-Disposition", "attachment; "+filenameParam(name))
		p.header.add("Content-Transfer-Encoding", eightBit(a.Data))
		p.body = crlf(string(a.Data))
		return p
	}
	if ct == "message/rfc822" {
		ct = "application/octet-stream"
	}
	p.header.add("Content-Type", ct+"; name="+nameParam(name))
	disp := "attachment"
	if a.ContentID != "" {
		disp = "inline"
		p.header.add("Content-ID", "<"+a.ContentID+">")
	}
	p.header.add("Content-Disposition", disp+"; "+filenameParam(name))
	p.header.add("Content-Transfer-Encoding", "base64")
	p.body = base64Lines(a.Data)
	return p
}

// rfc822Safe reports whether a message can travel as message/rfc822: no
// NUL and no line over SMTP's 998 characters (RFC 5321 §4.5.3.1.6).
func rfc822Safe(b []byte) bool {
	for _, line := range bytes.Split(b, []byte("\n")) {
		if len(line) > 998 || bytes.IndexByte(line, 0) >= 0 {
			return false
		}
	}
	return true
}

func eightBit(b []byte) string {
	for _, c := range b {
		if c >= 0x80 {
			return "8bit"
		}
	}
	return "7bit"
}
