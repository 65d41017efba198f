package certs

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writePair writes a self-signed certificate with this serial number and
// its key, each file with the given modification time.
func writePair(t *testing.T, certPath, keyPath string, serial int64, mod time.Time) {
	t.Helper()
	certPEM, keyPEM := newPair(t, serial)
	if certPath != "" {
		writeAt(t, certPath, certPEM, mod)
	}
	if keyPath != "" {
		writeAt(t, keyPath, keyPEM, mod)
	}
}

func newPair(t *testing.T, serial int64) (certPEM, keyPEM []byte) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "mail.example.test"},
		NotBefore: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), DNSNames: []string{"mail.example.test"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

func writeAt(t *testing.T, path string, b []byte, mod time.Time) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func serialOf(t *testing.T, f *Files) int64 {
	t.Helper()
	c, err := f.GetCertificate(&tls.ClientHelloInfo{ServerName: "mail.example.test"})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf.SerialNumber.Int64()
}

func TestFilesReadAgainWhenChanged(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	day := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	writePair(t, cert, key, 1, day)
	f, err := LoadFiles(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	now := day
	f.Now = func() time.Time { return now }
	if got := serialOf(t, f); got != 1 {
		t.Fatalf("serial %d, want 1", got)
	}

	// The certificate is replaced, its key not yet: the pair does not
	// load, the old one goes on.
	certPEM, keyPEM := newPair(t, 2)
	writeAt(t, cert, certPEM, day.Add(time.Minute))
	now = now.Add(2 * time.Second)
	if got := serialOf(t, f); got != 1 {
		t.Errorf("half a new pair: serial %d served, want the old 1", got)
	}
	// The key follows; within the second nothing is looked at again.
	writeAt(t, key, keyPEM, day.Add(time.Minute))
	now = now.Add(500 * time.Millisecond)
	if got := serialOf(t, f); got != 1 {
		t.Errorf("within a second of the last look: serial %d, want 1 still", got)
	}
	now = now.Add(time.Second)
	if got := serialOf(t, f); got != 2 {
		t.Errorf("the whole new pair: serial %d, want 2", got)
	}
	// Files that vanish (a renewal tool's rename) leave the last pair.
	os.Remove(cert)
	now = now.Add(2 * time.Second)
	if got := serialOf(t, f); got != 2 {
		t.Errorf("files gone: serial %d, want the last good 2", got)
	}
}

func TestLoadFilesNamesTheProblem(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	if _, err := LoadFiles(cert, key); err == nil || !strings.Contains(err.Error(), "c.pem") {
		t.Errorf("missing files: %v", err)
	}
	writePair(t, cert, "", 1, time.Unix(1e9, 0))
	writePair(t, "", key, 2, time.Unix(1e9, 0)) // another pair's key
	if _, err := LoadFiles(cert, key); err == nil || !strings.Contains(err.Error(), "k.pem") {
		t.Errorf("a key of another certificate: %v", err)
	}
}

func TestServerConfig(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	writePair(t, cert, key, 1, time.Unix(1e9, 0))
	f, err := LoadFiles(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	c := ServerConfig(f)
	if c.MinVersion != tls.VersionTLS12 || c.GetCertificate == nil || len(c.NextProtos) != 0 {
		t.Errorf("server config: min %x, next protos %v", c.MinVersion, c.NextProtos)
	}
	if h := HTTPSConfig(f); len(h.NextProtos) != 0 {
		t.Errorf("https without ACME offers %v", h.NextProtos)
	}
	a, err := NewACME(ACMEConfig{Hostname: "mail.example.test", CacheDir: filepath.Join(dir, "acme")})
	if err != nil {
		t.Fatal(err)
	}
	if h := HTTPSConfig(a); strings.Join(h.NextProtos, ",") != "http/1.1,acme-tls/1" {
		t.Errorf("https with ACME offers %v, want http/1.1 and acme-tls/1", h.NextProtos)
	}
}

// Only the host name and the hosted domains' mail. and autoconfig.
// names get certificates.
func TestACMEPolicy(t *testing.T) {
	a, err := NewACME(ACMEConfig{Hostname: "MX.Example.Net", CacheDir: t.TempDir(),
		Hosted: func(_ context.Context, d string) (bool, error) {
			if d == "broken.test" {
				return false, errors.New("store down")
			}
			return d == "company.kr", nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	for host, ok := range map[string]bool{
		"mx.example.net": true, "mail.company.kr": true, "autoconfig.company.kr": true, "mail.company.kr.": true,
		"www.company.kr": false, "company.kr": false, "mail.other.kr": false, "autoconfig.mail.company.kr": false,
		"mail.broken.test": false, "mail.company.kr:8080": true, "mta-sts.company.kr": true, "autodiscover.company.kr": true,
	} {
		if err := a.policy(context.Background(), host); (err == nil) != ok {
			t.Errorf("policy(%q) = %v, want allowed %v", host, err, ok)
		}
	}
}
