package sqlite_test

import (
	"path/filepath"
	"testing"

	"postroom/internal/store"
	"postroom/internal/store/sqlite"
	"postroom/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "postroom.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }
