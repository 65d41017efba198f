package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type refSet map[string]bool

func (r refSet) BlobReferenced(_ context.Context, key string) (bool, error) { return r[key], nil }

func put(t *testing.T, f *FS, s string) string {
	t.Helper()
	key, size, err := f.Put(context.Background(), strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(s)) {
		t.Fatalf("size %d, want %d", size, len(s))
	}
	return key
}

func TestPut_keyIsSHA256AndContentReadsBack(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := put(t, f, "Subject: 안녕\r\n\r\nbody\r\n")
	sum := sha256.Sum256([]byte("Subject: 안녕\r\n\r\nbody\r\n"))
	if key != hex.EncodeToString(sum[:]) {
		t.Fatalf("key %s", key)
	}
	r, err := f.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	if string(b) != "Subject: 안녕\r\n\r\nbody\r\n" {
		t.Fatalf("read %q", b)
	}
	if _, err := f.Open(strings.Repeat("0", 64)); err != ErrNotFound {
		t.Fatalf("missing blob: %v", err)
	}
	if _, err := f.Open("../../etc/passwd"); err != ErrNotFound {
		t.Fatalf("bad key: %v", err)
	}
}

func TestPut_sameContentStoredOnce(t *testing.T) {
	f, _ := OpenFS(t.TempDir())
	a, b := put(t, f, "same"), put(t, f, "same")
	if a != b {
		t.Fatal("keys differ")
	}
	n := 0
	f.Walk(func(string, time.Time) error { n++; return nil })
	if n != 1 {
		t.Fatalf("%d files, want 1", n)
	}
	tmp, _ := os.ReadDir(f.dir + "/tmp")
	if len(tmp) != 0 {
		t.Fatalf("temp files left: %d", len(tmp))
	}
}

func TestGC_removesOnlyOldUnreferenced(t *testing.T) {
	f, _ := OpenFS(t.TempDir())
	old := time.Now().Add(-2 * time.Hour)
	used, unused, young := put(t, f, "used"), put(t, f, "unused"), put(t, f, "young")
	os.Chtimes(f.path(used), old, old)
	os.Chtimes(f.path(unused), old, old)
	res, err := f.GC(context.Background(), refSet{used: true}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed != 1 || res.Scanned != 3 {
		t.Fatalf("result %+v", res)
	}
	if !f.Exists(used) || !f.Exists(young) || f.Exists(unused) {
		t.Fatalf("exists used=%v young=%v unused=%v", f.Exists(used), f.Exists(young), f.Exists(unused))
	}
}

// A Put of content that GC is about to remove must survive: the refreshed
// time protects it.
func TestGC_concurrentPutOfSameContentSurvives(t *testing.T) {
	f, _ := OpenFS(t.TempDir())
	old := time.Now().Add(-2 * time.Hour)
	for round := 0; round < 50; round++ {
		content := "content " + strings.Repeat("x", round)
		key := put(t, f, content)
		os.Chtimes(f.path(key), old, old)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); f.GC(context.Background(), refSet{}, time.Hour) }()
		go func() { defer wg.Done(); put(t, f, content) }()
		wg.Wait()
		if !f.Exists(key) {
			t.Fatalf("round %d: blob lost after a Put that returned", round)
		}
	}
}

// A Put of content already stored returns only once the directory entry
// is durable too: the file may have been renamed in by another Put (or put
// back by GC) that has not synced its directory yet.
func TestPut_existingContentSyncsItsDirectoryEntry(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var synced []string
	f.syncDir = func(dir string) error { synced = append(synced, dir); return nil }
	key := put(t, f, "the same message")
	first := synced
	synced = nil
	if put(t, f, "the same message") != key {
		t.Fatal("the same content got another key")
	}
	want := filepath.Dir(f.path(key))
	if len(first) != 2 || first[0] != want || first[1] != filepath.Dir(want) {
		t.Fatalf("first Put synced %v, want %s and its parent", first, want)
	}
	// the parent's entry for the directory was made durable by the first
	if len(synced) != 1 || synced[0] != want {
		t.Fatalf("second Put synced %v, want %s alone", synced, want)
	}
}

// sameDir returns two contents whose blobs share a directory in either
// layout (ab/cd).
func sameDir(t *testing.T) (string, string) {
	t.Helper()
	seen := map[string]string{}
	for i := 0; ; i++ {
		c := fmt.Sprintf("content %d", i)
		sum := sha256.Sum256([]byte(c))
		d := hex.EncodeToString(sum[:2])
		if other, ok := seen[d]; ok {
			return other, c
		}
		seen[d] = c
	}
}

