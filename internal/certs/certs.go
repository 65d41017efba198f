// Package certs owns the server's TLS certificates (issue 19): every
// listener's tls.Config comes from here. A certificate is one of
//   - a PEM certificate and key from files, read again when either file
//     changes, so that a certificate renewed by another tool is served
//     without a restart (connections already open keep theirs);
//   - certificates issued and renewed over ACME (RFC 8555, acme.go) for
//     the server's host name and every hosted domain's mail. and
//     autoconfig. names, chosen by SNI;
//   - for local use, the self-signed one internal/config writes.
//
// TLS 1.2 is the least version offered; the cipher suites are Go's
// defaults (AEAD with forward secrecy only).
package certs

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Source answers a TLS handshake with a certificate.
type Source interface {
	GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error)
}

// ServerConfig is the tls.Config of every listener over src.
func ServerConfig(src Source) *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: src.GetCertificate}
}

// recheck is how often at most Files looks at its files again.
const recheck = time.Second

// Files serves a certificate and key read from two PEM files, read again
// at a handshake when either file's modification time or size changed
// (looked at no more than once a second). A pair that does not load (the
// certificate replaced, the key not yet) is not taken: the last good one
// goes on being served and the change is tried again later.
type Files struct {
	Cert, Key string
	// Now is the clock of the once-a-second look (time.Now when nil).
	Now func() time.Time
	Log *slog.Logger

	mu      sync.Mutex
	cur     *tls.Certificate
	stamp   string // the files' modification times and sizes when cur was read
	checked time.Time
}

// LoadFiles reads the pair once; an error names the file.
func LoadFiles(cert, key string) (*Files, error) {
	f := &Files{Cert: cert, Key: key}
	st, err := f.stat()
	if err != nil {
		return nil, err
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, fmt.Errorf("tls certificate %s / %s: %w", cert, key, err)
	}
	f.cur, f.stamp = &pair, st
	return f, nil
}

// stat is what tells a changed file: both files' times and sizes.
func (f *Files) stat() (string, error) {
	var s string
	for _, p := range []string{f.Cert, f.Key} {
		info, err := os.Stat(p)
		if err != nil {
			return "", fmt.Errorf("tls certificate: %w", err)
		}
		s += fmt.Sprintf("%d/%d;", info.ModTime().UnixNano(), info.Size())
	}
	return s, nil
}

// GetCertificate implements Source.
func (f *Files) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if t := now(); t.Sub(f.checked) >= recheck || t.Before(f.checked) {
		f.checked = t
		f.reload()
	}
	return f.cur, nil
}

// reload reads the files again when they changed (f.mu held).
func (f *Files) reload() {
	st, err := f.stat()
	if err != nil || st == f.stamp {
		return
	}
	pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		f.log().Warn("tls certificate changed but does not load: the previous one is still served", "cert", f.Cert, "key", f.Key, "err", err)
		return
	}
	f.cur, f.stamp = &pair, st
	f.log().Info("tls certificate read again", "cert", f.Cert)
}

func (f *Files) log() *slog.Logger {
	if f.Log != nil {
		return f.Log
	}
	return slog.Default()
}
