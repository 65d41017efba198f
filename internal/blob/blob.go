// Package blob owns raw message storage: content-addressed (SHA-256) files
// written and fsynced before any metadata refers to them, or, through
// PutLater, while the metadata naming them commits (later.go). The store
// keeps the reference counts; this package only writes, reads and
// collects. Small
// messages may instead live in the store's database, written with their
// rows: Inline reads them before the files (inline.go). Files are written
// compressed, in frames that can be read on their own (packed.go); the key
// is always the SHA-256 of the message itself.
//
// Invariants:
//   - Put returns only after the file and its directory are fsynced (X4);
//     PutLater returns before, and its wait after.
//   - A file is in place under its key only once its bytes are durable.
//   - A blob is deleted only by GC, only when it is older than the grace
//     period and the store reports no reference, checked again after the
//     file has been moved aside (see gc.go), so a concurrent Put of the same
//     content is never lost.
package blob

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrNotFound is returned by Open for an unknown key.
var ErrNotFound = errors.New("blob: not found")

// ErrFull is wrapped in the error of a Put that failed for want of room:
// the disk or a filesystem quota is full (a backend's own "no space"
// maps to it). The file was not stored; the caller's answer is a
// temporary failure, not a bug.
var ErrFull = errors.New("blob: storage full")

// Store is the port for blob backends (FS here, s3.Store in blob/s3).
type Store interface {
	// Put stores the content of r and returns its key and size.
	Put(ctx context.Context, r io.Reader) (key string, size int64, err error)
	// Open opens a blob for reading.
	Open(key string) (io.ReadSeekCloser, error)
}

// Backend is a whole blob backend (FS, s3.Store): the Store port and what
// the operator's upkeep needs (admin's check and gc, the hourly sweep).
type Backend interface {
	Store
	// Exists reports whether the blob is stored.
	Exists(key string) bool
	// Walk calls fn for every stored blob with its modification time.
	Walk(fn func(key string, mod time.Time) error) error
	// GC removes what no row references and is older than grace (gc.go).
	GC(ctx context.Context, refs Referencer, grace time.Duration) (GCResult, error)
}

// FS stores blobs as files under a directory, each named by its key in a
// directory named by the key's first hex digits. Two layouts:
//   - flat, ab/abcd...: 256 directories. Every store made since issue 21.
//     A mkdir costs about 0.5 ms of CPU on our test machines, and with
//     65,536 directories nearly every message of a store of under a few
//     hundred thousand made one.
//   - nested, ab/cd/abcd...: stores made before, which keep it.
//
// A new store writes its layout in the file LAYOUT; a store without that
// file is nested if it holds anything, and flat (and gets the file) if
// it is empty.
type FS struct {
	dir    string
	nested bool
	// syncDir replaces the directory fsync in tests.
	syncDir func(dir string) error
	// beforePlace, when set (tests), runs before a file is put in place.
	beforePlace func()
	// durable holds the blob directories (ab, or ab/cd) this process made
	// durable: there, and their own entry synced in the one above. A Put
	// into one of them then syncs only that directory: one fsync of a
	// directory per message instead of two, and no MkdirAll (issue 21).
	durable sync.Map
	spare   spares
	// flights are the blobs PutLater handed out whose files are not in
	// place yet (later.go).
	flights flights
}

var _ Backend = (*FS)(nil)

// OpenFS opens (creating if needed) a blob directory.
func OpenFS(dir string) (*FS, error) {
	for _, d := range []string{dir, filepath.Join(dir, "tmp"), filepath.Join(dir, "trash")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("blob dir: %w", err)
		}
	}
	f := &FS{dir: dir}
	layout, err := f.layout()
	if err != nil {
		return nil, fmt.Errorf("blob dir %s: %w", dir, err)
	}
	f.nested = layout == layoutNested
	f.spare.probe(filepath.Join(dir, "tmp"))
	return f, nil
}

