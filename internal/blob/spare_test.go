package blob

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// tmpEntries lists what is left in the store's tmp/.
func tmpEntries(t *testing.T, f *FS) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(f.dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Both ways of writing a blob, unnamed files linked into place and named
// temporary files (where the system has no unnamed ones), store the same
// content, store it once, make a removed directory again, and leave
// nothing in tmp/.
func TestPut_unnamedAndNamedFilesLeaveNothingBehind(t *testing.T) {
	if runtime.GOOS == "linux" {
		f, err := OpenFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if !f.spare.ok {
			t.Fatal("this Linux machine's filesystem has no unnamed files (O_TMPFILE) or no /proc")
		}
	}
	for _, unnamed := range []bool{true, false} {
		f, err := OpenFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if !unnamed {
			f.spare.ok = false
		}
		key := put(t, f, "Subject: 안녕\r\n\r\nthe first\r\n")
		if put(t, f, "Subject: 안녕\r\n\r\nthe first\r\n") != key {
			t.Fatalf("unnamed %v: the same content got another key", unnamed)
		}
		if err := os.RemoveAll(filepath.Dir(f.path(key))); err != nil {
			t.Fatal(err)
		}
		if put(t, f, "Subject: 안녕\r\n\r\nthe first\r\n") != key || !f.Exists(key) {
			t.Fatalf("unnamed %v: Put after its directory was removed did not store the blob", unnamed)
		}
		r, err := f.Open(key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil || string(b) != "Subject: 안녕\r\n\r\nthe first\r\n" {
			t.Fatalf("unnamed %v: read %q, %v", unnamed, b, err)
		}
		f.spare.made.Wait()
		if left := tmpEntries(t, f); len(left) != 0 {
			t.Fatalf("unnamed %v: tmp/ holds %v", unnamed, left)
		}
	}
}

// A Put takes a file made ahead, and files are made again until
// spareFiles are ready.
func TestPut_takesFilesMadeAhead(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "linux" {
		t.Skip("files are made ahead only where they can be unnamed (Linux)")
	}
	put(t, f, "the first message")
	f.spare.made.Wait()
	if n := len(f.spare.ready); n != spareFiles {
		t.Fatalf("%d files ready after a Put, want %d", n, spareFiles)
	}
	ready := make(map[*os.File]bool)
	for range spareFiles {
		g := <-f.spare.ready
		ready[g] = true
		f.spare.ready <- g
	}
	g, err := f.spare.take()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if !ready[g] {
		t.Fatal("take made a file while others were ready")
	}
	f.spare.made.Wait()
	if n := len(f.spare.ready); n != spareFiles {
		t.Fatalf("%d files ready after a take, want %d", n, spareFiles)
	}
}

// GC may move a blob aside between a link that found it and the refresh
// of its time: the link is tried again, and the blob is stored.
func TestPut_placeLinksAgainWhenTheFileWentAside(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(f.dir, "tmp", "written")
	if err := os.WriteFile(src, []byte("message"), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("message"))
	dst := f.path(keyOf(sum[:]))
	calls := 0
	err = f.place(dst, func(dst string) error {
		calls++
		if calls == 1 { // as if it were there, and then moved aside
			return &os.LinkError{Op: "link", Old: src, New: dst, Err: syscall.EEXIST}
		}
		return os.Link(src, dst)
	})
	if err != nil || calls != 3 { // found, moved aside; no directory; linked
		t.Fatalf("place: %v after %d links, want nil after 3", err, calls)
	}
	if b, err := os.ReadFile(dst); err != nil || string(b) != "message" {
		t.Fatalf("placed file: %q, %v", b, err)
	}
	err = f.place(dst, func(string) error { return &os.LinkError{Err: syscall.EACCES} })
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("a refused link: %v", err)
	}
}

// countingWriter counts the writes a packed file takes.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return c.Buffer.Write(p)
}

// A packed file is written a frame at a time, with its magic and its
// index in the writes of the first and last frames: a message of one
// frame is one write.
func TestWritePacked_oneWriteAFrame(t *testing.T) {
	for _, c := range []struct {
		size, writes int
	}{{0, 1}, {1, 1}, {packFrame - 1, 1}, {packFrame, 1}, {packFrame + 1, 2}, {2*packFrame + 5, 3}, {5*packFrame + 1, 6}} {
		msg := []byte(strings.Repeat("내일 회의 / the meeting\r\n", c.size/28+1)[:c.size])
		var w countingWriter
		size, err := writePacked(&w, sha256.New(), bytes.NewReader(msg))
		if err != nil || size != int64(len(msg)) {
			t.Fatalf("%d bytes: size %d, %v", c.size, size, err)
		}
		if w.writes != c.writes {
			t.Errorf("%d bytes written in %d writes, want %d", c.size, w.writes, c.writes)
		}
		p, err := readPacked(bytes.NewReader(w.Bytes()), int64(w.Len()))
		if err != nil || p == nil {
			t.Fatalf("%d bytes: not read back as packed (%v)", c.size, err)
		}
		got, err := io.ReadAll(p)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("%d bytes: read back %d bytes, %v", c.size, len(got), err)
		}
	}
}

// MakeDirs makes the flat layout's 256 directories durable with one sync;
// a Put then syncs only its own directory. A nested store makes none.
func TestMakeDirs_flatStoreAheadOfItsMessages(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var synced []string
	f.syncDir = func(dir string) error { synced = append(synced, dir); return nil }
	if err := f.MakeDirs(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"00", "7f", "ff"} {
		if info, err := os.Stat(filepath.Join(f.dir, d)); err != nil || !info.IsDir() {
			t.Fatalf("directory %s: %v", d, err)
		}
	}
	if len(synced) != 1 || synced[0] != f.dir {
		t.Fatalf("MakeDirs synced %v, want the store's directory once", synced)
	}
	synced = nil
	key := put(t, f, "the first message")
	if len(synced) != 1 || synced[0] != filepath.Dir(f.path(key)) {
		t.Fatalf("the first Put synced %v, want its own directory alone", synced)
	}

	old := t.TempDir()
	if err := os.MkdirAll(filepath.Join(old, "ab", "cd"), 0o700); err != nil {
		t.Fatal(err)
	}
	g, err := OpenFS(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.MakeDirs(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(old, "00")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a nested store got flat directories: %v", err)
	}
}
