package certs

// What autocert caches (checked in golang.org/x/crypto/acme/autocert
// v0.59.0) is everything a second node needs to act as the first:
//   - "acme_account+key": the ACME account's private key;
//   - "<name>" and "<name>+rsa": a certificate chain with its private key;
//   - "<name>+token": the TLS-ALPN-01 challenge certificate (RFC 8737);
//   - "<token>+http-01": the HTTP-01 key authorization (RFC 8555 §8.3).
// Kept in the shared store, one node's order serves every node, and the
// CA's challenge request is answered by whichever node the load balancer
// sends it to. The values are private keys: nothing here logs them.

import (
	"context"
	"errors"

	"golang.org/x/crypto/acme/autocert"

	"postroom/internal/store"
)

// StoreCache is an autocert.Cache over the store (store.CertCacheStore),
// for the nodes of a cluster; a single node keeps autocert.DirCache in
// data_dir/acme.
type StoreCache struct {
	Store store.CertCacheStore
}

var _ autocert.Cache = StoreCache{}

// Get implements autocert.Cache. A missing key is autocert.ErrCacheMiss
// itself, not wrapped: autocert compares with ==, and any other error
// stops the handshake instead of ordering the certificate.
func (c StoreCache) Get(ctx context.Context, key string) ([]byte, error) {
	data, err := c.Store.CertCacheGet(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, autocert.ErrCacheMiss
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}

// Put implements autocert.Cache.
func (c StoreCache) Put(ctx context.Context, key string, data []byte) error {
	return c.Store.CertCachePut(ctx, key, data)
}

// Delete implements autocert.Cache; a missing key is not an error.
func (c StoreCache) Delete(ctx context.Context, key string) error {
	return c.Store.CertCacheDelete(ctx, key)
}
