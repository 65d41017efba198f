package proxyproto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

// v2 builds a version 2 header: command (0 LOCAL, 1 PROXY), family and
// transport byte, then payload (addresses and TLVs) after its length.
func v2(cmd, fam byte, payload []byte) []byte {
	b := append([]byte(nil), v2sig...)
	b = append(b, 0x20|cmd, fam)
	b = binary.BigEndian.AppendUint16(b, uint16(len(payload)))
	return append(b, payload...)
}

// inet4 and inet6 are the address blocks of a version 2 header.
func inet4(src, dst netip.AddrPort) []byte {
	s, d := src.Addr().As4(), dst.Addr().As4()
	b := append(s[:], d[:]...)
	b = binary.BigEndian.AppendUint16(b, src.Port())
	return binary.BigEndian.AppendUint16(b, dst.Port())
}

func inet6(src, dst netip.AddrPort) []byte {
	s, d := src.Addr().As16(), dst.Addr().As16()
	b := append(s[:], d[:]...)
	b = binary.BigEndian.AppendUint16(b, src.Port())
	return binary.BigEndian.AppendUint16(b, dst.Port())
}

// format writes h back as a header of its version (for the fuzz target's
// round trip): a Local version 2 header as LOCAL, version 1 as UNKNOWN.
func format(h Header) []byte {
	if h.Version == 1 {
		if h.Local {
			return []byte("PROXY UNKNOWN\r\n")
		}
		proto := "TCP4"
		if h.Source.Addr().Is6() {
			proto = "TCP6"
		}
		return []byte("PROXY " + proto + " " + h.Source.Addr().String() + " " + h.Dest.Addr().String() + " " +
			itoa(h.Source.Port()) + " " + itoa(h.Dest.Port()) + "\r\n")
	}
	if h.Local {
		return v2(0, 0, nil)
	}
	if h.Source.Addr().Is4() {
		return v2(1, 0x11, inet4(h.Source, h.Dest))
	}
	return v2(1, 0x21, inet6(h.Source, h.Dest))
}

func itoa(p uint16) string { return strconv.Itoa(int(p)) }

var (
	client4 = netip.MustParseAddrPort("192.0.2.10:56324")
	front4  = netip.MustParseAddrPort("198.51.100.2:25")
	client6 = netip.MustParseAddrPort("[2001:db8::10]:40000")
	front6  = netip.MustParseAddrPort("[2001:db8::1]:993")
)

