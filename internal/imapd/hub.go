package imapd

// A hub is the server's view of one mailbox shared by every session that
// has it selected: its UIDs in order (sequence number = index + 1) and the
// library's MailboxTracker, which turns changes into per-session EXISTS,
// EXPUNGE and FETCH FLAGS. Changes arrive two ways: a session applies its
// own before answering, and every committed change also arrives as an event
// from internal/events. Both paths read the store, which is authoritative,
// so they are idempotent and order does not matter.
//
// Lock order: hubs.mu, then hub.mu, then the library's tracker locks.
// Every read of the mailbox service made here has a deadline (syncTimeout),
// and those of the event loop end with the hub: hub.mu is held across
// them, and a stuck read must not hold every session of the mailbox.

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
)

// syncTimeout bounds one read of the mailbox by a hub, as the library
// bounds a command (30 seconds).
const syncTimeout = 30 * time.Second

type hubs struct {
	mu sync.Mutex
	m  map[int64]*hub
}

type hub struct {
	s         *Server
	who       actor.Actor // the account, as its sessions act
	mailboxID int64
	// ctx ends when the last session leaves the mailbox: the event loop's
	// reads stop with it.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	uids    []uint32
	tracker *imapserver.MailboxTracker
	// flagModSeq remembers the MODSEQ of the last flag change announced per
	// UID, so the event that echoes a change already applied is skipped.
	flagModSeq map[uint32]uint64

	refs int
	done chan struct{}
}

// openHub returns the mailbox's hub, creating it on first use.
func (s *Server) openHub(ctx context.Context, who actor.Actor, mailboxID int64) (*hub, error) {
	s.hubs.mu.Lock()
	defer s.hubs.mu.Unlock()
	if h := s.hubs.m[mailboxID]; h != nil {
		h.refs++
		return h, nil
	}
	// Subscribe before reading, so no change falls between the two.
	ch, unsubscribe := s.Events.Subscribe(who.AccountID)
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	uids, err := s.Mail.UIDs(ctx, who, mailboxID, 0)
	if err != nil {
		unsubscribe()
		return nil, err
	}
	hctx, hcancel := context.WithCancel(context.Background())
	h := &hub{s: s, who: who, mailboxID: mailboxID, ctx: hctx, cancel: hcancel, uids: uids,
		tracker: imapserver.NewMailboxTracker(uint32(len(uids))), flagModSeq: map[uint32]uint64{},
		refs: 1, done: make(chan struct{})}
	if s.hubs.m == nil {
		s.hubs.m = map[int64]*hub{}
	}
	s.hubs.m[mailboxID] = h
	go h.run(ch, unsubscribe)
	return h, nil
}

func (s *Server) closeHub(h *hub) {
	s.hubs.mu.Lock()
	defer s.hubs.mu.Unlock()
	if h.refs--; h.refs == 0 {
		delete(s.hubs.m, h.mailboxID)
		h.cancel()
		close(h.done)
	}
}

func (h *hub) run(ch <-chan events.Event, unsubscribe func()) {
	defer unsubscribe()
	ctx := h.ctx
	for {
		select {
		case <-h.done:
			return
		case e := <-ch:
			if e.MailboxID != h.mailboxID && e.Kind != events.Overflow {
				continue
			}
			var err error
			switch e.Kind {
			case events.MessageNew:
				err = h.syncNew(ctx)
			case events.MessageExpunge:
				h.expunged(e.UIDs)
			case events.MessageFlags:
				err = h.reloadFlags(ctx, e.UIDs)
			case events.Overflow:
				err = h.resync(ctx)
			}
			if err != nil {
				h.s.log().Error("imap mailbox sync", "mailbox", h.mailboxID, "err", err)
			}
		}
	}
}

// syncNew announces messages committed after the last one known. Commit
// order equals UID order in the store, so "UID > last" finds them all.
func (h *hub) syncNew(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	h.mu.Lock()
	defer h.mu.Unlock()
	var last uint32
	if n := len(h.uids); n > 0 {
		last = h.uids[n-1]
	}
	fresh, err := h.s.Mail.UIDs(ctx, h.who, h.mailboxID, last)
	if err != nil {
		return err
	}
	for _, u := range fresh {
		h.uids = append(h.uids, u)
		// One EXISTS per message: the library's EncodeSeqNum only hides
		// the message an EXISTS update names.
		h.tracker.QueueNumMessages(uint32(len(h.uids)))
	}
	return nil
}

// expunged removes UIDs from the view, highest sequence number first so
// every EXPUNGE names a number valid at its time.
func (h *hub) expunged(uids []uint32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	sorted := slices.Clone(uids)
	slices.Sort(sorted)
	for i := len(sorted) - 1; i >= 0; i-- {
		idx, ok := slices.BinarySearch(h.uids, sorted[i])
		if !ok {
			continue
		}
		h.uids = slices.Delete(h.uids, idx, idx+1)
		delete(h.flagModSeq, sorted[i])
		h.tracker.QueueExpunge(uint32(idx + 1))
	}
}

// flagsChanged announces new flags to every session but source (which
// answers for itself in its STORE or FETCH response).
func (h *hub) flagsChanged(msgs []store.Message, source *imapserver.SessionTracker) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range msgs {
		idx, ok := slices.BinarySearch(h.uids, m.UID)
		if !ok || h.flagModSeq[m.UID] >= m.ModSeq {
			continue
		}
		h.flagModSeq[m.UID] = m.ModSeq
		h.tracker.QueueMessageFlags(uint32(idx+1), imap.UID(m.UID), imapFlags(m.Flags), source)
	}
}

func (h *hub) reloadFlags(ctx context.Context, uids []uint32) error {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	byUID, err := h.s.Mail.MessagesByUID(ctx, h.who, h.mailboxID, uids)
	if err != nil {
		return err
	}
	msgs := make([]store.Message, 0, len(byUID))
	for _, u := range uids {
		if m := byUID[u]; m != nil { // else expunged meanwhile
			msgs = append(msgs, *m)
		}
	}
	h.flagsChanged(msgs, nil)
	return nil
}

// resync compares the view with the store after events were lost.
func (h *hub) resync(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	all, err := h.s.Mail.UIDs(ctx, h.who, h.mailboxID, 0)
	if err != nil {
		return err
	}
	h.mu.Lock()
	var gone []uint32
	for _, u := range h.uids {
		if _, ok := slices.BinarySearch(all, u); !ok {
			gone = append(gone, u)
		}
	}
	h.mu.Unlock()
	h.expunged(gone)
	return h.syncNew(ctx)
}

func imapFlags(flags []string) []imap.Flag {
	out := make([]imap.Flag, len(flags))
	for i, f := range flags {
		out[i] = imap.Flag(f)
	}
	return out
}
