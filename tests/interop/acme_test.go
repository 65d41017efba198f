package interop

// Certificates over ACME (RFC 8555, issue 19) from Debian's pebble, a
// test CA started here on 127.0.0.1. Pebble looks the names up in a
// small DNS server of this test (every name is 127.0.0.1) and validates
// on the ports the server under test listens on: TLS-ALPN-01 on its
// https listener, or, with no https listener, HTTP-01 on its http one.
// The certificate a client gets chains to pebble's root, is kept in the
// data directory over a restart, and is refused for names that are not
// the server's or its hosted domains'.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// startTestDNS answers every A question with 127.0.0.1 and every other
// question with no record, over UDP on 127.0.0.1.
func startTestDNS(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired})
			b.StartQuestions()
			b.Question(q)
			b.StartAnswers()
			if q.Type == dnsmessage.TypeA {
				b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}})
			}
			if out, err := b.Finish(); err == nil {
				pc.WriteTo(out, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

// freePort is a port free on 127.0.0.1 a moment ago, for a program that
// must be told its port before it starts.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// pebbleCA is pebble: its ports and certificate are chosen by newPebble,
// before the server under test starts (its config names the directory),
// and it runs from start, once the server's ports are known.
type pebbleCA struct {
	listen, manage int
	Directory      string         // https://127.0.0.1:PORT/dir
	CAFile         string         // the PEM its own HTTPS listener's certificate is in
	Roots          *x509.CertPool // the root its issued certificates chain to (after start)
	key, dir       string
	// validity, when set before start, is how long its certificates
	// last, in seconds (pebble's certificateValidityPeriod).
	validity int
}

func newPebble(t *testing.T) *pebbleCA {
	t.Helper()
	dir := t.TempDir()
	cert, key, err := writeTestCert(dir) // for 127.0.0.1, which the directory URL names
	if err != nil {
		t.Fatal(err)
	}
	p := &pebbleCA{listen: freePort(t), manage: freePort(t), CAFile: cert, key: key, dir: dir}
	p.Directory = fmt.Sprintf("https://127.0.0.1:%d/dir", p.listen)
	return p
}

// start runs pebble validating HTTP-01 on httpPort and TLS-ALPN-01 on
// tlsPort of 127.0.0.1, and reads its root.
func (p *pebbleCA) start(t *testing.T, httpPort, tlsPort int) {
	t.Helper()
	bin := requireTool(t, "pebble", "pebble")
	conf := map[string]any{"pebble": map[string]any{
		"listenAddress": fmt.Sprintf("127.0.0.1:%d", p.listen), "managementListenAddress": fmt.Sprintf("127.0.0.1:%d", p.manage),
		"certificate": p.CAFile, "privateKey": p.key, "httpPort": httpPort, "tlsPort": tlsPort,
		"ocspResponderURL": "", "externalAccountBindingRequired": false,
	}}
	if p.validity > 0 {
		conf["pebble"].(map[string]any)["certificateValidityPeriod"] = p.validity
	}
	confPath := filepath.Join(p.dir, "pebble.json")
	b, _ := json.Marshal(conf)
	if err := os.WriteFile(confPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-config", confPath, "-dnsserver", startTestDNS(t), "-strict=false")
	cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0", "PEBBLE_AUTHZREUSE=0")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("pebble:\n%s", tail(out.String(), 40))
		}
	})
	pemCA, err := os.ReadFile(p.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemCA)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	var root []byte
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(fmt.Sprintf("https://127.0.0.1:%d/roots/0", p.manage))
		if err == nil {
			root, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("pebble does not answer on its management port: %v\n%s", err, out.String())
		}
		time.Sleep(50 * time.Millisecond) // pebble starting: polled until it answers, with a deadline
	}
	p.Roots = x509.NewCertPool()
	if !p.Roots.AppendCertsFromPEM(root) {
		t.Fatalf("pebble's root is no PEM: %q", root)
	}
}

// acmeTables is the [tls] table of a server on pebble.
func acmeTables(ca *pebbleCA) string {
	return fmt.Sprintf("\n[tls]\nacme = true\nacme_directory = %q\nacme_ca = %q\nacme_email = \"postmaster@example.test\"\n", ca.Directory, ca.CAFile)
}

// issued dials addr asking for name and returns the certificate the
// server presents, verified against the CA's root; the first handshake
// for a name waits while the certificate is issued.
func issued(t *testing.T, addr, name string, roots *x509.CertPool) (*x509.Certificate, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{ServerName: name, RootCAs: roots, MinVersion: tls.VersionTLS12}}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.(*tls.Conn).ConnectionState().PeerCertificates[0], nil
}

func hasName(c *x509.Certificate, name string) bool {
	for _, n := range c.DNSNames {
		if n == name {
			return true
		}
	}
	return false
}