// A Put into a directory this process made durable syncs only that
// directory; one removed behind the process's back is made again.
func TestPut_knownDirectorySyncedOnceAndMadeAgainWhenGone(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var synced []string
	f.syncDir = func(dir string) error { synced = append(synced, dir); return nil }
	a, b := sameDir(t)
	ka := put(t, f, a)
	dir := filepath.Dir(f.path(ka))
	synced = nil
	kb := put(t, f, b)
	if filepath.Dir(f.path(kb)) != dir || len(synced) != 1 || synced[0] != dir {
		t.Fatalf("Put into a known directory synced %v, want %s alone", synced, dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	synced = nil
	if put(t, f, b) != kb || !f.Exists(kb) {
		t.Fatal("Put after its directory was removed did not store the blob")
	}
	if len(synced) != 2 || synced[0] != dir || synced[1] != filepath.Dir(dir) {
		t.Fatalf("Put into a directory made again synced %v, want %s and its parent", synced, dir)
	}
}

// A blob GC moved aside and then found referenced is put back; when that
// fails, GC says so and leaves the file in trash/ (never deletes it).
func TestGC_failedPutBackIsAnErrorAndKeepsTheFile(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := put(t, f, "referenced after all")
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(f.path(key), old, old); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(f.path(key))
	calls := 0
	refs := refFunc(func(key string) bool {
		calls++
		if calls == 2 {
			// a commit took a reference while the file was aside, and the
			// way back is blocked: its folder is now a file
			os.RemoveAll(dir)
			os.WriteFile(dir, []byte("x"), 0o600)
			return true
		}
		return false
	})
	_, err = f.GC(context.Background(), refs, time.Hour)
	if err == nil {
		t.Fatal("GC could not put a referenced blob back and said nothing")
	}
	if _, serr := os.Stat(filepath.Join(f.dir, "trash", key)); serr != nil {
		t.Fatalf("the referenced blob is gone from trash/ too: %v (GC said %v)", serr, err)
	}
}

type refFunc func(key string) bool

func (r refFunc) BlobReferenced(_ context.Context, key string) (bool, error) { return r(key), nil }

// A Put that fails for want of room (ENOSPC, a filesystem quota) says so
// with ErrFull, so that every protocol can answer with a temporary failure
// rather than an internal error; other failures do not.
func TestPut_noSpaceIsErrFull(t *testing.T) {
	for _, c := range []struct {
		errno syscall.Errno
		full  bool
	}{{syscall.ENOSPC, true}, {syscall.EDQUOT, true}, {syscall.EIO, false}} {
		f, _ := OpenFS(t.TempDir())
		f.syncDir = func(dir string) error { return &fs.PathError{Op: "sync", Path: dir, Err: c.errno} }
		_, _, err := f.Put(context.Background(), strings.NewReader("message"))
		if err == nil || errors.Is(err, ErrFull) != c.full || !errors.Is(err, c.errno) {
			t.Errorf("Put failing with %v: %v (ErrFull %v, want %v)", c.errno, err, errors.Is(err, ErrFull), c.full)
		}
	}
}

// A new store is flat and says so in LAYOUT; one made before LAYOUT
// existed (it holds blobs, and no LAYOUT) stays nested, and both find
// their blobs again when opened anew.
func TestOpenFS_layouts(t *testing.T) {
	fresh := t.TempDir()
	f, err := OpenFS(fresh)
	if err != nil {
		t.Fatal(err)
	}
	key := put(t, f, "a message")
	if _, err := os.Stat(filepath.Join(fresh, key[:2], key)); err != nil {
		t.Fatalf("new store: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(fresh, "LAYOUT")); err != nil || string(b) != "ab/key\n" {
		t.Fatalf("LAYOUT of a new store: %q, %v", b, err)
	}

	old := t.TempDir()
	sum := sha256.Sum256([]byte("an old message"))
	oldKey := hex.EncodeToString(sum[:])
	if err := os.MkdirAll(filepath.Join(old, oldKey[:2], oldKey[2:4]), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, oldKey[:2], oldKey[2:4], oldKey), []byte("an old message"), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := OpenFS(old)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Exists(oldKey) {
		t.Fatal("an old store's blob is not found")
	}
	newKey := put(t, g, "a new message")
	if _, err := os.Stat(filepath.Join(old, newKey[:2], newKey[2:4], newKey)); err != nil {
		t.Fatalf("a new blob of an old store: %v", err)
	}
	for _, dir := range []string{fresh, old} {
		h, err := OpenFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		if err := h.Walk(func(key string, _ time.Time) error { keys = append(keys, key); return nil }); err != nil {
			t.Fatal(err)
		}
		want := []string{key}
		if dir == old {
			want = []string{oldKey, newKey}
			slices.Sort(want)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			t.Fatalf("%s reopened walks %v, want %v", dir, keys, want)
		}
	}
	if err := os.WriteFile(filepath.Join(fresh, "LAYOUT"), []byte("a/b/c/key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFS(fresh); err == nil {
		t.Fatal("an unknown layout opened")
	}
}
