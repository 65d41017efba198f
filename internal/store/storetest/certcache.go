package storetest

// The ACME cache (store.CertCacheStore): opaque values under autocert's
// keys. What matters to autocert is that a value comes back byte for byte
// (PEM private keys, DER chains), that a missing key is ErrNotFound (its
// cache miss, which makes it order a certificate), and, in a cluster, that
// every node reads what one node wrote.

import (
	"bytes"
	"fmt"

	"postroom/internal/store"
)

var certCacheTests = []test{
	{"certCache_missingKeyIsNotFound", testCertCacheMissing},
	{"certCache_putGetReplaceDelete", testCertCachePutGetReplaceDelete},
	{"certCache_valuesComeBackByteForByte", testCertCacheBytes},
	{"certCache_keysAreExactAndCaseSensitive", testCertCacheKeys},
}

// certValue is n bytes running through every byte value (NUL, invalid
// UTF-8), as DER and private keys do.
func certValue(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i) + seed
	}
	return b
}

// wantCert checks that key holds want through e.
func (e *env) wantCert(key string, want []byte, what string) {
	e.Helper()
	got, err := e.s.CertCacheGet(e.ctx, key)
	if err != nil {
		e.Errorf("%s: CertCacheGet(%q): %v", what, key, err)
		return
	}
	if !bytes.Equal(got, want) {
		e.Errorf("%s: CertCacheGet(%q) = %d bytes, not the %d stored", what, key, len(got), len(want))
	}
}

func testCertCacheMissing(e *env) {
	_, err := e.s.CertCacheGet(e.ctx, "acme_account+key")
	e.wantErr(err, store.ErrNotFound, "CertCacheGet of a key never put")
	e.ok(e.s.CertCacheDelete(e.ctx, "acme_account+key"), "CertCacheDelete of a key never put")
}

func testCertCachePutGetReplaceDelete(e *env) {
	const key = "mail.example.com"
	first, second := certValue(300, 1), certValue(200, 7)
	e.ok(e.s.CertCachePut(e.ctx, key, first), "CertCachePut")
	e.wantCert(key, first, "after put")
	e.ok(e.s.CertCachePut(e.ctx, key, second), "CertCachePut(replace)")
	e.wantCert(key, second, "after replace")
	e.ok(e.s.CertCacheDelete(e.ctx, key), "CertCacheDelete")
	_, err := e.s.CertCacheGet(e.ctx, key)
	e.wantErr(err, store.ErrNotFound, "CertCacheGet after delete")
	e.ok(e.s.CertCacheDelete(e.ctx, key), "CertCacheDelete again")
	// a deleted key can be put again (a renewed certificate)
	e.ok(e.s.CertCachePut(e.ctx, key, first), "CertCachePut after delete")
	e.wantCert(key, first, "after put again")
}

func testCertCacheBytes(e *env) {
	for _, tc := range []struct {
		key  string
		data []byte
	}{
		{"every-byte", certValue(256, 0)},
		{"chain", certValue(64<<10, 3)}, // a long chain with its key
		{"empty", []byte{}},             // stored, so not a miss
	} {
		e.ok(e.s.CertCachePut(e.ctx, tc.key, tc.data), "CertCachePut "+tc.key)
		e.wantCert(tc.key, tc.data, tc.key)
	}
	// The store keeps its own copy: the caller may reuse its buffer.
	buf := certValue(32, 9)
	want := bytes.Clone(buf)
	e.ok(e.s.CertCachePut(e.ctx, "reused", buf), "CertCachePut reused")
	buf[0]++
	e.wantCert("reused", want, "after the caller changed its buffer")
}

// testCertCacheKeys: autocert's keys differ by a suffix ("+rsa",
// "+token", "+http-01") and HTTP-01 tokens are base64url, where case
// matters.
func testCertCacheKeys(e *env) {
	keys := []string{"example.com", "example.com+rsa", "example.com+token", "Ab-_9+http-01", "ab-_9+http-01", "acme_account+key"}
	for i, k := range keys {
		e.ok(e.s.CertCachePut(e.ctx, k, []byte(fmt.Sprint(i))), "CertCachePut "+k)
	}
	for i, k := range keys {
		e.wantCert(k, []byte(fmt.Sprint(i)), "distinct keys")
	}
	e.ok(e.s.CertCacheDelete(e.ctx, "example.com"), "CertCacheDelete example.com")
	_, err := e.s.CertCacheGet(e.ctx, "example.com")
	e.wantErr(err, store.ErrNotFound, "CertCacheGet of the deleted key")
	e.wantCert("example.com+rsa", []byte("1"), "a neighbour of the deleted key")
	for _, k := range []string{"EXAMPLE.COM+RSA", "example.com+"} {
		_, err := e.s.CertCacheGet(e.ctx, k)
		e.wantErr(err, store.ErrNotFound, "CertCacheGet("+k+"), a key never put")
	}
}

// testSharedCertCache: what one node caches (the account key, a
// certificate, a challenge token) the other reads at once, so the CA is
// asked once and a challenge is answered by either node.
func testSharedCertCache(a, b *env) {
	cert, renewed := certValue(2000, 1), certValue(2100, 2)
	a.ok(a.s.CertCachePut(a.ctx, "mail.example.com", cert), "CertCachePut through A")
	b.wantCert("mail.example.com", cert, "through B after A's put")
	b.ok(b.s.CertCachePut(b.ctx, "mail.example.com", renewed), "CertCachePut(renewal) through B")
	a.wantCert("mail.example.com", renewed, "through A after B's renewal")

	a.ok(a.s.CertCachePut(a.ctx, "tok+http-01", []byte("tok.thumbprint")), "CertCachePut(token) through A")
	b.wantCert("tok+http-01", []byte("tok.thumbprint"), "token through B")
	a.ok(a.s.CertCacheDelete(a.ctx, "tok+http-01"), "CertCacheDelete(token) through A")
	_, err := b.s.CertCacheGet(b.ctx, "tok+http-01")
	b.wantErr(err, store.ErrNotFound, "token through B after A's delete")
}
