package blob

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
)

// PutLater gives the key before the file is in place; a reader of the
// key meanwhile (one that learnt of the message's row) waits for it and
// reads the message, and the file is in place, whole, once wait returns.
func TestPutLater_readerWaitsForTheFile(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	f.beforePlace = func() { <-release }
	waiting := make(chan string, 1)
	f.flights.waiting = func(key string) { waiting <- key }
	msg := strings.Repeat("전자결재 올렸습니다\r\n", 20000)
	key, size, wait, err := f.PutLater(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if key != Key([]byte(msg)) || size != int64(len(msg)) {
		t.Fatalf("key %s size %d, want %s %d", key, size, Key([]byte(msg)), len(msg))
	}
	if _, err := os.Stat(f.Path(key)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the file is in place before it is durable: %v", err)
	}
	read := make(chan string, 1)
	go func() {
		r, err := f.Open(key)
		if err != nil {
			read <- "open: " + err.Error()
			return
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			read <- "read: " + err.Error()
			return
		}
		read <- string(b)
	}()
	if got := <-waiting; got != key { // the reader waits, the file still out of place
		t.Fatalf("waited for %s, want %s", got, key)
	}
	close(release)
	if got := <-read; got != msg {
		t.Errorf("the waiting reader read %d bytes (%.40q), want the message's %d", len(got), got, len(msg))
	}
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if !f.Exists(key) {
		t.Error("the file is not in place after wait")
	}
	if f.flights.wait(key) {
		t.Error("the key is still in flight after wait")
	}
	// the same content again: in place already, the same key
	f.beforePlace = nil
	again, _, wait, err := f.PutLater(context.Background(), strings.NewReader(msg))
	if err != nil || wait() != nil || again != key {
		t.Errorf("the same content again: key %s, %v", again, err)
	}
}

// A key never put in place (its PutLater failed) is not found, and no
// reader waits for it for ever; a failure for want of room is ErrFull,
// from wait as from Put.
func TestPutLater_failureReachesWaitAndReaders(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.syncDir = func(dir string) error { return &fs.PathError{Op: "sync", Path: dir, Err: syscall.ENOSPC} }
	key, _, wait, err := f.PutLater(context.Background(), strings.NewReader("message"))
	if err != nil {
		t.Fatal(err)
	}
	if err := wait(); !errors.Is(err, ErrFull) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("wait: %v, want ErrFull", err)
	}
	if f.flights.wait(key) {
		t.Error("a failed key is still in flight")
	}
	if _, _, _, err := f.PutLater(context.Background(), iotestErrReader{}); err == nil {
		t.Error("a reader's error is not PutLater's")
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, syscall.EIO }

// Later finds the files beneath the layered backend, and nothing in a
// backend that cannot put later.
func TestLater_findsTheFiles(t *testing.T) {
	f, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if lp, ok := Later(NewInline(nil, f)); !ok || lp != LaterPutter(f) {
		t.Errorf("Later of Inline over FS: %v %v", lp, ok)
	}
	if _, ok := Later(onlyPut{f}); ok {
		t.Error("Later of a backend without PutLater")
	}
}

type onlyPut struct{ Store }
