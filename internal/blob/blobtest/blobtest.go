// Package blobtest is the behaviour every blob backend shares (blob.FS,
// s3.Store), run by each backend's tests: keys are the content's SHA-256,
// one copy per content, unknown keys are ErrNotFound, Walk lists every
// blob, and GC removes only what is old and unreferenced at its second
// look.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"postroom/internal/blob"
)

// Backend is a fresh, empty backend and a way to set a blob's
// modification time (its file's time, its object's Last-Modified).
type Backend struct {
	blob.Backend
	Age func(t *testing.T, key string, mod time.Time)
}

// Run runs the shared behaviour; open makes a fresh backend per subtest.
func Run(t *testing.T, open func(t *testing.T) Backend) {
	t.Run("KeyIsSHA256AndContentReadsBack", func(t *testing.T) { keyIsSHA256(t, open(t)) })
	t.Run("SameContentStoredOnce", func(t *testing.T) { sameContentOnce(t, open(t)) })
	t.Run("UnknownKeyIsErrNotFound", func(t *testing.T) { unknownKey(t, open(t)) })
	t.Run("WalkListsEveryBlob", func(t *testing.T) { walkLists(t, open(t)) })
	t.Run("GCRemovesOnlyOldUnreferenced", func(t *testing.T) { gcOldUnreferenced(t, open(t)) })
	t.Run("GCKeepsWhatIsReferencedAfterTheListing", func(t *testing.T) { gcSecondLook(t, open(t)) })
}

type refSet map[string]bool

func (r refSet) BlobReferenced(_ context.Context, key string) (bool, error) { return r[key], nil }

type refFunc func(key string) bool

func (r refFunc) BlobReferenced(_ context.Context, key string) (bool, error) { return r(key), nil }

func put(t *testing.T, b Backend, s string) string {
	t.Helper()
	key, size, err := b.Put(context.Background(), strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(s)) {
		t.Fatalf("size %d, want %d", size, len(s))
	}
	return key
}

func keys(t *testing.T, b Backend) map[string]bool {
	t.Helper()
	m := map[string]bool{}
	if err := b.Walk(func(key string, _ time.Time) error { m[key] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	return m
}

func keyIsSHA256(t *testing.T, b Backend) {
	const msg = "Subject: 안녕\r\n\r\nbody\r\n"
	key := put(t, b, msg)
	sum := sha256.Sum256([]byte(msg))
	if key != hex.EncodeToString(sum[:]) {
		t.Fatalf("key %s", key)
	}
	r, err := b.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Seek(9, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, []byte(msg[9:])) {
		t.Fatalf("read after Seek(9): %q, %v", got, err)
	}
	if !b.Exists(key) {
		t.Fatal("Exists false after Put")
	}
}

func sameContentOnce(t *testing.T, b Backend) {
	first := put(t, b, "same")
	if again := put(t, b, "same"); again != first {
		t.Fatalf("keys differ: %s, %s", first, again)
	}
	if n := len(keys(t, b)); n != 1 {
		t.Fatalf("%d blobs, want 1", n)
	}
}

func unknownKey(t *testing.T, b Backend) {
	for _, key := range []string{strings.Repeat("0", 64), "../../etc/passwd", ""} {
		if _, err := b.Open(key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open(%q): %v", key, err)
		}
		if b.Exists(key) {
			t.Errorf("Exists(%q)", key)
		}
	}
}

func walkLists(t *testing.T, b Backend) {
	want := map[string]bool{put(t, b, "one"): true, put(t, b, "two"): true, put(t, b, "three"): true}
	got := keys(t, b)
	if len(got) != len(want) {
		t.Fatalf("walked %v, want %v", got, want)
	}
	for k := range want {
		if !got[k] {
			t.Fatalf("%s not walked", k)
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := b.Walk(func(string, time.Time) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Fatalf("a walk told to stop: %v after %d", err, n)
	}
}

func gcOldUnreferenced(t *testing.T, b Backend) {
	old := time.Now().Add(-2 * time.Hour)
	used, unused, young := put(t, b, "used"), put(t, b, "unused"), put(t, b, "young")
	b.Age(t, used, old)
	b.Age(t, unused, old)
	res, err := b.GC(context.Background(), refSet{used: true}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Bytes is the room given back: what the backend stored, which a
	// backend that compresses (FS) keeps smaller or larger than the blob.
	if res.Removed != 1 || res.Scanned != 3 || res.Bytes <= 0 {
		t.Fatalf("result %+v", res)
	}
	if !b.Exists(used) || !b.Exists(young) || b.Exists(unused) {
		t.Fatalf("exists used=%v young=%v unused=%v", b.Exists(used), b.Exists(young), b.Exists(unused))
	}
}

// A commit that references the blob after GC's listing is seen by its
// second look.
func gcSecondLook(t *testing.T, b Backend) {
	key := put(t, b, "referenced meanwhile")
	b.Age(t, key, time.Now().Add(-2*time.Hour))
	calls := 0
	res, err := b.GC(context.Background(), refFunc(func(string) bool { calls++; return calls > 1 }), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 || res.Removed != 0 || !b.Exists(key) {
		t.Fatalf("reference checks %d, result %+v, exists %v", calls, res, b.Exists(key))
	}
}
