package interop

// Certificate files changed under a running server (issue 19): a renewal
// by another tool is served to new connections without a restart, and a
// connection opened before the change goes on.

import (
	"bufio"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// leafSerial dials a TLS listener and returns the serial number of the
// certificate it presents.
func leafSerial(t *testing.T, addr string) string {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, ServerName: testHostname})
	if err != nil {
		t.Fatalf("TLS to %s: %v", addr, err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber.String()
}

func TestTLS_certificateFilesReadAgain(t *testing.T) {
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	live := filepath.Join(dir, "live")
	for _, d := range []string{first, second, live} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{first, second} {
		if _, _, err := writeTestCert(d); err != nil {
			t.Fatal(err)
		}
	}
	install := func(from string) {
		t.Helper()
		for _, name := range []string{"key.pem", "cert.pem"} { // as a renewal tool does: each file replaced whole
			b, err := os.ReadFile(filepath.Join(from, name))
			if err != nil {
				t.Fatal(err)
			}
			tmp := filepath.Join(live, name+".new")
			if err := os.WriteFile(tmp, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, filepath.Join(live, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	install(first)
	s := newServer(t, serverOptions{listen: []string{"imaps"}, tables: "\n[tls]\ncert = \"" + filepath.Join(live, "cert.pem") +
		"\"\nkey = \"" + filepath.Join(live, "key.pem") + "\"\n"})
	addr := s.Addr(t, "imaps")
	before := leafSerial(t, addr)

	// An IMAP session opened on the first certificate.
	old, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, ServerName: testHostname})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	r := bufio.NewReader(old)
	if greeting, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(greeting, "* OK") {
		t.Fatalf("greeting %q, %v", greeting, err)
	}

	install(second)
	deadline := time.Now().Add(30 * time.Second)
	after := before
	for after == before && time.Now().Before(deadline) {
		after = leafSerial(t, addr) // the server looks at its files at most once a second
	}
	if after == before {
		t.Fatalf("new connections still get certificate %s after the files changed", before)
	}
	if _, err := old.Write([]byte("a1 NOOP\r\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "a1 OK") {
		t.Errorf("the session opened before the change: NOOP answered %q, %v", line, err)
	}
	if serial := old.ConnectionState().PeerCertificates[0].SerialNumber.String(); serial != before {
		t.Errorf("the old session's certificate changed to %s", serial)
	}
}
