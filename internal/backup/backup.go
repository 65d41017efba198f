// Package backup owns copies of a whole data directory (issue 19): a
// consistent snapshot of the database with every message file it
// references, taken while the server runs, and the restore of such a copy
// into an empty directory. The command line only wires it (`postroom
// backup`, `postroom restore`) and checks the restored store.
//
// A backup is a directory, or the same names in a tar file (".tar",
// ".tar.gz", ".tgz"):
//
//	backup.json            the manifest: format, time, counts
//	postroom.db            the database as of one commit
//	postroom.toml          the data directory's config, when it has one
//	operator-password.txt  and tls/..., when present
//	blobs/ab/cd/abcd...    every message file the database references
//
// Invariants:
//   - The database is copied as of one commit (the store's Snapshot) and
//     the blobs are the ones that copy references, each checked against
//     its SHA-256 key as it is copied; a referenced blob that vanished
//     meanwhile fails the backup, which is never a copy with holes.
//   - Nothing is written into the live data directory.
//   - Restore writes only into a directory that is absent or empty, and
//     the files it restores are synced before it returns.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Format is the version of the layout above.
const Format = 1

// Names inside a backup.
const (
	ManifestName = "backup.json"
	DatabaseName = "postroom.db"
	ConfigName   = "postroom.toml"
	blobsDir     = "blobs"
)

// extraFiles are the data directory's files besides the database and the
// blobs that a restore needs: the config, the first start's operator
// password and the TLS files (generated or placed there).
var extraFiles = []string{ConfigName, "operator-password.txt", "tls"}

// Manifest describes one backup.
type Manifest struct {
	Format        int       `json:"format"`
	Created       time.Time `json:"created"`
	Blobs         int       `json:"blobs"`
	BlobBytes     int64     `json:"blob_bytes"`
	DatabaseBytes int64     `json:"database_bytes"`
}

// Snapshotter writes a consistent copy of the database to a new file
// (sqlite.Store.Snapshot).
type Snapshotter interface {
	Snapshot(ctx context.Context, path string) error
}

// Source is a live data directory to back up.
type Source struct {
	DataDir  string
	Database Snapshotter
	// Blobs opens a message file by key (blob.FS).
	Blobs interface {
		Open(key string) (io.ReadSeekCloser, error)
	}
	// Keys calls fn with every blob key the database copy at path
	// references: the command line opens the copy as a store.
	Keys func(ctx context.Context, path string, fn func(key string) error) error
	// Progress, when set, hears of each blob copied (done of total).
	Progress func(done, total int)
	// Now is the clock of the manifest (time.Now when nil).
	Now func() time.Time
}

// ErrNotEmpty: restore refuses a directory that holds anything.
var ErrNotEmpty = errors.New("backup: the target directory is not empty")

// archive is where a backup's files go: a directory or a tar stream.
type archive interface {
	// add writes one file of size bytes read from r under name (a path
	// with "/"), returning the SHA-256 of what it wrote.
	add(name string, size int64, mode os.FileMode, r io.Reader) ([]byte, error)
	close() error
}

// Create writes a backup of src to dest: a new directory, or a tar file
// when dest ends in ".tar", ".tar.gz" or ".tgz". dest must not exist.
func Create(ctx context.Context, src Source, dest string) (*Manifest, error) {
	if _, err := os.Stat(dest); err == nil {
		return nil, fmt.Errorf("backup to %s: %w", dest, os.ErrExist)
	}
	now := time.Now
	if src.Now != nil {
		now = src.Now
	}
	// The database copy goes beside dest first: its blob list is read
	// from it, and a tar needs its size before its bytes.
	work, err := os.MkdirTemp(filepath.Dir(dest), ".postroom-backup-")
	if err != nil {
		return nil, fmt.Errorf("backup to %s: %w", dest, err)
	}
	defer os.RemoveAll(work)
	dbCopy := filepath.Join(work, DatabaseName)
	if err := src.Database.Snapshot(ctx, dbCopy); err != nil {
		return nil, err
	}
	var keys []string
	if err := src.Keys(ctx, dbCopy, func(k string) error { keys = append(keys, k); return nil }); err != nil {
		return nil, fmt.Errorf("backup: the blobs of the copy: %w", err)
	}
	m := &Manifest{Format: Format, Created: now().UTC(), Blobs: len(keys)}

	ar, err := openArchive(dest)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			ar.close()
			os.RemoveAll(dest)
		}
	}()
	if m.DatabaseBytes, err = addFile(ar, dbCopy, DatabaseName); err != nil {
		return nil, err
	}
	for _, name := range extraFiles {
		if err := addTree(ar, filepath.Join(src.DataDir, name), name); err != nil {
			return nil, err
		}
	}
	for i, key := range keys {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := copyBlob(ar, src.Blobs, key)
		if err != nil {
			return nil, err
		}
		m.BlobBytes += n
		if src.Progress != nil {
			src.Progress(i+1, len(keys))
		}
	}
	mj, _ := json.MarshalIndent(m, "", "  ")
	if _, err := ar.add(ManifestName, int64(len(mj)), 0o600, strings.NewReader(string(mj))); err != nil {
		return nil, err
	}
	if err := ar.close(); err != nil {
		return nil, fmt.Errorf("backup to %s: %w", dest, err)
	}
	ok = true
	return m, nil
}

// blobName is a blob's path inside a backup: the blob store's nested
// layout, whatever the layout of the store backed up (blob.FS).
func blobName(key string) string {
	return blobsDir + "/" + key[:2] + "/" + key[2:4] + "/" + key
}

// copyBlob copies one blob into ar, checking its content against its key.
func copyBlob(ar archive, blobs interface {
	Open(key string) (io.ReadSeekCloser, error)
}, key string) (int64, error) {
	f, err := blobs.Open(key)
	if err != nil {
		return 0, fmt.Errorf("backup: blob %s, referenced by the database copy, cannot be read (removed since the copy was taken? run the backup again): %w", key, err)
	}
	defer f.Close()
	size, err := f.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		return 0, fmt.Errorf("backup: blob %s: %w", key, err)
	}
	sum, err := ar.add(blobName(key), size, 0o600, f)
	if err != nil {
		return 0, fmt.Errorf("backup: blob %s: %w", key, err)
	}
	if hex.EncodeToString(sum) != key {
		return 0, fmt.Errorf("backup: blob %s: its content does not match its name (damaged on disk)", key)
	}
	return size, nil
}

// addFile copies the file at path into ar under name and returns its size.
func addFile(ar archive, path, name string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if _, err := ar.add(name, info.Size(), info.Mode().Perm(), f); err != nil {
		return 0, fmt.Errorf("backup: %s: %w", name, err)
	}
	return info.Size(), nil
}

// addTree copies a file, or a directory's regular files, into ar; an
// absent path is skipped.
func addTree(ar archive, path, name string) error {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if !info.IsDir() {
		_, err := addFile(ar, path, name)
		return err
	}
	return filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		_, err = addFile(ar, p, name+"/"+filepath.ToSlash(rel))
		return err
	})
}

// hashingCopy copies r to w and returns the SHA-256 of what passed.
func hashingCopy(w io.Writer, r io.Reader) ([]byte, error) {
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, h), r); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
