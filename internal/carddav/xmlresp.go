package carddav

// The answers we write: DAV:multistatus (RFC 4918 §13) and DAV:error
// bodies (§16). They are written as text with the three namespaces
// declared once at the root (d:, card:, cs:), which every client reads
// and which keeps the answer readable; a property of another namespace
// (asked for, not found) declares its own.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

// prefixes of the namespaces declared at the root of every answer.
var prefixes = map[string]string{nsDAV: "d", nsCard: "card", nsCS: "cs"}

const rootAttrs = ` xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/"`

// esc escapes text for element content and attribute values.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// element is an element named n holding inner (already XML).
func element(n xml.Name, inner string) string {
	if p, ok := prefixes[n.Space]; ok {
		if inner == "" {
			return "<" + p + ":" + n.Local + "/>"
		}
		return "<" + p + ":" + n.Local + ">" + inner + "</" + p + ":" + n.Local + ">"
	}
	// Names come from the parser, so they are well-formed; the namespace
	// is escaped as the attribute value it becomes. No namespace cannot
	// have a prefix: the default namespace is undeclared instead.
	if n.Space == "" {
		return "<" + n.Local + ` xmlns="">` + inner + "</" + n.Local + ">"
	}
	if inner == "" {
		return "<x:" + n.Local + ` xmlns:x="` + esc(n.Space) + `"/>`
	}
	return "<x:" + n.Local + ` xmlns:x="` + esc(n.Space) + `">` + inner + "</x:" + n.Local + ">"
}

func dav(local string) xml.Name  { return xml.Name{Space: nsDAV, Local: local} }
func card(local string) xml.Name { return xml.Name{Space: nsCard, Local: local} }
func cs(local string) xml.Name   { return xml.Name{Space: nsCS, Local: local} }

// statusLine is the DAV:status text of code.
func statusLine(code int) string {
	return fmt.Sprintf("HTTP/1.1 %d %s", code, http.StatusText(code))
}

// multistatus collects the responses of one answer.
type multistatus struct {
	b bytes.Buffer
}

// propstat is one property of a response: its value (inner XML) when
// found, else the status it gets instead.
type propstat struct {
	name   xml.Name
	value  string
	status int // 200, 404, 403
}

// add writes a response for href with its properties grouped by status.
func (m *multistatus) add(href string, props []propstat) {
	m.b.WriteString("<d:response><d:href>" + esc(href) + "</d:href>")
	for _, code := range []int{http.StatusOK, http.StatusForbidden, http.StatusNotFound} {
		var inner strings.Builder
		for _, p := range props {
			if p.status == code {
				inner.WriteString(element(p.name, p.value))
			}
		}
		if inner.Len() > 0 {
			m.b.WriteString("<d:propstat><d:prop>" + inner.String() + "</d:prop><d:status>" + statusLine(code) + "</d:status></d:propstat>")
		}
	}
	m.b.WriteString("</d:response>")
}

// addStatus writes a response for href without properties (a multiget's
// href not found, a query cut short), with an optional DAV:error inside.
func (m *multistatus) addStatus(href string, code int, errInner string) {
	m.b.WriteString("<d:response><d:href>" + esc(href) + "</d:href><d:status>" + statusLine(code) + "</d:status>")
	if errInner != "" {
		m.b.WriteString("<d:error>" + errInner + "</d:error>")
	}
	m.b.WriteString("</d:response>")
}

// write sends the answer: 207 Multi-Status.
func (m *multistatus) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(http.StatusMultiStatus)
	w.Write([]byte(xml.Header + "<d:multistatus" + rootAttrs + ">"))
	w.Write(m.b.Bytes())
	w.Write([]byte("</d:multistatus>"))
}

// davError answers code with a DAV:error body naming the precondition
// that failed (RFC 4918 §16), inner being its element(s).
func davError(w http.ResponseWriter, code int, inner string) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(code)
	w.Write([]byte(xml.Header + "<d:error" + rootAttrs + ">" + inner + "</d:error>"))
}

// needPrivileges is the DAV:error body of a change refused by the
// book's privileges (RFC 3744 §7.1.1): which resource, which privilege.
func needPrivileges(href, privilege string) string {
	return "<d:need-privileges><d:resource><d:href>" + esc(href) + "</d:href><d:privilege><d:" + privilege + "/></d:privilege></d:resource></d:need-privileges>"
}
