package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// ACMEConfig says where certificates come from and for which names.
type ACMEConfig struct {
	// Hostname is the server's own name: always allowed, and the
	// certificate of a client that sends no SNI (one that connects by
	// address).
	Hostname string
	// Directory is the ACME directory URL; empty: Let's Encrypt's.
	Directory string
	Email     string
	// CAFile is a PEM file of the CA the directory's HTTPS certificate
	// chains to (a private ACME server); empty: the system's roots.
	CAFile string
	// CacheDir keeps the account key and the certificates (data_dir/acme):
	// a restart issues nothing again.
	CacheDir string
	// Cache, when set, is used instead of CacheDir (which is then not
	// needed): StoreCache, shared by the nodes of a cluster.
	Cache autocert.Cache
	// RenewBefore: renewal starts this long before expiry (30 days when 0).
	RenewBefore time.Duration
	// Hosted reports whether a mail domain is hosted here: its mail. and
	// autoconfig. names get certificates, no other name does (a stranger
	// cannot make the server ask for certificates of names he invents).
	Hosted func(ctx context.Context, domain string) (bool, error)
}

// ACME issues certificates on the first handshake that names them and
// renews them before they expire (golang.org/x/crypto/acme/autocert),
// answering the CA's HTTP-01 challenges through HTTPHandler and its
// TLS-ALPN-01 challenges on the https listener (HTTPSConfig).
type ACME struct {
	m        *autocert.Manager
	hostname string
	hosted   func(ctx context.Context, domain string) (bool, error)
}

// NewACME makes the manager; nothing is asked of the CA until a
// handshake needs a certificate.
func NewACME(c ACMEConfig) (*ACME, error) {
	if c.Hostname == "" || (c.CacheDir == "" && c.Cache == nil) {
		return nil, errors.New("acme: a host name and a cache are needed")
	}
	cache := c.Cache
	if cache == nil {
		if err := os.MkdirAll(c.CacheDir, 0o700); err != nil {
			return nil, fmt.Errorf("acme cache: %w", err)
		}
		cache = autocert.DirCache(c.CacheDir)
	}
	a := &ACME{hostname: strings.ToLower(c.Hostname), hosted: c.Hosted}
	client := &acme.Client{DirectoryURL: c.Directory}
	if c.Directory == "" {
		client.DirectoryURL = autocert.DefaultACMEDirectory
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("acme ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("acme ca %s: no PEM certificate in it", c.CAFile)
		}
		client.HTTPClient = &http.Client{Timeout: time.Minute, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	}
	a.m = &autocert.Manager{
		Prompt:      autocert.AcceptTOS,
		Cache:       cache,
		HostPolicy:  a.policy,
		RenewBefore: c.RenewBefore,
		Client:      client,
		Email:       c.Email,
	}
	return a, nil
}

// policy allows the host name and the names `postroom domain dns` points
// at this server for each hosted domain: mail., autoconfig.,
// autodiscover. and mta-sts. (the MTA-STS policy's HTTPS host).
func (a *ACME) policy(ctx context.Context, host string) error {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h // an HTTP-01 request's Host names a port when it is not 80
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == a.hostname {
		return nil
	}
	for _, prefix := range []string{"mail.", "autoconfig.", "autodiscover.", "mta-sts."} {
		domain, ok := strings.CutPrefix(host, prefix)
		if !ok || a.hosted == nil {
			continue
		}
		hosted, err := a.hosted(ctx, domain)
		if err != nil {
			return fmt.Errorf("acme: is %s hosted here: %w", domain, err)
		}
		if hosted {
			return nil
		}
	}
	return fmt.Errorf("acme: %q is not a name of this server", host)
}

// GetCertificate implements Source. A client that sent no server name
// gets the host name's certificate.
func (a *ACME) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	if hello.ServerName == "" {
		h := *hello
		h.ServerName = a.hostname
		hello = &h
	}
	return a.m.GetCertificate(hello)
}

// HTTPHandler answers the CA's HTTP-01 challenges
// (/.well-known/acme-challenge/) and passes every other request to next.
func (a *ACME) HTTPHandler(next http.Handler) http.Handler {
	return a.m.HTTPHandler(next)
}

// HTTPSConfig is the https listener's tls.Config: ServerConfig, offering
// the TLS-ALPN-01 protocol (RFC 8737) beside HTTP/1.1 when src is ACME.
func HTTPSConfig(src Source) *tls.Config {
	c := ServerConfig(src)
	if _, ok := src.(*ACME); ok {
		c.NextProtos = []string{"http/1.1", acme.ALPNProto}
	}
	return c
}