func TestParse_valid(t *testing.T) {
	tlv := []byte{0x04, 0x00, 0x03, 'a', 'b', 'c'} // PP2_TYPE_NOOP, skipped
	for _, tc := range []struct {
		name string
		in   []byte
		want Header
	}{
		{"v1 TCP4", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 56324 25\r\n"), Header{Version: 1, Source: client4, Dest: front4}},
		{"v1 TCP6", []byte("PROXY TCP6 2001:db8::10 2001:db8::1 40000 993\r\n"), Header{Version: 1, Source: client6, Dest: front6}},
		{"v1 TCP6 longest", []byte("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
			Header{Version: 1, Source: netip.MustParseAddrPort("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"),
				Dest: netip.MustParseAddrPort("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")}},
		{"v1 port 0", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 0 25\r\n"), Header{Version: 1, Source: netip.MustParseAddrPort("192.0.2.10:0"), Dest: front4}},
		{"v1 UNKNOWN", []byte("PROXY UNKNOWN\r\n"), Header{Version: 1, Local: true}},
		{"v1 UNKNOWN with addresses", []byte("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"), Header{Version: 1, Local: true}},
		{"v2 PROXY IPv4", v2(1, 0x11, inet4(client4, front4)), Header{Version: 2, Source: client4, Dest: front4}},
		{"v2 PROXY IPv6", v2(1, 0x21, inet6(client6, front6)), Header{Version: 2, Source: client6, Dest: front6}},
		{"v2 PROXY IPv4 with TLV", v2(1, 0x11, append(inet4(client4, front4), tlv...)), Header{Version: 2, Source: client4, Dest: front4}},
		{"v2 LOCAL", v2(0, 0x00, nil), Header{Version: 2, Local: true}},
		{"v2 LOCAL with addresses", v2(0, 0x11, inet4(client4, front4)), Header{Version: 2, Local: true}},
		{"v2 PROXY UNSPEC", v2(1, 0x00, nil), Header{Version: 2, Local: true}},
		{"v2 PROXY UNIX", v2(1, 0x31, make([]byte, 216)), Header{Version: 2, Local: true}},
		{"v2 longest payload", v2(1, 0x11, append(inet4(client4, front4), make([]byte, MaxV2Payload-12)...)), Header{Version: 2, Source: client4, Dest: front4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// the client's first bytes follow the header and must stay unread
			r := bytes.NewReader(append(append([]byte(nil), tc.in...), "\x16\x03\x01client"...))
			h, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if h != tc.want {
				t.Errorf("got %+v, want %+v", h, tc.want)
			}
			if rest, _ := io.ReadAll(r); string(rest) != "\x16\x03\x01client" {
				t.Errorf("left %q after the header, want the client's bytes", rest)
			}
		})
	}
}

func TestParse_invalid(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       []byte
		noHeader bool
	}{
		{"empty", nil, false},
		{"SMTP command", []byte("EHLO client.example\r\n"), true},
		{"TLS ClientHello", []byte("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), true},
		{"lowercase proxy", []byte("proxy TCP4 192.0.2.10 198.51.100.2 56324 25\r\n"), true},
		{"v1 LF only", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 56324 25\n"), false},
		{"v1 no end", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 56324 25"), false},
		{"v1 too long", []byte("PROXY UNKNOWN " + strings.Repeat("x", 100) + "\r\n"), false},
		{"v1 no CRLF in 107 bytes", []byte(strings.Repeat("PROXY ", 30)), false},
		{"v1 unknown protocol", []byte("PROXY UDP4 192.0.2.10 198.51.100.2 56324 25\r\n"), false},
		{"v1 missing field", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 56324\r\n"), false},
		{"v1 extra field", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 56324 25 x\r\n"), false},
		{"v1 double space", []byte("PROXY TCP4  192.0.2.10 198.51.100.2 56324 25\r\n"), false},
		{"v1 IPv6 in TCP4", []byte("PROXY TCP4 2001:db8::10 2001:db8::1 40000 993\r\n"), false},
		{"v1 IPv4 in TCP6", []byte("PROXY TCP6 192.0.2.10 198.51.100.2 56324 25\r\n"), false},
		{"v1 zone", []byte("PROXY TCP6 fe80::1%eth0 2001:db8::1 40000 993\r\n"), false},
		{"v1 leading zero address", []byte("PROXY TCP4 192.0.2.010 198.51.100.2 56324 25\r\n"), false},
		{"v1 leading zero port", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 056324 25\r\n"), false},
		{"v1 port too big", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 65536 25\r\n"), false},
		{"v1 signed port", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 +5632 25\r\n"), false},
		{"v1 hostname", []byte("PROXY TCP4 client.example 198.51.100.2 56324 25\r\n"), false},
		{"v2 truncated signature", v2sig[:10], false},
		{"v2 bad signature", append([]byte("\r\n\r\n\x00\r\nQUIX\n"), 0x21, 0x11, 0, 12), true},
		{"v2 version 1", append(append([]byte(nil), v2sig...), 0x11, 0x11, 0, 0), false},
		{"v2 version 3", append(append([]byte(nil), v2sig...), 0x31, 0x11, 0, 0), false},
		{"v2 command 2", v2(2, 0x11, inet4(client4, front4)), false},
		{"v2 family 4", v2(1, 0x41, inet4(client4, front4)), false},
		{"v2 transport 3", v2(1, 0x13, inet4(client4, front4)), false},
		{"v2 IPv4 short", v2(1, 0x11, inet4(client4, front4)[:11]), false},
		{"v2 IPv6 short", v2(1, 0x21, inet4(client4, front4)), false},
		{"v2 UNIX short", v2(1, 0x31, make([]byte, 215)), false},
		{"v2 payload too long", v2(1, 0x11, make([]byte, MaxV2Payload+1)), false},
		{"v2 payload cut short", v2(1, 0x11, inet4(client4, front4))[:20], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Parse(bytes.NewReader(tc.in))
			if err == nil {
				t.Fatalf("Parse accepted %q as %+v", tc.in, h)
			}
			if errors.Is(err, ErrNoHeader) != tc.noHeader {
				t.Errorf("errors.Is(%v, ErrNoHeader) = %v, want %v", err, !tc.noHeader, tc.noHeader)
			}
		})
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// FuzzParse: no input makes Parse panic or read past a header's bounds; an
// accepted header is exactly the bytes read (a v1 line ends at its first
// CRLF, a v2 header is 16 bytes and its length), and it says the same
// thing written back and parsed again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"PROXY TCP4 192.0.2.10 198.51.100.2 56324 25\r\n",
		"PROXY TCP6 2001:db8::10 2001:db8::1 40000 993\r\nA001 LOGIN",
		"PROXY UNKNOWN\r\n",
		"PROXY UNKNOWN 1 2 3\r\n",
		"PROXY TCP4 192.0.2.10 198.51.100.2 65536 25\r\n",
		"PROXY TCP4 192.0.2.10 198.51.100.2 56324 25\n",
		"EHLO client.example\r\n",
		string(v2(1, 0x11, inet4(client4, front4))),
		string(v2(1, 0x21, inet6(client6, front6))) + "\x16\x03\x01",
		string(v2(1, 0x11, append(inet4(client4, front4), 0x04, 0x00, 0x01, 0x00))),
		string(v2(0, 0x00, nil)),
		string(v2(1, 0x31, make([]byte, 216))),
		string(v2(1, 0x11, inet4(client4, front4)[:11])),
		string(v2sig) + "\x21\x11\xff\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		cr := &countingReader{r: bytes.NewReader(in)}
		h, err := Parse(cr)
		if cr.n > 16+MaxV2Payload {
			t.Fatalf("read %d bytes", cr.n)
		}
		if err != nil {
			return
		}
		read := in[:cr.n]
		switch h.Version {
		case 1:
			if cr.n > MaxV1 || !bytes.HasSuffix(read, []byte("\r\n")) || bytes.Index(read, []byte("\n")) != cr.n-1 {
				t.Fatalf("v1 header %q: not one line of at most %d bytes", read, MaxV1)
			}
		case 2:
			if cr.n != 16+int(binary.BigEndian.Uint16(in[14:16])) {
				t.Fatalf("v2 header: read %d bytes, length field says %d", cr.n, 16+int(binary.BigEndian.Uint16(in[14:16])))
			}
		default:
			t.Fatalf("version %d", h.Version)
		}
		if !h.Local && (!h.Source.IsValid() || !h.Dest.IsValid() || h.Source.Addr().Is4() != h.Dest.Addr().Is4()) {
			t.Fatalf("addresses %v %v", h.Source, h.Dest)
		}
		again, err := Parse(bytes.NewReader(format(h)))
		if err != nil || again != h {
			t.Fatalf("%+v written as %q parses as %+v, %v", h, format(h), again, err)
		}
	})
}
