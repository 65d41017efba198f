package sqlite

import "database/sql"

// DB is the store's database handle, for the one tool that reads an
// installation table by table to move it to another backend
// (internal/storecopy, `postroom migrate`). Everything else goes through
// the store's methods, which keep the invariants at the top of sqlite.go.
func (s *Store) DB() *sql.DB { return s.db }
