package blob

// A message file made durable beside its row (issue 21). Put returns
// once the file is on disk and in place, and only then may a row name
// it: the fsync of a 200 KB file, about 1 ms here, came before the
// transaction of its row, whose own commit waits for the disk too.
// PutLater returns the key as soon as the bytes are written, and makes
// the file durable and puts it in place while the caller commits its
// row: an APPEND then waits for the longer of the two, not for both.
//
// Invariants:
//   - A file is in place under its key only once its bytes are durable
//     (FS.finish), as with Put: a Put that finds content in place (here
//     or after a crash) may trust it.
//   - Until the file is in place, Open and Exists of its key wait for it
//     in this process: a reader that learnt of the row first still finds
//     the message. Another process sees the key missing for that moment.
//   - A row committed with a key whose file never got in place (a crash,
//     a failed fsync) is the store's to find and drop: the caller names
//     such rows in the same transaction (store.PendingBlobStore) and
//     answers its client only once wait has returned nil.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"
)

// LaterPutter is a backend that can give a blob's key before its file is
// durable (FS).
type LaterPutter interface {
	// PutLater writes the content of r and returns its key and size; the
	// file is then made durable and put in place, and wait returns once
	// it is (nil), or why it could not be. wait may be called once;
	// the file is finished whether it is or not.
	PutLater(ctx context.Context, r io.Reader) (key string, size int64, wait func() error, err error)
}

var _ LaterPutter = (*FS)(nil)

// Later returns b's LaterPutter: FS itself, or the files beneath Inline.
func Later(b Store) (LaterPutter, bool) {
	if l, ok := b.(*Inline); ok {
		b = l.Backend
	}
	lp, ok := b.(LaterPutter)
	return lp, ok
}

// PutLater implements LaterPutter.
func (f *FS) PutLater(ctx context.Context, r io.Reader) (string, int64, func() error, error) {
	w, err := f.write(ctx, r)
	if err != nil {
		return "", 0, nil, fullErr(err)
	}
	f.flights.start(w.key)
	done := make(chan error, 1)
	go func() {
		err := f.finish(w)
		f.flights.end(w.key)
		done <- fullErr(err)
	}()
	return w.key, w.size, func() error { return <-done }, nil
}

// fullErr marks an error of the disk or quota running out with ErrFull.
func fullErr(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w", ErrFull, err)
	}
	return err
}

// flights are the keys whose files PutLater is finishing, each with how
// many PutLaters of the same content are at it.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
	// waiting, when set (tests), is told of a wait about to block.
	waiting func(key string)
}

type flight struct {
	n    int
	done chan struct{}
}

func (fl *flights) start(key string) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.m == nil {
		fl.m = map[string]*flight{}
	}
	g := fl.m[key]
	if g == nil {
		g = &flight{done: make(chan struct{})}
		fl.m[key] = g
	}
	g.n++
}

func (fl *flights) end(key string) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	g := fl.m[key]
	if g.n--; g.n == 0 {
		close(g.done)
		delete(fl.m, key)
	}
}

// wait waits for the key's files in flight, if any, and reports whether
// there were.
func (fl *flights) wait(key string) bool {
	fl.mu.Lock()
	g := fl.m[key]
	fl.mu.Unlock()
	if g == nil {
		return false
	}
	if fl.waiting != nil {
		fl.waiting(key)
	}
	<-g.done
	return true
}
