package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The values of cert_cache are private keys: errors name the key (a host
// name or a challenge token, both public), never the data.

// CertCacheGet implements store.CertCacheStore.
func (s *Store) CertCacheGet(ctx context.Context, key string) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM cert_cache WHERE key=$1`, key).Scan(&data)
	if err != nil {
		return nil, fmt.Errorf("cert cache %q: %w", key, notFound(err))
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

// CertCachePut implements store.CertCacheStore.
func (s *Store) CertCachePut(ctx context.Context, key string, data []byte) error {
	if data == nil {
		data = []byte{} // a nil slice would be SQL NULL
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO cert_cache (key, data) VALUES ($1,$2)
			ON CONFLICT (key) DO UPDATE SET data=EXCLUDED.data`, key, data)
		return err
	})
	if err != nil {
		return fmt.Errorf("cert cache %q: put: %w", key, err)
	}
	return nil
}

// CertCacheDelete implements store.CertCacheStore.
func (s *Store) CertCacheDelete(ctx context.Context, key string) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM cert_cache WHERE key=$1`, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("cert cache %q: delete: %w", key, err)
	}
	return nil
}
