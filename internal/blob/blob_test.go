package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"sync"
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
