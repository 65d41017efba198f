package store

import "context"

// SecretStore keeps the installation's own random keys (for example the
// key of the webmail's inline-image capabilities), made once and shared by
// every node and restart.
type SecretStore interface {
	// Secret returns the key called name, making it (size random bytes)
	// the first time.
	Secret(ctx context.Context, name string, size int) ([]byte, error)
}
