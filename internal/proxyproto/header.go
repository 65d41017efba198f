// Package proxyproto owns HAProxy's PROXY protocol on Postroom's mail
// listeners (issue 20): a load balancer in front of several nodes opens
// each connection with a header naming the client it relays, so that SMTP,
// IMAP and POP3 see the real client's address (Received lines, SPF, DNSBL,
// login throttles, per-address connection limits, access logs) rather
// than the balancer's. Versions 1 (text) and 2 (binary) are read, as the
// specification says (https://www.haproxy.org/download/2.8/doc/proxy-protocol.txt,
// cited below as "spec §n").
//
// Invariants:
//   - A header is read only from a peer in the trusted list; anyone else
//     could name any address, so their connections are served as they are.
//   - Parse reads exactly the header's bytes and never more, so the bytes
//     that follow (a TLS ClientHello, an SMTP command) stay in the socket
//     for the server.
//   - A header is never longer than MaxV1 bytes (version 1) or
//     16+MaxV2Payload (version 2); a longer one is an error.
package proxyproto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
)

const (
	// MaxV1 is the longest version 1 line, CRLF included (spec §2.1:
	// "PROXY TCP6" with two full IPv6 addresses and ports is 107 bytes).
	MaxV1 = 107
	// MaxV2Payload bounds the length field of a version 2 header: the
	// addresses (216 bytes at most, for AF_UNIX) and the TLVs a balancer
	// adds (SSL details, a unique id, ...). The field allows 65535; a
	// header that large is not something a balancer of ours sends, and
	// each pending connection would hold it in memory.
	MaxV2Payload = 2048
)

// v2sig is the 12-byte signature that opens a version 2 header (spec §2.2);
// it cannot start any text protocol's first line.
var v2sig = []byte("\r\n\r\n\x00\r\nQUIT\n")

// ErrNoHeader is returned when the first bytes are neither a version 1
// nor a version 2 header.
var ErrNoHeader = errors.New("proxyproto: no PROXY header")

// Header is what a PROXY header says about the connection.
type Header struct {
	Version int // 1 or 2
	// Local is true when the header names no client: a version 2 LOCAL
	// command (the balancer's own health check, spec §2.2), a version 1
	// UNKNOWN line, or an address family we do not take (AF_UNSPEC,
	// AF_UNIX). The connection's real peer is then its address.
	Local bool
	// Source and Dest are the client's and the balancer's front-end
	// addresses when Local is false.
	Source, Dest netip.AddrPort
}

// Parse reads one PROXY header, version 1 or 2, from r, and not one byte
// more. Errors say what was wrong; ErrNoHeader (wrapped) when the stream
// does not start with one at all.
func Parse(r io.Reader) (Header, error) {
	// The six bytes "PROXY " (version 1) or the first six of the
	// signature (version 2): every header is at least 15 bytes long
	// ("PROXY UNKNOWN\r\n"), so reading six never waits for bytes the
	// peer has no reason to send (SMTP and POP3 clients wait for the
	// server's greeting once the header is through).
	var start [16]byte
	if _, err := io.ReadFull(r, start[:6]); err != nil {
		return Header{}, fmt.Errorf("proxyproto: reading header: %w", err)
	}
	switch {
	case string(start[:6]) == "PROXY ":
		return parseV1(r)
	case bytes.Equal(start[:6], v2sig[:6]):
		if _, err := io.ReadFull(r, start[6:]); err != nil {
			return Header{}, fmt.Errorf("proxyproto: reading v2 header: %w", err)
		}
		return parseV2(r, start)
	}
	return Header{}, fmt.Errorf("%w (starts %q)", ErrNoHeader, start[:6])
}

// parseV1 reads the rest of a version 1 line after "PROXY " (spec §2.1):
//
//	PROXY TCP4 192.0.2.1 198.51.100.2 56324 25\r\n
//	PROXY UNKNOWN[ anything]\r\n
func parseV1(r io.Reader) (Header, error) {
	// Byte by byte, up to the LF: the line has no length prefix, and
	// reading ahead would take the client's first bytes. A hundred small
	// reads once per connection, from a balancer on the local network.
	line := make([]byte, 0, MaxV1)
	line = append(line, "PROXY "...)
	var b [1]byte
	for {
		if len(line) == MaxV1 {
			return Header{}, fmt.Errorf("proxyproto: v1 line longer than %d bytes", MaxV1)
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Header{}, fmt.Errorf("proxyproto: reading v1 line: %w", err)
		}
		line = append(line, b[0])
		if b[0] == '\n' {
			break
		}
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return Header{}, errors.New("proxyproto: v1 line does not end in CRLF")
	}
	text := string(line[len("PROXY ") : len(line)-2])
	// spec §2.1: after UNKNOWN the receiver ignores the rest of the line
	// and keeps the real connection's addresses.
	if text == "UNKNOWN" || strings.HasPrefix(text, "UNKNOWN ") {
		return Header{Version: 1, Local: true}, nil
	}
	f := strings.Split(text, " ") // exactly one space between fields
	if len(f) != 5 {
		return Header{}, fmt.Errorf("proxyproto: v1 line %q: want 6 fields", line)
	}
	var want6 bool
	switch f[0] {
	case "TCP4":
	case "TCP6":
		want6 = true
	default:
		return Header{}, fmt.Errorf("proxyproto: v1 protocol %q: want TCP4, TCP6 or UNKNOWN", f[0])
	}
	src, err := v1Addr(f[1], f[3], want6)
	if err != nil {
		return Header{}, fmt.Errorf("proxyproto: v1 source: %w", err)
	}
	dst, err := v1Addr(f[2], f[4], want6)
	if err != nil {
		return Header{}, fmt.Errorf("proxyproto: v1 destination: %w", err)
	}
	return Header{Version: 1, Source: src, Dest: dst}, nil
}

