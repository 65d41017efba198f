package proxyproto

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/netip"
	"testing"
	"time"
)

// listen starts a Listener on loopback trusting the prefixes given.
func listen(t *testing.T, trusted ...string) *Listener {
	t.Helper()
	ps, err := ParseTrusted(trusted)
	if err != nil {
		t.Fatal(err)
	}
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := NewListener(nl, ps)
	l.Name = "test"
	l.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Cleanup(func() { l.Close() })
	return l
}

// dial connects to l and writes first (a header, a command) at once.
func dial(t *testing.T, l net.Listener, first []byte) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if len(first) > 0 {
		if _, err := c.Write(first); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// acceptOne returns the next connection of l, failing the test if none
// comes within the deadline.
func acceptOne(t *testing.T, l net.Listener) net.Conn {
	t.Helper()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() { c, err := l.Accept(); ch <- res{c, err} }()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("Accept: %v", r.err)
		}
		t.Cleanup(func() { r.c.Close() })
		return r.c
	case <-time.After(10 * time.Second):
		t.Fatal("no connection accepted within 10s")
		return nil
	}
}

// acceptAll accepts l's connections until the test ends and sends them
// on the channel returned.
func acceptAll(t *testing.T, l net.Listener) <-chan net.Conn {
	ch := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			ch <- c
		}
	}()
	return ch
}

// readLine reads one line of c within a deadline.
func readLine(t *testing.T, c net.Conn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	s, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("reading: %v (got %q)", err, s)
	}
	return s
}

// closedByServer waits for c to be closed by the other side.
func closedByServer(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := c.Read(make([]byte, 1))
	if n != 0 || err == nil {
		t.Fatalf("read %d bytes, %v: the connection is open", n, err)
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("connection still open after 10s")
	}
}

func TestListener_trustedHeader_clientIsRemoteAddr(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []byte
		want   string
	}{
		{"v1 TCP4", []byte("PROXY TCP4 192.0.2.10 198.51.100.2 56324 25\r\n"), "192.0.2.10:56324"},
		{"v1 TCP6", []byte("PROXY TCP6 2001:db8::10 2001:db8::1 40000 993\r\n"), "[2001:db8::10]:40000"},
		{"v2 IPv4", v2(1, 0x11, inet4(client4, front4)), "192.0.2.10:56324"},
		{"v2 IPv6", v2(1, 0x21, inet6(client6, front6)), "[2001:db8::10]:40000"},
		{"v2 IPv4-mapped IPv6", v2(1, 0x21, inet6(netip.MustParseAddrPort("[::ffff:192.0.2.10]:56324"), front6)), "192.0.2.10:56324"},
		// the balancer's health check and an unknown client: the peer
		{"v1 UNKNOWN", []byte("PROXY UNKNOWN\r\n"), "127.0.0.1"},
		{"v2 LOCAL", v2(0, 0x00, nil), "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := listen(t, "127.0.0.1/32")
			c := dial(t, l, append(tc.header, "hello\r\n"...))
			sc := acceptOne(t, l)
			got := sc.RemoteAddr().String()
			if tc.want == "127.0.0.1" {
				got, _, _ = net.SplitHostPort(got)
			}
			if got != tc.want {
				t.Errorf("RemoteAddr %s, want %s", got, tc.want)
			}
			if _, ok := sc.RemoteAddr().(*net.TCPAddr); !ok {
				t.Errorf("RemoteAddr is a %T, want *net.TCPAddr", sc.RemoteAddr())
			}
			// the bytes after the header are the server's
			if line := readLine(t, sc); line != "hello\r\n" {
				t.Errorf("server read %q", line)
			}
			sc.Write([]byte("ok\r\n"))
			if line := readLine(t, c); line != "ok\r\n" {
				t.Errorf("client read %q", line)
			}
		})
	}
}

// A peer outside the list is served as it is: its bytes are not taken
// for a header, and a header it sends is the server's to refuse.
func TestListener_untrustedPeer_passesThrough(t *testing.T) {
	l := listen(t, "10.0.0.0/8", "2001:db8::/32")
	header := "PROXY TCP4 192.0.2.10 198.51.100.2 56324 25\r\n"
	dial(t, l, []byte(header))
	sc := acceptOne(t, l)
	if host, _, _ := net.SplitHostPort(sc.RemoteAddr().String()); host != "127.0.0.1" {
		t.Errorf("RemoteAddr %s, want the peer 127.0.0.1", sc.RemoteAddr())
	}
	if line := readLine(t, sc); line != header {
		t.Errorf("server read %q, want the untouched %q", line, header)
	}
}

