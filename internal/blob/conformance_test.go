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
	blobtest.Run(t, func(t *testing.T) blobtest.Backend {
		dir := t.TempDir()
		f, err := blob.OpenFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		return blobtest.Backend{Backend: f, Age: func(t *testing.T, key string, mod time.Time) {
			if err := os.Chtimes(filepath.Join(dir, key[:2], key[2:4], key), mod, mod); err != nil {
				t.Fatal(err)
			}
		}}
	})
}
