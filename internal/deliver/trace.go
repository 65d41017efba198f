package deliver

import (
	"bytes"
	"fmt"
	"net"
	"strings"
)

// traceHeaders returns the Return-Path (RFC 5321 §4.4: added at final
// delivery), the Authentication-Results of inbound checks (RFC 8601, above
// the Received it belongs to) and the Received header prepended to a stored
// message. They name no recipient, so one blob serves every recipient of
// the transaction.
func (p *Pipeline) traceHeaders(env *Envelope, authResults string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Return-Path: <%s>\r\n", sanitize(env.From))
	b.WriteString(authResults)
	helo := sanitize(env.Helo)
	if helo == "" {
		helo = "unknown"
	}
	proto := env.Protocol
	if proto == "" {
		proto = "ESMTP"
	}
	remote := env.RemoteAddr
	if host, _, err := net.SplitHostPort(remote); err == nil {
		remote = "[" + host + "]"
	}
	fmt.Fprintf(&b, "Received: from %s (%s)\r\n\tby %s (Postroom) with %s id %s;\r\n\t%s\r\n",
		helo, sanitize(remote), sanitize(p.Hostname), proto, sanitize(env.ID),
		p.clock().Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	return []byte(b.String())
}

// sanitize keeps client-supplied text from breaking a header line.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '<' || r == '>' || r == '(' || r == ')' || r == ';' {
			return -1
		}
		return r
	}, s)
}

// editHeader returns raw without the header fields keep refuses (each
// field with its folded lines); raw itself, not a copy, when nothing is
// removed. keep sees every field, in order.
func editHeader(raw []byte, keep func(field []byte) bool) []byte {
	var out []byte // nil until a field is left out
	pos := 0
	body := eachField(raw, func(field []byte) bool {
		switch {
		case keep(field):
			if out != nil {
				out = append(out, field...)
			}
		case out == nil:
			out = append(make([]byte, 0, len(raw)-len(field)), raw[:pos]...)
		}
		pos += len(field)
		return true
	})
	if out == nil {
		return raw
	}
	return append(out, raw[body:]...)
}

// fieldName returns a header field's name.
func fieldName(field []byte) string {
	name, _, _ := bytes.Cut(field, []byte(":"))
	return string(bytes.TrimSpace(name))
}

func forgedAuthResults(field []byte, authservID string) bool {
	_, value, ok := bytes.Cut(field, []byte(":"))
	if !ok || !strings.EqualFold(fieldName(field), "Authentication-Results") {
		return false
	}
	id, _, _ := strings.Cut(strings.Join(strings.Fields(string(value)), " "), ";")
	return strings.EqualFold(strings.TrimSpace(id), authservID)
}

func remoteIP(addr string) net.IP {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return net.ParseIP(host)
}
