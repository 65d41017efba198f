package certs

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/acme/autocert"

	"postroom/internal/store"
	"postroom/internal/store/sqlite"
)

func openSQLite(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The adapter speaks autocert's dialect: a missing key is exactly
// autocert.ErrCacheMiss (autocert compares with ==), values round-trip,
// deleting a missing key succeeds.
func TestStoreCache_getPutDelete(t *testing.T) {
	ctx := t.Context()
	c := StoreCache{Store: openSQLite(t, filepath.Join(t.TempDir(), "p.db"))}
	if _, err := c.Get(ctx, "acme_account+key"); err != autocert.ErrCacheMiss {
		t.Fatalf("Get of a missing key: %v, want autocert.ErrCacheMiss itself", err)
	}
	want := []byte("-----BEGIN EC PRIVATE KEY-----\x00\xff")
	if err := c.Put(ctx, "acme_account+key", want); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, "acme_account+key"); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Get after Put: %q, %v; want %q", got, err, want)
	}
	if err := c.Delete(ctx, "acme_account+key"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "acme_account+key"); err != autocert.ErrCacheMiss {
		t.Fatalf("Get after Delete: %v, want autocert.ErrCacheMiss", err)
	}
	if err := c.Delete(ctx, "acme_account+key"); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
}

// A store that fails is not a cache miss: a miss makes autocert order a
// new certificate, and a database that is down must not make every node
// order its own.
func TestStoreCache_storeErrorIsNotAMiss(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = StoreCache{Store: s}.Get(t.Context(), "mail.example.test")
	if err == nil || errors.Is(err, autocert.ErrCacheMiss) || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get on a closed store: %v, want the store's error", err)
	}
}

// Two nodes on one database: what node A's autocert cached (here put
// there by hand, as A's Manager does after an order) node B serves
// without asking any CA (its directory is an address nothing listens
// on), over TLS and as an HTTP-01 answer.
func TestStoreCache_secondNodeServesTheFirstNodesCertificate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	nodeA := StoreCache{Store: openSQLite(t, path)}
	certPEM, keyPEM := newPair(t, 4242)
	if err := nodeA.Put(t.Context(), "mail.example.test", append(keyPEM, certPEM...)); err != nil {
		t.Fatal(err)
	}
	if err := nodeA.Put(t.Context(), "tok-EN+http-01", []byte("tok-EN.thumbprint")); err != nil {
		t.Fatal(err)
	}

	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + dead.Addr().String() + "/directory"
	dead.Close()
	b, err := NewACME(ACMEConfig{Hostname: "mail.example.test", Directory: deadURL,
		Cache: StoreCache{Store: openSQLite(t, path)}})
	if err != nil {
		t.Fatal(err)
	}

	ln, err := tls.Listen("tcp", "127.0.0.1:0", HTTPSConfig(b))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(certPEM)
	conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{ServerName: "mail.example.test", RootCAs: roots})
	if err != nil {
		t.Fatalf("TLS to node B: %v", err)
	}
	serial := conn.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
	conn.Close()
	if serial != 4242 {
		t.Errorf("node B served serial %d, want node A's 4242", serial)
	}

	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "http://mail.example.test/.well-known/acme-challenge/tok-EN", nil)
	b.HTTPHandler(http.NotFoundHandler()).ServeHTTP(rec, req)
	if body, _ := io.ReadAll(rec.Result().Body); rec.Code != http.StatusOK || string(body) != "tok-EN.thumbprint" {
		t.Errorf("node B's HTTP-01 answer: %d %q, want node A's token", rec.Code, body)
	}
}

// Without a cache or a cache directory there is nowhere to keep the
// account key: NewACME says so.
func TestNewACME_needsACache(t *testing.T) {
	if _, err := NewACME(ACMEConfig{Hostname: "mail.example.test"}); err == nil {
		t.Fatal("NewACME without CacheDir or Cache succeeded")
	}
}
