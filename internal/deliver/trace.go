package deliver

import (
	"fmt"
	"net"
	"strings"
)

// traceHeaders returns the Return-Path (RFC 5321 §4.4: added at final
// delivery) and Received headers prepended to a stored message. They name
// no recipient, so one blob serves every recipient of the transaction.
func (p *Pipeline) traceHeaders(env *Envelope) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Return-Path: <%s>\r\n", sanitize(env.From))
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
