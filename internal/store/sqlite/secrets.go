package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
)

// Secret implements store.SecretStore.
func (s *Store) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	var key []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name=?`, name).Scan(&key)
	if err == nil {
		return key, nil
	}
	if err != sql.ErrNoRows {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		// another process may have made it meanwhile: its key wins
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO secrets (name, value) VALUES (?,?)`, name, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name=?`, name).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return key, nil
}
