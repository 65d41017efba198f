package sqlite

import (
	"context"
	"fmt"
	"os"
)

// Snapshot writes a consistent copy of the whole database to path (which
// must not exist) while the server goes on writing: VACUUM INTO reads
// everything in one read transaction, so the copy is the database as of
// one commit, compacted, and never a torn mix of two. The copy is synced
// before Snapshot returns.
func (s *Store) Snapshot(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("snapshot to %s: %w", path, os.ErrExist)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("snapshot to %s: sync: %w", path, err)
	}
	return nil
}