func TestACME_tlsALPN01(t *testing.T) {
	ca := newPebble(t)
	s := newServer(t, serverOptions{listen: []string{"http", "https", "imaps"}, tables: acmeTables(ca)})
	// HTTP-01 goes nowhere: only TLS-ALPN-01, on the https listener, can pass.
	ca.start(t, freePort(t), s.Port(t, "https"))

	web, err := issued(t, s.Addr(t, "https"), testHostname, ca.Roots)
	if err != nil {
		t.Fatalf("https for %s: %v", testHostname, err)
	}
	if !hasName(web, testHostname) {
		t.Errorf("certificate for %v, want %s", web.DNSNames, testHostname)
	}
	imap, err := issued(t, s.Addr(t, "imaps"), testHostname, ca.Roots)
	if err != nil {
		t.Fatalf("imaps: %v", err)
	}
	if imap.SerialNumber.Cmp(web.SerialNumber) != 0 {
		t.Errorf("imaps got another certificate (%s) than https (%s): issued twice", imap.SerialNumber, web.SerialNumber)
	}
	auto, err := issued(t, s.Addr(t, "https"), "autoconfig.example.test", ca.Roots)
	if err != nil || !hasName(auto, "autoconfig.example.test") {
		t.Errorf("autoconfig.example.test (a hosted domain's autoconfig name): %v", err)
	}
	if _, err := issued(t, s.Addr(t, "https"), "mail.not-hosted.test", ca.Roots); err == nil {
		t.Error("a certificate was issued for mail.not-hosted.test, a domain not hosted here")
	}
	// A client that sends no server name (one that connects by address)
	// gets the host name's certificate.
	c, err := tls.Dial("tcp", s.Addr(t, "imaps"), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	if leaf := c.ConnectionState().PeerCertificates[0]; leaf.SerialNumber.Cmp(web.SerialNumber) != 0 {
		t.Errorf("without SNI: certificate %v, want the host name's", leaf.DNSNames)
	}
	c.Close()

	// Kept in the data directory: after a restart (on new ports pebble
	// cannot reach) the same certificate is served, nothing issued again.
	s.stop()
	s.Restart(t)
	again, err := issued(t, s.Addr(t, "imaps"), testHostname, ca.Roots)
	if err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	if again.SerialNumber.Cmp(web.SerialNumber) != 0 {
		t.Errorf("after a restart: certificate %s, want the kept %s", again.SerialNumber, web.SerialNumber)
	}
}

func TestACME_http01(t *testing.T) {
	ca := newPebble(t)
	s := newServer(t, serverOptions{listen: []string{"http", "imaps"}, tables: acmeTables(ca)})
	// No https listener: TLS-ALPN-01 fails, HTTP-01 on the http listener passes.
	ca.start(t, s.Port(t, "http"), freePort(t))
	cert, err := issued(t, s.Addr(t, "imaps"), "mail.example.test", ca.Roots)
	if err != nil {
		t.Fatalf("imaps for mail.example.test: %v", err)
	}
	if !hasName(cert, "mail.example.test") {
		t.Errorf("certificate for %v", cert.DNSNames)
	}
	if cert.NotAfter.Before(cert.NotBefore.Add(24 * time.Hour)) {
		t.Errorf("certificate valid %v to %v", cert.NotBefore, cert.NotAfter)
	}
}

// A certificate is renewed before it expires, in the background: with
// certificates that last 30 seconds, a new one (a later expiry) is
// served within the lifetime of the first, without a restart.
func TestACME_renewal(t *testing.T) {
	ca := newPebble(t)
	ca.validity = 30
	s := newServer(t, serverOptions{listen: []string{"https"}, tables: acmeTables(ca)})
	ca.start(t, freePort(t), s.Port(t, "https"))
	first, err := issued(t, s.Addr(t, "https"), testHostname, ca.Roots)
	if err != nil {
		t.Fatal(err)
	}
	if life := first.NotAfter.Sub(first.NotBefore); life > time.Minute {
		t.Fatalf("pebble issued a certificate for %v, the test wants 30s", life)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		cur, err := issued(t, s.Addr(t, "https"), testHostname, ca.Roots)
		if err != nil {
			t.Fatalf("while waiting for the renewal: %v", err)
		}
		if cur.SerialNumber.Cmp(first.SerialNumber) != 0 {
			if !cur.NotAfter.After(first.NotAfter) {
				t.Errorf("the renewed certificate expires %v, the first %v", cur.NotAfter, first.NotAfter)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("certificate %s (expiring %v) not renewed by %v", first.SerialNumber, first.NotAfter, deadline)
		}
		time.Sleep(250 * time.Millisecond) // the renewal runs on the server's own timer: polled, with a deadline
	}
}
