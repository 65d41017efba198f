package mail

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/search"
	"postroom/internal/store"
)

// Search terms after the append (issue 21). Making a message's terms
// (IndexText) and writing them into the word index were a quarter of an
// IMAP APPEND's or an SMTP delivery's CPU at 200 KB, and grew with the
// message, while the client waited for its OK or 250. Where the store
// allows it (store.LaterIndexStore: SQLite), Append stores the message
// without them; the indexer (RunIndexer), woken by each append, reads
// the waiting messages back and writes their terms, many in one
// transaction, on another processor than the client's. Dovecot's FTS
// plugins and Stalwart index the same way, after the message is stored.
//
// Invariant: a search never misses a message. Every search of the
// account's index (Search, SEARCH BODY) first writes the terms of the
// account's waiting messages (indexWaiting): nothing is left waiting
// behind it, and it sees what the index will say for good. Without an
// indexer running (the command line), a message waits until the next
// search of its account, or the server's next start.

// Terms are made for this many waiting messages, or this many bytes of
// them, at a time: one transaction writes them, and the memory of their
// terms is bounded (deliver.MemoryCost: about 8 bytes a byte of text).
const (
	indexChunkRows  = 64
	indexChunkBytes = 4 << 20
)

// indexLaterMax is the largest message whose terms are written after its
// append. A larger one is indexed with its append, as before, within the
// memory its adapter budgets for it (deliver.MemoryCost): read back by
// the indexer, outside any budget, three 44 MiB messages at once took
// more memory than the SMTP server allows for them (tests/interop's
// memory tests).
const indexLaterMax = 8 << 20

// indexHeldBytes bounds the messages the indexer keeps parsed from their
// appends (indexer.held): past it, it reads them back from their files.
// At a steady stream there are up to a chunk's worth (indexGather); a burst
// faster than the indexer fills it, and the rest are read back.
const indexHeldBytes = 8 << 20

// indexGather is how long the indexer waits at most, once woken, for more
// appends to join the same pass; it stops waiting as soon as a chunk's
// worth (indexChunkRows) has arrived. The terms of a steady stream of
// appends are then written a chunk at a time, in one transaction and one
// segment of the index, rather than one each with a commit of its own
// beside every append's (measured: APPEND's CPU rose by a sixth without
// any wait; up to 300 ms rather than 50 took a further tenth off the CPU
// of one connection's stream of APPENDs, the indexer's work after it
// included; ten SMTP sessions fill a chunk sooner). A search does not
// wait for it: it writes what waits first (indexWaiting).
const indexGather = 300 * time.Millisecond

// indexer is the state of the indexer of a Service.
type indexer struct {
	mu   sync.Mutex // one chunk at a time: a search and the indexer share the work
	once sync.Once
	wake chan struct{} // an append happened; buffered, never blocks
	// full is told when arrived reaches a chunk's worth: the indexer
	// waits no longer (indexGather). arrived counts the appends since
	// the indexer's pass began.
	full    chan struct{}
	arrived atomic.Int64
	// gather, when set before RunIndexer starts, replaces indexGather
	// (a test's).
	gather time.Duration

	// held keeps the parse of the messages appended by this process
	// whose terms wait, by index row, so that they are not read and
	// parsed again; heldBytes is their size.
	heldMu    sync.Mutex
	held      map[int64]heldParse
	heldBytes int64

	// passed, when set before RunIndexer starts, is called after each of
	// its passes: what a test waits on (index_pass_test.go).
	passed func()
	// reportAt, when set, replaces indexReportFrom (a test's).
	reportAt int
}

type heldParse struct {
	m    *message.Message
	size int64
}

func (x *indexer) chans() (wake, full chan struct{}) {
	x.once.Do(func() { x.wake, x.full = make(chan struct{}, 1), make(chan struct{}, 1) })
	return x.wake, x.full
}

// startPass forgets the appends counted for the pass that now begins.
func (x *indexer) startPass() {
	_, full := x.chans()
	x.arrived.Store(0)
	select {
	case <-full:
	default:
	}
}

// gatherFor is indexGather, or what a test set.
func (x *indexer) gatherFor() time.Duration {
	if x.gather > 0 {
		return x.gather
	}
	return indexGather
}

// hold keeps m, the parse of index row id, if there is room.
func (x *indexer) hold(id int64, m *message.Message, size int64) {
	x.heldMu.Lock()
	defer x.heldMu.Unlock()
	if x.heldBytes+size > indexHeldBytes {
		return
	}
	if x.held == nil {
		x.held = map[int64]heldParse{}
	}
	x.held[id] = heldParse{m, size}
	x.heldBytes += size
}

// take returns and forgets the parse of index row id, if held.
func (x *indexer) take(id int64) *message.Message {
	x.heldMu.Lock()
	defer x.heldMu.Unlock()
	h, ok := x.held[id]
	if ok {
		delete(x.held, id)
		x.heldBytes -= h.size
	}
	return h.m
}

// forget drops every parse held: called when no row waits, those left
// are of messages expunged before their terms were written.
func (x *indexer) forget() {
	x.heldMu.Lock()
	defer x.heldMu.Unlock()
	x.held, x.heldBytes = nil, 0
}

// laterIndex is the store's LaterIndexStore, if it is one.
func (s *Service) laterIndex() (store.LaterIndexStore, bool) {
	l, ok := s.Store.(store.LaterIndexStore)
	return l, ok
}

