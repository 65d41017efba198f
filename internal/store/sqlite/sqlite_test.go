package sqlite_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"postroom/internal/store"
	"postroom/internal/store/sqlite"
	"postroom/internal/store/storetest"
)

// empty is a database that sqlite.Open made and closed, once for the
// test binary: each conformance subtest starts from a copy of it instead
// of running every migration again (half a second to a second each
// under -race, for some 180 subtests). A copy is the same empty store
// byte for byte; Open still runs on it, and the migrations themselves are
// tested on their own (migrate_test.go) and by making this file.
var empty string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "postroom-sqlite-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	empty = filepath.Join(dir, "empty.db")
	code := 2
	if s, err := sqlite.Open(empty); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func open(t *testing.T) store.Store {
	path := filepath.Join(t.TempDir(), "postroom.db")
	if err := copyFile(empty, path); err != nil {
		t.Fatal(err)
	}
	// The write-ahead log, if the close left one, holds part of the
	// database: it goes along.
	if err := copyFile(empty+"-wal", path+"-wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// TestConformanceShared opens the same file twice, as two processes on one
// database would: each handle has its own pool and its own writer lock, so
// only SQLite's file locks keep them apart.
func TestConformanceShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		path := filepath.Join(t.TempDir(), "postroom.db")
		if err := copyFile(empty, path); err != nil {
			t.Fatal(err)
		}
		if err := copyFile(empty+"-wal", path+"-wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		var handles [2]store.Store
		for i := range handles {
			s, err := sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			handles[i] = s
		}
		return handles[0], handles[1]
	})
}
