package session

import "sync"

// Hubs is the per-mailbox state all sessions of one process share: which
// session first saw a new message (\Recent, RFC 3501 §2.3.2).
//
// \Recent is per process: the store keeps no record of it, so after a
// restart (or on another node) the first session to select a mailbox sees
// every message in it as recent once. RFC 3501 allows this reading ("the
// first session to be notified"); IMAP4rev2 dropped \Recent altogether.
type Hubs struct {
	mu sync.Mutex
	// claimed is, per mailbox, the highest UID some session has already
	// claimed \Recent for. UIDs grow in commit order and every session
	// learns of messages in that order, so "above claimed" is "not seen".
	claimed map[int64]uint32
}

// Claim returns those of uids (ascending) no session of this process has
// seen before, and records that the caller has now: the caller's view
// marks them \Recent.
func (h *Hubs) Claim(mailboxID int64, uids []uint32) []uint32 {
	if h == nil || len(uids) == 0 {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.claimed == nil {
		h.claimed = map[int64]uint32{}
	}
	last := h.claimed[mailboxID]
	i := len(uids)
	for i > 0 && uids[i-1] > last {
		i--
	}
	if i == len(uids) {
		return nil
	}
	h.claimed[mailboxID] = uids[len(uids)-1]
	return uids[i:]
}

// Forget drops a mailbox's record (the mailbox was deleted).
func (h *Hubs) Forget(mailboxID int64) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.claimed, mailboxID)
}

// Claimed is the highest UID of the mailbox some session has seen: the
// messages above it are \Recent to whoever sees them first.
func (h *Hubs) Claimed(mailboxID int64) uint32 {
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.claimed[mailboxID]
}