// wakeIndexer tells the indexer that a message waits.
func (s *Service) wakeIndexer() {
	wake, full := s.indexer.chans()
	if s.indexer.arrived.Add(1) == indexChunkRows {
		select {
		case full <- struct{}{}:
		default:
		}
	}
	select {
	case wake <- struct{}{}:
	default: // already told
	}
}

// RunIndexer writes the terms of the messages that wait for them, after
// each append and every poll (for those another process stored: the
// command line's import), until ctx ends.
func (s *Service) RunIndexer(ctx context.Context, poll time.Duration, log *slog.Logger) {
	if _, ok := s.laterIndex(); !ok {
		return
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	wake, full := s.indexer.chans()
	for {
		s.indexer.startPass()
		err := s.indexPass(ctx, log)
		switch {
		case err == nil:
			s.indexer.forget()
		case ctx.Err() == nil:
			log.Error("search index", "err", err)
		}
		if s.indexer.passed != nil {
			s.indexer.passed()
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
		select {
		case <-ctx.Done():
			return
		case <-full:
		case <-time.After(s.indexer.gatherFor()):
		}
	}
}

// indexReportFrom is the backlog from which a pass of the indexer tells
// the log how far it is, at every tenth of it: a restored backup, whose
// index is rebuilt (store/sqlite's index_file.go), or a burst of
// imports. The operator's status panel shows the backlog too
// (admin.Status).
const indexReportFrom = 1000

// reportFrom is indexReportFrom, or what a test set (reportAt).
func (x *indexer) reportFrom() int {
	if x.reportAt > 0 {
		return x.reportAt
	}
	return indexReportFrom
}

// indexPass writes the terms of every message that waits for them, and
// tells the log how far it is when there are many (indexReportFrom).
func (s *Service) indexPass(ctx context.Context, log *slog.Logger) error {
	l, ok := s.laterIndex()
	if !ok {
		return nil
	}
	backlog, err := l.IndexBacklog(ctx)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if backlog < s.indexer.reportFrom() {
		_, err := s.indexWaiting(ctx, 0)
		return err
	}
	log.Info("search index: writing the terms of waiting messages", "waiting", backlog)
	done, tenth := 0, 1
	for {
		did, err := s.indexChunk(ctx, l, 0)
		done += did
		if err != nil {
			return err
		}
		if did == 0 {
			log.Info("search index: up to date", "written", done)
			return nil
		}
		// messages arriving meanwhile are written too: done may pass the backlog
		if tenth < 10 && done < backlog && done*10 >= tenth*backlog {
			log.Info("search index: writing", "written", done, "of", backlog, "percent", done*100/backlog)
			tenth = done*10/backlog + 1
		}
	}
}

// IndexWaiting writes the terms of the actor's messages that wait for
// them, as a search of the account would first, and returns how many.
func (s *Service) IndexWaiting(ctx context.Context, a actor.Actor) (int, error) {
	accountID, err := owner(a)
	if err != nil {
		return 0, err
	}
	return s.indexWaiting(ctx, accountID)
}

// indexWaiting writes the terms of the account's messages that wait for
// them (of every account when accountID is 0), and returns how many.
func (s *Service) indexWaiting(ctx context.Context, accountID int64) (int, error) {
	l, ok := s.laterIndex()
	if !ok {
		return 0, nil
	}
	n := 0
	for {
		did, err := s.indexChunk(ctx, l, accountID)
		n += did
		if err != nil || did == 0 {
			return n, err
		}
	}
}

// indexChunk writes the terms of the first waiting messages (up to
// indexChunkRows and indexChunkBytes, at least one), and returns how many.
func (s *Service) indexChunk(ctx context.Context, l store.LaterIndexStore, accountID int64) (int, error) {
	s.indexer.mu.Lock()
	defer s.indexer.mu.Unlock()
	waiting, err := l.IndexWaiting(ctx, accountID, indexChunkRows)
	if err != nil {
		return 0, fmt.Errorf("search index: %w", err)
	}
	rows := make([]store.IndexRow, 0, len(waiting))
	var bytes int64
	for _, w := range waiting {
		if len(rows) > 0 && bytes+w.Size > indexChunkBytes {
			break
		}
		bytes += w.Size
		rows = append(rows, store.IndexRow{IndexID: w.IndexID, AccountID: w.AccountID, Index: s.laterIndexText(w)})
	}
	if err := l.WriteIndexRows(ctx, rows); err != nil {
		return 0, fmt.Errorf("search index: %w", err)
	}
	return len(rows), nil
}

// laterIndexText makes the terms of a waiting message from its file. One
// that cannot be read is marked cut, with no terms: an exact search reads
// it (and fails there, where the error belongs), and it waits no more.
func (s *Service) laterIndexText(w store.WaitingIndexRow) store.IndexText {
	if m := s.indexer.take(w.IndexID); m != nil {
		return IndexText(m)
	}
	raw, err := s.readBlob(w.BlobKey, w.Size)
	if err != nil {
		slog.Error("search index: message unreadable, indexed without terms", "account", w.AccountID, "row", w.IndexID, "err", err)
		return store.IndexText{Body: " " + search.CutTerm} // as indexBody writes the mark
	}
	return IndexText(message.Parse(raw))
}