// The names of the layouts, as the file LAYOUT holds them.
const (
	layoutFile   = "LAYOUT"
	layoutFlat   = "ab/key"
	layoutNested = "ab/cd/key"
)

// layout reads the directory's layout, and writes it first if the
// directory has none yet (see FS).
func (f *FS) layout() (string, error) {
	b, err := os.ReadFile(filepath.Join(f.dir, layoutFile))
	if err == nil {
		switch l := strings.TrimSpace(string(b)); l {
		case layoutFlat, layoutNested:
			return l, nil
		default:
			return "", fmt.Errorf("unknown layout %q in %s", l, layoutFile)
		}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return "", err
	}
	layout := layoutFlat
	for _, e := range entries {
		if n := e.Name(); n != "tmp" && n != "trash" {
			layout = layoutNested // made before LAYOUT was
			break
		}
	}
	tmp, err := os.CreateTemp(filepath.Join(f.dir, "tmp"), "layout-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(layout + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(f.dir, layoutFile))
	}
	if err == nil {
		err = syncDir(f.dir)
	}
	return layout, err
}

// ValidKey reports whether key looks like a blob key (64 lower-case hex).
func ValidKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	for _, c := range key {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Path returns where the file of the blob key is (or would be), in the
// store's layout: for tests that damage a blob on purpose.
func (f *FS) Path(key string) string { return f.path(key) }

func (f *FS) path(key string) string {
	if f.nested {
		return filepath.Join(f.dir, key[:2], key[2:4], key)
	}
	return filepath.Join(f.dir, key[:2], key)
}

// Put implements Store. Content already stored is not written again; its
// modification time is refreshed so that GC's grace period protects it until
// the caller's metadata commits.
func (f *FS) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	key, size, err := f.put(ctx, r)
	return key, size, fullErr(err)
}

func (f *FS) put(ctx context.Context, r io.Reader) (string, int64, error) {
	w, err := f.write(ctx, r)
	if err != nil {
		return "", 0, err
	}
	if err := f.finish(w); err != nil {
		return "", 0, err
	}
	return w.key, w.size, nil
}

// written is a blob file whose bytes are written, not yet durable nor
// in place under its key.
type written struct {
	tmp  *os.File
	link func(dst string) error
	key  string
	size int64
}

// write writes the content of r into a temporary file, compressed, and
// hashes it for its key.
func (f *FS) write(ctx context.Context, r io.Reader) (*written, error) {
	tmp, link, err := f.tempFile()
	if err != nil {
		return nil, fmt.Errorf("blob put: %w", err)
	}
	h := sha256.New()
	size, err := writePacked(tmp, h, ctxReader{ctx, r}) // packed.go
	if err != nil {
		f.drop(tmp)
		return nil, fmt.Errorf("blob put: %w", err)
	}
	return &written{tmp: tmp, link: link, key: keyOf(h.Sum(nil)), size: size}, nil
}

// finish makes w durable, then links it in under its key: a file is in
// place only once its bytes are on disk, so content found in place (a
// Put of the same bytes, here or after a crash) is always whole.
func (f *FS) finish(w *written) error {
	defer f.drop(w.tmp)
	if err := w.tmp.Sync(); err != nil {
		return fmt.Errorf("blob put: %w", err)
	}
	if f.beforePlace != nil {
		f.beforePlace()
	}
	dst := f.path(w.key)
	if err := f.place(dst, w.link); err != nil {
		return fmt.Errorf("blob put: %w", err)
	}
	// Content already there may have been linked into place by another
	// Put (or put back by GC) whose directory sync has not happened yet:
	// either way the entry is durable only once its directories are synced.
	if err := f.syncPath(dst); err != nil {
		return fmt.Errorf("blob put: %w", err)
	}
	return nil
}

// drop closes a temporary file; a named one also loses its name (linked
// or not: a linked file keeps its key's name).
func (f *FS) drop(tmp *os.File) {
	tmp.Close()
	if !f.spare.ok {
		os.Remove(tmp.Name())
	}
}