// v1Addr parses one address and port of a version 1 line: an IPv4
// dotted quad for TCP4, an IPv6 address for TCP6, a port 0-65535 in
// decimal without sign or leading zero.
func v1Addr(ip, port string, want6 bool) (netip.AddrPort, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Zone() != "" || a.Is4() == want6 {
		return netip.AddrPort{}, fmt.Errorf("address %q: not of the line's protocol", ip)
	}
	if port == "" || len(port) > 5 || (len(port) > 1 && port[0] == '0') || strings.Trim(port, "0123456789") != "" {
		return netip.AddrPort{}, fmt.Errorf("port %q", port)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("port %q", port)
	}
	return netip.AddrPortFrom(a, uint16(p)), nil
}

// parseV2 reads the rest of a version 2 header whose first 16 bytes are
// in h (spec §2.2): signature, version and command, family and transport,
// the payload's length, then the addresses and TLVs (skipped).
func parseV2(r io.Reader, h [16]byte) (Header, error) {
	if !bytes.Equal(h[:12], v2sig) {
		return Header{}, fmt.Errorf("%w (bad v2 signature)", ErrNoHeader)
	}
	if h[12]>>4 != 2 {
		return Header{}, fmt.Errorf("proxyproto: v2 version %d: only 2 is accepted", h[12]>>4)
	}
	cmd, fam := h[12]&0x0f, h[13]
	n := int(binary.BigEndian.Uint16(h[14:16]))
	if n > MaxV2Payload {
		return Header{}, fmt.Errorf("proxyproto: v2 payload of %d bytes, more than %d", n, MaxV2Payload)
	}
	var need int // the address block's size for fam
	switch fam {
	case 0x00: // AF_UNSPEC
	case 0x11, 0x12: // TCP or UDP over IPv4
		need = 12
	case 0x21, 0x22: // over IPv6
		need = 36
	case 0x31, 0x32: // AF_UNIX
		need = 216
	default:
		// spec §2.2: other values must be rejected by receivers.
		return Header{}, fmt.Errorf("proxyproto: v2 family/transport 0x%02x", fam)
	}
	switch cmd {
	case 0x0, 0x1: // LOCAL, PROXY
	default:
		return Header{}, fmt.Errorf("proxyproto: v2 command 0x%x", cmd)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return Header{}, fmt.Errorf("proxyproto: reading v2 payload: %w", err)
	}
	// spec §2.2: LOCAL is the balancer's own connection (a health check):
	// keep the real endpoints and ignore whatever the payload holds.
	if cmd == 0x0 {
		return Header{Version: 2, Local: true}, nil
	}
	if n < need {
		return Header{}, fmt.Errorf("proxyproto: v2 payload of %d bytes, family 0x%02x needs %d", n, fam, need)
	}
	// The bytes after the addresses are TLVs (spec §2.2.x): nothing
	// Postroom needs, so they were read and are dropped.
	switch need {
	case 12:
		return Header{Version: 2,
			Source: netip.AddrPortFrom(netip.AddrFrom4([4]byte(payload[0:4])), binary.BigEndian.Uint16(payload[8:10])),
			Dest:   netip.AddrPortFrom(netip.AddrFrom4([4]byte(payload[4:8])), binary.BigEndian.Uint16(payload[10:12])),
		}, nil
	case 36:
		return Header{Version: 2,
			Source: netip.AddrPortFrom(netip.AddrFrom16([16]byte(payload[0:16])), binary.BigEndian.Uint16(payload[32:34])),
			Dest:   netip.AddrPortFrom(netip.AddrFrom16([16]byte(payload[16:32])), binary.BigEndian.Uint16(payload[34:36])),
		}, nil
	}
	// AF_UNSPEC or AF_UNIX: no IP address to give; the real peer stands.
	return Header{Version: 2, Local: true}, nil
}