// A trusted peer that sends no header, or a bad one, is closed and never
// reaches the server; the next good one does.
func TestListener_trustedPeerWithoutHeader_closed(t *testing.T) {
	for _, tc := range []struct{ name, first string }{
		{"SMTP command", "EHLO client.example\r\n"},
		{"malformed v1", "PROXY TCP4 192.0.2.10 198.51.100.2 99999 25\r\n"},
		{"v1 too long", "PROXY UNKNOWN " + string(make([]byte, 120))},
		{"closed at once", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := listen(t, "127.0.0.0/8")
			conns := acceptAll(t, l)
			bad := dial(t, l, []byte(tc.first))
			if tc.first == "" {
				bad.(*net.TCPConn).CloseWrite()
			}
			closedByServer(t, bad)
			dial(t, l, []byte("PROXY TCP4 192.0.2.77 198.51.100.2 1234 25\r\n"))
			select {
			case sc := <-conns:
				if sc.RemoteAddr().String() != "192.0.2.77:1234" {
					t.Errorf("accepted %s, want the good connection 192.0.2.77:1234", sc.RemoteAddr())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the good connection was not accepted within 10s")
			}
		})
	}
}

// A trusted peer that says nothing is closed when its time is up.
func TestListener_silentTrustedPeer_timesOut(t *testing.T) {
	l := listen(t, "127.0.0.1")
	l.Timeout = 100 * time.Millisecond
	conns := acceptAll(t, l)
	closedByServer(t, dial(t, l, nil))
	select {
	case c := <-conns:
		t.Errorf("the silent peer was accepted as %s", c.RemoteAddr())
	default:
	}
}

// A trusted peer slow to send its header holds up no other connection.
func TestListener_slowHeader_doesNotBlockAccept(t *testing.T) {
	l := listen(t, "127.0.0.1")
	l.Timeout = time.Hour                          // the slow one stays pending throughout
	slow := dial(t, l, []byte("PROXY TCP4 192.0")) // half a header
	// the slow peer is surely accepted from the socket before the next
	// one: wait until its header is being read
	deadline := time.Now().Add(10 * time.Second)
	l.start.Do(func() { go l.run() }) // as the first Accept does
	for {
		l.mu.Lock()
		n := len(l.reading)
		l.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow connection's header is not being read")
		}
		time.Sleep(time.Millisecond)
	}
	dial(t, l, v2(1, 0x11, inet4(client4, front4)))
	if sc := acceptOne(t, l); sc.RemoteAddr().String() != client4.String() {
		t.Errorf("accepted %s, want the fast one %s", sc.RemoteAddr(), client4)
	}
	// and the slow one still gets through when it is done
	slow.Write([]byte(".2.11 198.51.100.2 5 25\r\n"))
	if sc := acceptOne(t, l); sc.RemoteAddr().String() != "192.0.2.11:5" {
		t.Errorf("accepted %s, want the slow one 192.0.2.11:5", sc.RemoteAddr())
	}
}

// Closing the listener closes the connections whose header is awaited.
func TestListener_close_closesPending(t *testing.T) {
	l := listen(t, "127.0.0.1")
	l.Timeout = time.Hour
	c := dial(t, l, []byte("PROXY "))
	accepted := make(chan error, 1)
	go func() { _, err := l.Accept(); accepted <- err }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l.mu.Lock()
		n := len(l.reading)
		l.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the connection's header is not being read")
		}
		time.Sleep(time.Millisecond)
	}
	l.Close()
	closedByServer(t, c)
	select {
	case err := <-accepted:
		if err == nil {
			t.Error("Accept returned a connection after Close")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Accept did not return after Close")
	}
}

// Implicit TLS (imaps, pop3s, submissions): the header comes before the
// handshake, so the Listener sits under the TLS one.
func TestListener_underTLS(t *testing.T) {
	l := listen(t, "127.0.0.1")
	cert := selfSigned(t)
	tl := tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}})
	raw := dial(t, l, []byte("PROXY TCP6 2001:db8::10 2001:db8::1 40000 993\r\n"))
	tc := tls.Client(raw, &tls.Config{InsecureSkipVerify: true})
	go tc.Write([]byte("a001 NOOP\r\n")) // handshakes first
	sc := acceptOne(t, tl)
	if sc.RemoteAddr().String() != client6.String() {
		t.Errorf("RemoteAddr %s, want %s", sc.RemoteAddr(), client6)
	}
	if line := readLine(t, sc); line != "a001 NOOP\r\n" {
		t.Errorf("server read %q over TLS", line)
	}
}

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.example"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), DNSNames: []string{"mail.example"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestParseTrusted(t *testing.T) {
	ps, err := ParseTrusted([]string{"10.0.0.5", "192.168.0.0/16", "2001:db8::/32", "::ffff:10.1.1.1", "10.9.9.9/24", "::ffff:10.2.0.0/112"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.5/32", "192.168.0.0/16", "2001:db8::/32", "10.1.1.1/32", "10.9.9.0/24", "10.2.0.0/16"}
	for i, p := range ps {
		if p.String() != want[i] {
			t.Errorf("%d: %s, want %s", i, p, want[i])
		}
	}
	for _, bad := range []string{"", "lb.example", "10.0.0.0/33", "fe80::1%eth0", "10.0.0.1:25"} {
		if _, err := ParseTrusted([]string{bad}); err == nil {
			t.Errorf("ParseTrusted(%q) accepted", bad)
		}
	}
}
