package blob_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"postroom/internal/blob"
	"postroom/internal/blob/blobtest"
)

// kept is a database's inline blobs, as a store keeps them.
type kept struct {
	blobs map[string][]byte
	err   error
}

func (k *kept) OpenInline(_ context.Context, key string) ([]byte, bool, error) {
	if k.err != nil {
		return nil, false, k.err
	}
	b, ok := k.blobs[key]
	return b, ok, nil
}

func (k *kept) keep(s string) string {
	key := blob.Key([]byte(s))
	k.blobs[key] = []byte(s)
	return key
}

func newInline(t *testing.T) (*blob.Inline, *blob.FS, *kept) {
	t.Helper()
	files, err := blob.OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src := &kept{blobs: map[string][]byte{}}
	return blob.NewInline(src, files), files, src
}

// The layered backend is a backend like any other for what it writes:
// Put goes to the files, and everything the files do holds.
func TestInline_conformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blobtest.Backend {
		l, files, _ := newInline(t)
		return blobtest.Backend{Backend: l, Age: func(t *testing.T, key string, mod time.Time) {
			if err := os.Chtimes(files.Path(key), mod, mod); err != nil {
				t.Fatal(err)
			}
		}}
	})
}

// Key names content as the files do, so that a message kept in the
// database and the same message as a file are one blob.
func TestKey_isTheFilesKey(t *testing.T) {
	_, files, _ := newInline(t)
	const msg = "Subject: 안녕\r\n\r\nbody\r\n"
	key, _, err := files.Put(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if got := blob.Key([]byte(msg)); got != key {
		t.Fatalf("Key %s, the file's %s", got, key)
	}
}

func readAll(t *testing.T, b blob.Store, key string) string {
	t.Helper()
	r, err := b.Open(key)
	if err != nil {
		t.Fatalf("Open(%s): %v", key, err)
	}
	defer r.Close()
	if _, err := r.Seek(2, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(io.ReaderAt); !ok {
		t.Errorf("Open(%s) is no io.ReaderAt (FETCH of a section reads at offsets)", key)
	}
	return "??" + string(rest)
}

func TestInline_opensTheDatabasesBlobsThenTheFiles(t *testing.T) {
	l, files, src := newInline(t)
	inDB := src.keep("kept in the database")
	asFile, _, err := l.Put(context.Background(), strings.NewReader("a file"))
	if err != nil {
		t.Fatal(err)
	}
	if !files.Exists(asFile) {
		t.Fatal("Put did not write the file")
	}
	if files.Exists(inDB) {
		t.Fatal("the database's blob is a file")
	}
	if got := readAll(t, l, inDB); got != "??pt in the database" {
		t.Errorf("inline: %q", got)
	}
	if got := readAll(t, l, asFile); got != "??file" {
		t.Errorf("file: %q", got)
	}
	if !l.Exists(inDB) || !l.Exists(asFile) {
		t.Errorf("Exists: inline %v, file %v", l.Exists(inDB), l.Exists(asFile))
	}
	unknown := blob.Key([]byte("nowhere"))
	if _, err := l.Open(unknown); !errors.Is(err, blob.ErrNotFound) || l.Exists(unknown) {
		t.Errorf("unknown key: %v, exists %v", err, l.Exists(unknown))
	}
	// a database that cannot answer is an error, not a missing blob
	src.err = errors.New("database is locked")
	if _, err := l.Open(inDB); err == nil || errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open with the database failing: %v", err)
	}
}

// Inline blobs are not files: Walk does not list them, so GC neither
// removes nor asks about them, and check does not call them collectable;
// the files beside them are collected as before.
func TestInline_gcCollectsFilesOnly(t *testing.T) {
	l, files, src := newInline(t)
	ctx := context.Background()
	inDB := src.keep("kept in the database")
	old := time.Now().Add(-2 * time.Hour)
	unused, _, err := l.Put(ctx, strings.NewReader("an unreferenced file"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(files.Path(unused), old, old); err != nil {
		t.Fatal(err)
	}
	var walked []string
	if err := l.Walk(func(key string, _ time.Time) error { walked = append(walked, key); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(walked) != 1 || walked[0] != unused {
		t.Fatalf("walked %v, want only the file %s", walked, unused)
	}
	asked := map[string]bool{}
	res, err := l.GC(ctx, refs(func(key string) bool { asked[key] = true; return false }), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed != 1 || res.Scanned != 1 || asked[inDB] {
		t.Fatalf("GC %+v, asked about %v", res, asked)
	}
	if !l.Exists(inDB) || l.Exists(unused) {
		t.Fatalf("after GC: inline %v, unused file %v", l.Exists(inDB), l.Exists(unused))
	}
	if files.Exists(inDB) {
		t.Fatal("GC made a file of the inline blob")
	}
}

type refs func(key string) bool

func (r refs) BlobReferenced(_ context.Context, key string) (bool, error) { return r(key), nil }

// A message is kept in the database only when the backend its readers
// use reads that very store's blobs, and only up to InlineMax.
func TestKeepsInline(t *testing.T) {
	l, files, src := newInline(t)
	other := &kept{blobs: map[string][]byte{}}
	for _, c := range []struct {
		name string
		b    blob.Store
		st   any
		size int64
		want bool
	}{
		{"small, over its own store", l, src, 10 << 10, true},
		{"at the limit", l, src, blob.InlineMax, true},
		{"over the limit", l, src, blob.InlineMax + 1, false},
		{"files alone", files, src, 10 << 10, false},
		{"over another store", l, other, 10 << 10, false},
		{"a store without inline blobs", l, struct{}{}, 10 << 10, false},
		{"no backend", nil, src, 10 << 10, false},
	} {
		if got := blob.KeepsInline(c.b, c.st, c.size); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
