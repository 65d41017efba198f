package backup

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// isTar reports whether a backup named path is a tar file, and gzipped.
func isTar(path string) (tarFile, gz bool) {
	switch {
	case strings.HasSuffix(path, ".tar.gz"), strings.HasSuffix(path, ".tgz"):
		return true, true
	case strings.HasSuffix(path, ".tar"):
		return true, false
	}
	return false, false
}

func openArchive(dest string) (archive, error) {
	tarFile, gz := isTar(dest)
	if !tarFile {
		if err := os.Mkdir(dest, 0o700); err != nil {
			return nil, fmt.Errorf("backup to %s: %w", dest, err)
		}
		return &dirArchive{root: dest, dirs: map[string]bool{}}, nil
	}
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("backup to %s: %w", dest, err)
	}
	a := &tarArchive{f: f}
	var w io.Writer = f
	if gz {
		a.gz = gzip.NewWriter(f)
		w = a.gz
	}
	a.tw = tar.NewWriter(w)
	return a, nil
}

// dirArchive writes a backup as files under root, each synced.
type dirArchive struct {
	root string
	dirs map[string]bool // made here, synced by close
}

func (a *dirArchive) add(name string, _ int64, mode os.FileMode, r io.Reader) ([]byte, error) {
	return writeFile(filepath.Join(a.root, filepath.FromSlash(name)), mode, r, a.dirs)
}

func (a *dirArchive) close() error {
	return syncDirs(a.dirs)
}

// writeFile writes r to a new file at path (its directories made and
// noted in dirs), synced, and returns the SHA-256 of its content.
func writeFile(path string, mode os.FileMode, r io.Reader, dirs map[string]bool) ([]byte, error) {
	dir := filepath.Dir(path)
	if !dirs[dir] {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		for d := dir; !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode|0o600)
	if err != nil {
		return nil, err
	}
	sum, err := hashingCopy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return sum, err
}

// syncDirs syncs directories so that the files made in them stay after
// a crash.
func syncDirs(dirs map[string]bool) error {
	for d := range dirs {
		f, err := os.Open(d)
		if err != nil {
			continue // above the backup, not ours to sync
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("sync %s: %w", d, err)
		}
	}
	return nil
}

// tarArchive writes a backup as one tar stream, gzipped or not.
type tarArchive struct {
	f  *os.File
	gz *gzip.Writer
	tw *tar.Writer
}

func (a *tarArchive) add(name string, size int64, mode os.FileMode, r io.Reader) ([]byte, error) {
	hdr := &tar.Header{Name: name, Size: size, Mode: int64(mode.Perm()), ModTime: time.Now().Truncate(time.Second), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	return hashingCopy(a.tw, io.LimitReader(r, size))
}

func (a *tarArchive) close() error {
	err := a.tw.Close()
	if a.gz != nil {
		if gerr := a.gz.Close(); err == nil {
			err = gerr
		}
	}
	if serr := a.f.Sync(); err == nil {
		err = serr
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	return err
}