// tempFile returns a file to write a blob into, and how to give it its
// name: an unnamed file made ahead (spare.go), else a named temporary one.
func (f *FS) tempFile() (*os.File, func(dst string) error, error) {
	if f.spare.ok {
		t, err := f.spare.take()
		return t, func(dst string) error { return linkUnnamed(t, dst) }, err
	}
	t, err := os.CreateTemp(filepath.Join(f.dir, "tmp"), "put-*")
	if err != nil {
		return nil, nil, err
	}
	return t, func(dst string) error { return os.Link(t.Name(), dst) }, nil
}

// place links the written file in at dst, or keeps the same content already
// there and refreshes its time, so that GC's grace period protects it until
// the caller's metadata commits. GC may move that file aside between the
// two steps: then the link is tried again.
func (f *FS) place(dst string, link func(dst string) error) error {
	dir := filepath.Dir(dst)
	var err error
	for range 4 {
		err = link(dst)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, fs.ErrExist):
			now := time.Now()
			if err = os.Chtimes(dst, now, now); !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		case errors.Is(err, fs.ErrNotExist):
			// a new directory, or one removed behind this process's back
			f.durable.Delete(dir)
			if err = os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
		default:
			return err
		}
	}
	return err
}

// MakeDirs makes the directories of the flat layout that are missing, and
// makes their entries durable, before any message needs them: a new store
// otherwise paid a mkdir and a second directory sync in nearly every Put
// of its first thousand messages (issue 21). A nested store's 65,536 are
// made as they are needed.
func (f *FS) MakeDirs() error {
	if f.nested {
		return nil
	}
	dirs := make([]string, 256)
	for i := range dirs {
		dirs[i] = filepath.Join(f.dir, fmt.Sprintf("%02x", i))
		if err := os.Mkdir(dirs[i], 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("blob dir: %w", err)
		}
	}
	sync := syncDir
	if f.syncDir != nil {
		sync = f.syncDir
	}
	if err := sync(f.dir); err != nil {
		return fmt.Errorf("blob dir: %w", err)
	}
	for _, d := range dirs {
		f.durable.Store(d, struct{}{})
	}
	return nil
}

// syncPath makes the directory entries leading to a blob file durable:
// its directory and the one above (ab/cd/key: cd in ab, key in cd;
// ab/key: ab in the store's directory, key in ab).
func (f *FS) syncPath(p string) error {
	sync := syncDir
	if f.syncDir != nil {
		sync = f.syncDir
	}
	dir := filepath.Dir(p)
	if err := sync(dir); err != nil {
		return err
	}
	if _, ok := f.durable.Load(dir); ok {
		return nil
	}
	if err := sync(filepath.Dir(dir)); err != nil {
		return err
	}
	f.durable.Store(dir, struct{}{})
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Open implements Store.
func (f *FS) Open(key string) (io.ReadSeekCloser, error) {
	if !ValidKey(key) {
		return nil, ErrNotFound
	}
	file, err := os.Open(f.path(key))
	if errors.Is(err, fs.ErrNotExist) && f.flights.wait(key) {
		file, err = os.Open(f.path(key)) // PutLater has finished it
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return openFile(file)
}

// Exists reports whether a blob file is present.
func (f *FS) Exists(key string) bool {
	if !ValidKey(key) {
		return false
	}
	_, err := os.Stat(f.path(key))
	if errors.Is(err, fs.ErrNotExist) && f.flights.wait(key) {
		_, err = os.Stat(f.path(key)) // PutLater has finished it
	}
	return err == nil
}

// Walk calls fn for every stored blob.
func (f *FS) Walk(fn func(key string, mod time.Time) error) error {
	return filepath.WalkDir(f.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != f.dir && (n == "tmp" || n == "trash") {
				return filepath.SkipDir
			}
			return nil
		}
		if !ValidKey(d.Name()) || p != f.path(d.Name()) {
			return nil // not where this layout keeps that blob
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		return fn(d.Name(), info.ModTime())
	})
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
