package store

import "context"

// CertCacheStore keeps what the ACME client (golang.org/x/crypto's
// autocert) caches: the account key, the issued certificates with their
// private keys, and the HTTP-01 challenge tokens, each an opaque value
// under a key the client chooses. In a cluster every node reads the same
// entries, so one order serves all nodes and a CA's challenge may be
// answered by whichever node the load balancer picks.
//
// The values are secrets (private keys): backends never log them.
type CertCacheStore interface {
	// CertCacheGet returns the value stored under key. ErrNotFound.
	CertCacheGet(ctx context.Context, key string) ([]byte, error)
	// CertCachePut stores data under key, replacing any value there.
	CertCachePut(ctx context.Context, key string, data []byte) error
	// CertCacheDelete removes key's value; a key with none is not an error.
	CertCacheDelete(ctx context.Context, key string) error
}
