package blob_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"postroom/internal/blob"
	"postroom/internal/blob/blobtest"
)

func TestFS_conformance(t *testing.T) {
	for _, layout := range []struct {
		name string
		// made prepares the directory before OpenFS: a store made before
		// LAYOUT existed holds blobs and has no such file
		made func(t *testing.T, dir string)
		path func(dir, key string) string
	}{
		{"flat", func(*testing.T, string) {}, func(dir, key string) string { return filepath.Join(dir, key[:2], key) }},
		{"nested", func(t *testing.T, dir string) {
			if err := os.MkdirAll(filepath.Join(dir, "00", "00"), 0o700); err != nil {
				t.Fatal(err)
			}
		}, func(dir, key string) string { return filepath.Join(dir, key[:2], key[2:4], key) }},
	} {
		t.Run(layout.name, func(t *testing.T) {
			blobtest.Run(t, func(t *testing.T) blobtest.Backend {
				dir := t.TempDir()
				layout.made(t, dir)
				f, err := blob.OpenFS(dir)
				if err != nil {
					t.Fatal(err)
				}
				return blobtest.Backend{Backend: f, Age: func(t *testing.T, key string, mod time.Time) {
					if err := os.Chtimes(layout.path(dir, key), mod, mod); err != nil {
						t.Fatal(err)
					}
				}}
			})
		})
	}
}
