package smtpd

// Receiving a message's content (DATA, BDAT). A small one (spoolInMemory)
// stays in memory as it arrives, and so does a larger one, of up to
// spoolInMemoryMax, while the arriving budget has room. A larger one goes
// to a spool file, so
// that a slow or large transfer costs no memory while it lasts (50
// connections per address may be sending at once), and is then read
// into memory once, at its exact size: a growing buffer would hold up to
// three times the message while it doubles (issue 13). Messages are held
// in memory for delivery within a budget (MaxInFlight, counted with
// deliver.MemoryCost); past it they wait in the spool for their turn, so
// that memory stays bounded however many clients send at once.
//
// Invariant: every byte counted in the budget is given back when the
// transaction's delivery returns (the release func of load).

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"postroom/internal/deliver"
)

// spoolDir is where messages wait while they arrive.
func (s *Server) spoolDir() string {
	if s.Spool != "" {
		return s.Spool
	}
	return os.TempDir()
}

// spoolInMemory is the size up to which a message's content stays in
// memory while it arrives, with no spool file: creating, writing and
// removing one cost more CPU than the rest of receiving a 10 KB message
// (issue 21: 13 % of SMTP intake at 10 KB). The memory is bounded by the
// connections in DATA at once, which the listeners' limits bound
// (Budget, MaxConnsPerIP): 1,000 of them hold at most 64 MiB.
const spoolInMemory = 64 << 10

// A larger message, of up to spoolInMemoryMax, stays in memory too while
// the server's arriving budget (arrivingBudget, shared by all
// connections) has room for it: a spool file written and read back cost
// 7 % of receiving a 200 KB message (issue 21). Past the budget, or past
// that size, the file, as ever.
const (
	spoolInMemoryMax = 1 << 20
	arrivingBudget   = 32 << 20
)

// spooled is a message's content: in memory (mem) when it is small, in
// its spool file (f) otherwise. release gives back the arriving budget a
// larger message in memory holds.
type spooled struct {
	mem      []byte
	f        *os.File
	size     int64
	unlinked bool
	release  func()
}

// spool reads a message's content from r, into a spool file unless it is
// small (spoolInMemory). Its errors are the reader's (a limit, the
// connection) or a reply: a spool that cannot be written (451 4.3.0: a
// full disk must never lose an acknowledged message).
func (s *Server) spool(r io.Reader) (*spooled, error) {
	head, err := io.ReadAll(io.LimitReader(r, spoolInMemory+1))
	if err != nil {
		return nil, err // the client's (too big, gone): as from io.Copy below
	}
	if len(head) <= spoolInMemory {
		return &spooled{mem: head, size: int64(len(head))}, nil
	}
	if release, ok := s.arriving.tryAcquire(spoolInMemoryMax+1, arrivingBudget); ok {
		buf := make([]byte, spoolInMemoryMax+1)
		n, end, err := fill(r, buf, copy(buf, head))
		switch {
		case err != nil:
			release()
			return nil, err // the client's, as below
		case end:
			return &spooled{mem: buf[:n:n], size: int64(n), release: release}, nil
		}
		head = buf[:n] // over spoolInMemoryMax: to the file with the rest
		release()
	}
	dir := s.spoolDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, reply(fmt.Errorf("spool: %w", err))
	}
	f, err := os.CreateTemp(dir, "data-*")
	if err != nil {
		return nil, reply(fmt.Errorf("spool: %w", err))
	}
	// Unlinked at once where the system allows it (the file lives while it
	// is open, and a crash leaves nothing behind); otherwise by Close.
	sp := &spooled{f: f, unlinked: os.Remove(f.Name()) == nil}
	w := &spoolWriter{f: f}
	sp.size, err = io.Copy(w, io.MultiReader(bytes.NewReader(head), r))
	if w.err != nil {
		err = reply(fmt.Errorf("spool: %w", w.err))
	}
	// Otherwise the reader's own error: a limit (errDataTooLarge,
	// errLineTooLong, answered by answerData), or the connection's, whose
	// reply nobody reads.
	if err != nil {
		sp.Close()
		return nil, err
	}
	return sp, nil
}

// fill reads r into buf from n on until buf is full or r ends (end).
// Only io.EOF ends it: the data reader reports a connection lost before
// the end of the data as another error, io.ErrUnexpectedEOF, and a
// message cut short is not a message.
func fill(r io.Reader, buf []byte, n int) (int, bool, error) {
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, true, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, false, nil
}

// Close removes the spool file, or gives back the memory.
func (sp *spooled) Close() {
	if sp.release != nil {
		sp.release()
	}
	if sp.f == nil {
		return
	}
	sp.f.Close()
	if !sp.unlinked {
		os.Remove(sp.f.Name())
	}
}

// load reads the message into memory once the server's budget has room
// for what delivering it may cost (deliver.MemoryCost), and holds that
// room until release is called. Errors are replies (451 4.3.0: no room
// before ctx ended, or the spool unreadable).
func (s *Server) load(ctx context.Context, sp *spooled) (raw []byte, release func(), err error) {
	release, err = s.inFlight.acquire(ctx, deliver.MemoryCost(sp.size), s.maxInFlight())
	if err != nil {
		return nil, nil, reply(fmt.Errorf("waiting to deliver %d bytes: %w", sp.size, err))
	}
	if sp.f == nil {
		return sp.mem, release, nil
	}
	raw = make([]byte, sp.size)
	if _, err := sp.f.ReadAt(raw, 0); err != nil && sp.size > 0 {
		release()
		return nil, nil, reply(fmt.Errorf("spool: %w", err))
	}
	return raw, release, nil
}

// maxInFlight is the budget: what two messages of the largest size cost.
func (s *Server) maxInFlight() int64 {
	if s.MaxInFlight > 0 {
		return s.MaxInFlight
	}
	return 2 * deliver.MemoryCost(max(s.MaxMessageSize, 1<<20))
}

// byteBudget counts the bytes of memory that messages being delivered hold.
type byteBudget struct {
	mu   sync.Mutex
	used int64
	wake chan struct{} // closed and replaced when bytes are given back
}

// acquire waits until n bytes (at most limit: a message costing more than
// the whole budget waits for all of it) fit, or ctx ends.
func (b *byteBudget) acquire(ctx context.Context, n, limit int64) (release func(), err error) {
	n = min(n, limit)
	for {
		b.mu.Lock()
		if b.used+n <= limit {
			b.used += n
			b.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { b.give(n) }) }, nil
		}
		if b.wake == nil {
			b.wake = make(chan struct{})
		}
		wake := b.wake
		b.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// inUse is how many bytes are taken.
func (b *byteBudget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// tryAcquire takes n bytes if they fit now, without waiting.
func (b *byteBudget) tryAcquire(n, limit int64) (release func(), ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > limit {
		return nil, false
	}
	b.used += n
	var once sync.Once
	return func() { once.Do(func() { b.give(n) }) }, true
}

func (b *byteBudget) give(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if b.wake != nil {
		close(b.wake)
		b.wake = nil
	}
}

// spoolWriter writes to the spool file and remembers its own failure, to
// tell a full disk (451) from a client that went away.
type spoolWriter struct {
	f   *os.File
	err error
}

func (w *spoolWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}
