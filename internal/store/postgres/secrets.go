package postgres

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Secret implements store.SecretStore.
func (s *Store) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	var key []byte
	err := s.pool.QueryRow(ctx, `SELECT value FROM secrets WHERE name=$1`, name).Scan(&key)
	if err == nil {
		return key, nil
	}
	if err != pgx.ErrNoRows {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		// another process may have made it meanwhile: its key wins
		if _, err := tx.Exec(ctx, `INSERT INTO secrets (name, value) VALUES ($1,$2) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT value FROM secrets WHERE name=$1`, name).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return key, nil
}
