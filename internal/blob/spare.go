package blob

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Files made ahead of their Put (issue 21). Making a file costs 0.3–0.4
// ms on our test machines (ext4 finding a free inode under gVisor), a
// fifth of an APPEND of 200 KB; a Put takes one made while the client was
// still sending, and the next is made on another processor.
//
// They are unnamed (O_TMPFILE) until Put links them into place, so one
// made and never used, or a crash mid-Put, leaves nothing on disk.
// Where the filesystem or the system has no unnamed files, Put writes a
// named temporary file as it always did.

// spareFiles bounds the files made ahead: enough for a burst of deliveries
// arriving together, few descriptors held.
const spareFiles = 4

type spares struct {
	dir    string // tmp/ of the store: a link must stay on one filesystem
	ok     bool   // unnamed files can be made and linked here
	ready  chan *os.File
	making atomic.Bool
	made   sync.WaitGroup // the refilling goroutine, for tests
}

// probe tells whether dir supports unnamed files and linking them through
// /proc, which a container may lack.
func (s *spares) probe(dir string) {
	s.dir = dir
	s.ready = make(chan *os.File, spareFiles)
	f, err := openUnnamed(dir)
	if err != nil {
		return
	}
	defer f.Close()
	name := filepath.Join(dir, "probe")
	err = linkUnnamed(f, name)
	if err == nil {
		os.Remove(name)
	}
	// a probe left by a process that stopped mid-probe proves the same
	s.ok = err == nil || errors.Is(err, fs.ErrExist)
}

// take returns an unnamed file to write, made ahead when one is ready.
func (s *spares) take() (*os.File, error) {
	defer s.refill()
	select {
	case f := <-s.ready:
		return f, nil
	default:
		return openUnnamed(s.dir)
	}
}

// refill makes files until spareFiles are ready, on one goroutine at most.
func (s *spares) refill() {
	if !s.making.CompareAndSwap(false, true) {
		return
	}
	s.made.Add(1)
	go func() {
		defer s.made.Done()
		defer s.making.Store(false)
		for len(s.ready) < cap(s.ready) {
			f, err := openUnnamed(s.dir)
			if err != nil {
				return // the Put that needs one will say why
			}
			select {
			case s.ready <- f:
			default:
				f.Close()
				return
			}
		}
	}()
}
